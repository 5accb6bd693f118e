"""Validation of report files, shared by the provider test suites."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema

from tests.components import validate_sarif


def findings_schema() -> dict:
    return json.loads(resources.files("reports").joinpath("schema/findings-v1.json").read_text())


def assert_json_report_valid(path: Path) -> dict:
    """Validate a JSON report against the published schema and return it."""
    report = json.loads(path.read_text())
    jsonschema.validate(report, findings_schema(), format_checker=jsonschema.FormatChecker())
    return report


def assert_sarif_valid(path: Path, tmp_path: Path) -> None:
    """Validate a SARIF file with the SARIF Multitool, with its default and GitHub rules."""
    for rule_kinds in ("Sarif", "Gh", "Sarif;Gh"):
        problems = validate_sarif(path, tmp_path, rule_kinds)
        assert problems == [], f"{rule_kinds}: " + json.dumps(problems[:5], indent=1)


def assert_reports_valid(output_dir: Path, tmp_path: Path) -> dict:
    """Validate streamaudit.json and streamaudit.sarif in `output_dir`; return the JSON report."""
    report = assert_json_report_valid(output_dir / "streamaudit.json")
    assert_sarif_valid(output_dir / "streamaudit.sarif", tmp_path)
    return report
