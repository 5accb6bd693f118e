"""The command line: offline scans, rule listing, and bad input."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.reporting import assert_json_report_valid, assert_reports_valid

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "kafka-estate.snapshot.json"


@pytest.fixture()
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "estate.json")
    return tmp_path


def scan(*args: str):
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def test_offline_example_scan(workdir, tmp_path):
    result = scan("--snapshot", "estate.json", "--format", "json,sarif,html")
    assert result.exit_code == 3, result.output
    report = assert_reports_valid(workdir / "streamaudit-report", tmp_path)

    by_key = {(f["rule_id"], f["resource_id"]): f["status"] for f in report["findings"]}
    assert by_key[("KAFKA-TLS-001", "kafka/legacy-onprem/broker/0/listener/PLAINTEXT")] == "FAIL"
    assert by_key[("KAFKA-TLS-003", "kafka/prod-eu/broker/1/listener/EXTERNAL")] == "FAIL"
    assert by_key[("KAFKA-AUTH-001", "kafka/prod-eu/broker/1/listener/EXTERNAL")] == "PASS"
    assert by_key[("KAFKA-ACL-001", "kafka/dr-site")] == "NOT_ASSESSED"
    assert report["scan"]["complete"] is False
    assert "<table>" in (workdir / "streamaudit-report/streamaudit.html").read_text()


def test_allow_partial_and_fail_on(workdir):
    assert scan("--snapshot", "estate.json", "--allow-partial").exit_code == 1
    assert scan("--snapshot", "estate.json", "--allow-partial", "--fail-on", "critical").exit_code == 1
    only_low = scan("--snapshot", "estate.json", "--allow-partial", "--select", "KAFKA-CLUSTER-001", "--fail-on", "medium")
    assert only_low.exit_code == 0, only_low.output


def test_sarif_leaves_out_pass_by_default(workdir):
    scan("--snapshot", "estate.json", "--format", "sarif")
    sarif = json.loads((workdir / "streamaudit-report/streamaudit.sarif").read_text())
    kinds = {result["properties"]["status"] for run in sarif["runs"] for result in run["results"]}
    assert kinds == {"FAIL", "NOT_ASSESSED"}
    assert [run["automationDetails"]["id"].split("/")[2] for run in sarif["runs"]] == ["dr-site", "legacy-onprem", "prod-eu"]

    scan("--snapshot", "estate.json", "--format", "sarif", "--sarif-include-pass")
    sarif = json.loads((workdir / "streamaudit-report/streamaudit.sarif").read_text())
    kinds = {result["properties"]["status"] for run in sarif["runs"] for result in run["results"]}
    assert "PASS" in kinds


def test_config_params_and_waivers(workdir):
    (workdir / "streamaudit.yaml").write_text(
        "rules:\n  select: ['KAFKA-TOPIC-*']\n  params:\n    KAFKA-TOPIC-002: {min_replication_factor: 2}\n"
    )
    (workdir / "waivers.yaml").write_text(
        "waivers:\n  - rule: KAFKA-TOPIC-002\n    resource: kafka/prod-eu/topic/tmp-debug\n"
        "    reason: scratch topic, deleted in January\n    owner: platform-team\n    expires: 2999-01-31\n"
    )
    result = scan("--config", "streamaudit.yaml", "--snapshot", "estate.json", "--waivers", "waivers.yaml", "--allow-partial")
    assert result.exit_code == 1, result.output
    report = assert_json_report_valid(workdir / "streamaudit-report/streamaudit.json")
    statuses = {(f["rule_id"], f["resource_id"]): f for f in report["findings"]}
    assert statuses[("KAFKA-TOPIC-002", "kafka/prod-eu/topic/tmp-debug")]["status"] == "SUPPRESSED"
    assert statuses[("KAFKA-TOPIC-002", "kafka/prod-eu/topic/risk.fx-exposure.v2")]["status"] == "PASS"
    assert {rule["id"] for rule in report["rules"]} == {"KAFKA-TOPIC-001", "KAFKA-TOPIC-002", "KAFKA-TOPIC-003", "KAFKA-TOPIC-004"}


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        ([], {}, "nothing to scan"),
        (["--config", "missing.yaml"], {}, "cannot read configuration file missing.yaml"),
        (["--config", "c.yaml"], {"c.yaml": "targets: [unclosed"}, "is not valid YAML at line 1"),
        (["--config", "c.yaml"], {"c.yaml": "targetz: {}\n"}, "targetz: unknown key 'targetz'; check its spelling"),
        (
            ["--config", "c.yaml"],
            {"c.yaml": "targets:\n  kafka:\n    - name: a\n      bootstrap: h:9092\n      client: {sasl.password: hunter2}\n"},
            "'sasl.password' contains a literal secret",
        ),
        (["--config", "c.yaml"], {"c.yaml": "targets:\n  kafka:\n    - {name: a, bootstrap: nohostport}\n"}, "'nohostport' is not HOST:PORT"),
        (["--snapshot", "bad.json"], {"bad.json": "{"}, "is not valid JSON"),
        (["--snapshot", "bad.json"], {"bad.json": '{"schema_version": "9"}'}, "schema_version '9'"),
        (["--snapshot", "estate.json", "--select", "NOPE-*"], {}, "'NOPE-*' matches no rule"),
        (["--snapshot", "estate.json", "--waivers", "w.yaml"], {"w.yaml": "waivers:\n  - rule: KAFKA-TLS-001\n"}, "Each waiver needs rule, resource, reason, owner and expires"),
        (["--snapshot", "estate.json", "--kafka-bootstrap", "h:1"], {}, "cannot be combined with --kafka-bootstrap"),
        (["--kafka-bootstrap", "127.0.0.1:99999"], {}, "is not HOST:PORT"),
        (["--config", "c.yaml"], {"c.yaml": "targets:\n  kafka:\n    - {name: a, bootstrap: 'h:99999'}\n"}, "port 99999 of 'h:99999' is out of range"),
        (["--config", "c.yaml"], {"c.yaml": ""}, "c.yaml defines no targets"),
        (["--config", "c.yaml"], {"c.yaml": b"targets: {kafka: []}\n# \xff\n"}, "is not UTF-8 text"),
        (["--snapshot", "bad.json"], {"bad.json": b"\x89PNG\xff"}, "is not UTF-8 JSON"),
        (["--snapshot", "estate.json", "--waivers", "w.yaml"], {"w.yaml": b"\xff"}, "waiver file w.yaml is not UTF-8 text"),
        (
            ["--config", "c.yaml"],
            {"c.yaml": "targets:\n  kafka:\n    - name: a\n      bootstrap: h:9092\n      client: {sasl.jaas.config: 'x password=\"p\";'}\n"},
            "'sasl.jaas.config' contains a literal secret",
        ),
        (
            ["--config", "c.yaml"],
            {"c.yaml": "targets:\n  kafka:\n    - {name: a, bootstrap: 'h:9092', client: {bootstrap.servers: 'other:9092'}}\n"},
            "'bootstrap.servers' comes from the target's bootstrap key",
        ),
        (
            ["--config", "c.yaml"],
            {"c.yaml": "targets:\n  kafka:\n    - {name: a, bootstrap: '127.0.0.1:9', client: {security.protcol: SSL}}\n"},
            'targets.kafka.a.client: No such configuration property: "security.protcol"',
        ),
        (
            ["--snapshot", "estate.json", "--waivers", "w.yaml"],
            {"w.yaml": "waivers:\n" + "  - {rule: KAFKA-TLS-001, resource: r, reason: x, owner: o, expires: 2999-01-01}\n" * 2},
            "two waivers name rule KAFKA-TLS-001 and resource r",
        ),
    ],
)
def test_bad_input_exits_2_without_output(workdir, args, files, message):
    for name, content in files.items():
        if isinstance(content, bytes):
            (workdir / name).write_bytes(content)
        else:
            (workdir / name).write_text(content)
    result = CliRunner().invoke(main, ["scan", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (workdir / "streamaudit-report").exists()


def test_bad_format_flag_exits_2(workdir):
    result = CliRunner().invoke(main, ["scan", "--snapshot", "estate.json", "--format", "pdf"])
    assert result.exit_code == 2
    assert "choose one or more of json, sarif, html" in result.output


def test_missing_secret_variable_exits_2(workdir, monkeypatch):
    monkeypatch.delenv("STREAMAUDIT_TEST_UNSET", raising=False)
    (workdir / "c.yaml").write_text(
        "targets:\n  kafka:\n    - name: a\n      bootstrap: 127.0.0.1:1\n      client: {sasl.password: '${env:STREAMAUDIT_TEST_UNSET}'}\n"
    )
    result = CliRunner().invoke(main, ["scan", "--config", "c.yaml"])
    assert result.exit_code == 2, result.output
    assert "environment variable STREAMAUDIT_TEST_UNSET is not set" in result.output


def test_rules_list_and_show():
    listing = CliRunner().invoke(main, ["rules", "list", "--json"])
    rules = {rule["id"]: rule for rule in json.loads(listing.output)}
    assert rules["KAFKA-TOPIC-002"]["params"]["min_replication_factor"]["default"] == 3
    shown = CliRunner().invoke(main, ["rules", "show", "kafka-acl-003"])
    assert "wildcard_principal_allowed_operations = []" in shown.output
    missing = CliRunner().invoke(main, ["rules", "show", "NOPE-1"])
    assert missing.exit_code == 2
    assert "no rule has the id 'NOPE-1'" in missing.output


def test_html_report_escapes_resource_names(workdir):
    estate = json.loads((workdir / "estate.json").read_text())
    prod = next(cluster for cluster in estate["kafka"]["clusters"] if cluster["target"] == "prod-eu")
    prod["topics"][1]["name"] = "<script>alert(1)</script>"
    (workdir / "estate.json").write_text(json.dumps(estate))

    scan("--snapshot", "estate.json", "--format", "html")
    page = (workdir / "streamaudit-report/streamaudit.html").read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "listener.name.&lt;listener&gt;.sasl.enabled.mechanisms" in page


def test_output_path_that_is_a_directory_writes_nothing(workdir):
    (workdir / "streamaudit-report/streamaudit.html").mkdir(parents=True)
    result = CliRunner().invoke(main, ["scan", "--snapshot", "estate.json", "--format", "json,sarif,html"])
    assert result.exit_code == 2, result.output
    assert "streamaudit.html: Is a directory. Nothing was written" in result.output
    assert sorted(path.name for path in (workdir / "streamaudit-report").iterdir()) == ["streamaudit.html"]


def test_reports_readable_by_group_and_others(workdir):
    scan("--snapshot", "estate.json", "--allow-partial")
    mode = (workdir / "streamaudit-report/streamaudit.json").stat().st_mode & 0o777
    assert mode == 0o666 & ~_current_umask()


def _current_umask() -> int:
    import os

    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_unmatched_waiver_warns(workdir):
    (workdir / "waivers.yaml").write_text(
        "waivers:\n  - {rule: KAFKA-CLUSTER-001, resource: kafka/legacy-onprem/broker/9, reason: typo, owner: o, expires: 2999-01-01}\n"
    )
    result = CliRunner().invoke(main, ["scan", "--snapshot", "estate.json", "--waivers", "waivers.yaml", "--allow-partial"])
    assert result.exit_code == 1
    assert "waiver of KAFKA-CLUSTER-001 on kafka/legacy-onprem/broker/9 matches no result" in result.output
