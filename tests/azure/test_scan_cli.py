"""``streamaudit scan --config`` against the fake estate: exit code, reports, and no secret in any output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scanner.cli import main
from tests.azure.conftest import TOKEN_VARIABLE
from tests.components import missing_component, validate_sarif

pytestmark = pytest.mark.azure

SANDBOX = "5c6a2f2e-9d7b-4a39-8f43-222222222222"


def write_config(path: Path, fake_arm, **overrides: object) -> Path:
    target = {
        "name": "contoso",
        "auth": "access_token",
        "access_token_env": TOKEN_VARIABLE,
        "resource_manager_url": fake_arm.url,
        "ca_bundle": str(fake_arm.ca_path),
        "max_retries": 2,
        "retry_backoff_seconds": 0.01,
        "max_retry_after_seconds": 2,
        **overrides,
    }
    path.write_text(yaml.safe_dump({"version": 1, "targets": {"azure": [target]}}))
    return path


def run_scan(tmp_path: Path, config: Path, *extra: str):
    output = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        ["scan", "--config", str(config), "--output-dir", str(output), "--format", "json,sarif,html", "--snapshot-out", str(tmp_path / "snapshot.json"), "-vv", *extra],
    )
    return result, output


def test_scan_unreadable_subscription_exit_3(fake_arm, tmp_path):
    config = write_config(tmp_path / "streamaudit.yaml", fake_arm)
    result, output = run_scan(tmp_path, config)

    assert result.exit_code == 3, result.output
    report = json.loads((output / "streamaudit.json").read_text())
    assert report["scan"]["complete"] is False
    sandbox = [finding for finding in report["findings"] if finding["resource_id"] == f"azure/contoso/{SANDBOX}"]
    assert {finding["status"] for finding in sandbox} == {"NOT_ASSESSED"}
    assert all(SANDBOX in finding["message"] for finding in sandbox)
    assessed = [finding for finding in report["findings"] if finding["resource_id"] != f"azure/contoso/{SANDBOX}"]
    assert {"PASS", "FAIL", "NOT_APPLICABLE"} <= {finding["status"] for finding in assessed}


def test_scan_outputs_hold_no_token(fake_arm, tmp_path, caplog):
    config = write_config(tmp_path / "streamaudit.yaml", fake_arm)
    result, output = run_scan(tmp_path, config)

    texts = {"stdout": result.output, "log": caplog.text, "snapshot": (tmp_path / "snapshot.json").read_text()}
    texts |= {path.name: path.read_text() for path in output.iterdir()}
    for name, text in texts.items():
        assert fake_arm.token not in text, f"the access token appears in {name}"
        assert "SharedAccessKey=" not in text, f"a connection string appears in {name}"
        assert "primaryKey" not in text, f"a key field appears in {name}"


def test_scan_allow_partial_exit_1(fake_arm, tmp_path):
    config = write_config(tmp_path / "streamaudit.yaml", fake_arm)
    result, _ = run_scan(tmp_path, config, "--allow-partial")

    assert result.exit_code == 1, result.output


def test_scan_unset_token_variable_exit_2(fake_arm, tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_VARIABLE)
    config = write_config(tmp_path / "streamaudit.yaml", fake_arm)
    result, _ = run_scan(tmp_path, config)

    assert result.exit_code == 2
    assert TOKEN_VARIABLE in result.output
    assert fake_arm.requests == []


def test_scan_reports_valid(fake_arm, tmp_path):
    config = write_config(tmp_path / "streamaudit.yaml", fake_arm)
    result, output = run_scan(tmp_path, config, "--sarif-include-pass", "--sarif-artifact", "deploy/streamaudit.yaml")
    assert result.exit_code == 3, result.output

    problems = validate_sarif(output / "streamaudit.sarif", tmp_path, "Sarif;Gh")
    assert problems == [], json.dumps(problems[:5], indent=1)

    try:
        from tests.reporting import assert_json_report_valid
    except ImportError:
        missing_component("tests/reporting.py (JSON report schema validation) is not in this checkout")
    assert_json_report_valid(output / "streamaudit.json")
