"""The seeded moto estate scanned end to end through ``streamaudit scan --config``: the whole result table."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scanner.cli import main
from tests.aws.estate import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, BULK_STREAMS, EXTERNAL_ID
from tests.aws.faults import Fault
from tests.aws.helpers import EXTERNAL_ID_VARIABLE, result_table, write_config

P, F, NA, NX = "PASS", "FAIL", "NOT_APPLICABLE", "NOT_ASSESSED"
STREAM_RULES = ("KIN-ENC-001", "KIN-ENC-002", "KIN-ENC-003", "KIN-ENC-004", "KIN-IAM-003", "KIN-RET-001", "KIN-OBS-001", "KIN-OBS-002", "KIN-DLQ-001", "KIN-TAG-001")
# Per stream, the expected status of each rule in STREAM_RULES, in that order. "M" for KIN-DLQ-001 means
# the stream has a Lambda mapping, whose result is expected separately.
STREAMS = {
    (ACCOUNT_A, "us-east-1", "orders-good"): (P, P, P, P, P, P, P, P, "M", P),
    (ACCOUNT_A, "us-east-1", "orders-bad"): (F, NA, NA, NA, F, F, F, F, "M", F),
    (ACCOUNT_A, "us-east-1", "payments-arn"): (P, P, P, P, F, P, P, P, NA, P),
    (ACCOUNT_A, "us-east-1", "audit-aws-key"): (P, F, NA, P, P, P, F, F, NA, P),
    (ACCOUNT_A, "us-east-1", "public-key"): (P, P, F, F, P, P, F, F, NA, P),
    (ACCOUNT_A, "us-east-1", "doomed-key"): (P, P, P, F, P, P, F, F, NA, P),
    **{(ACCOUNT_A, "us-east-1", name): (F, NA, NA, NA, P, F, F, F, NA, F) for name in BULK_STREAMS},
    (ACCOUNT_A, "eu-west-1", "eu-events"): (P, P, P, P, P, P, P, P, NA, P),
    (ACCOUNT_B, "us-east-1", "fh-source-encrypted"): (P, P, P, P, P, P, P, F, NA, P),
    (ACCOUNT_B, "us-east-1", "fh-source-plain"): (F, NA, NA, NA, P, P, P, F, NA, P),
}
MSK_RULES = ("MSK-TLS-001", "MSK-TLS-002", "MSK-AUTH-001", "MSK-AUTH-002", "MSK-NET-001", "MSK-ENC-001", "MSK-OBS-001")
MSK = {
    "msk-good": (P, P, P, P, P, P, P),
    "msk-bad": (F, F, F, F, F, F, F),
    "msk-serverless": (P, P, P, P, P, NA, NA),
}


def _rid(account: str, region: str, *parts: str) -> str:
    return "/".join(["aws", "estate", account, region, *parts])


def expected_table(estate) -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for (account, region, name), statuses in STREAMS.items():
        for rule_id, status in zip(STREAM_RULES, statuses):
            if status != "M":
                table[(rule_id, _rid(account, region, "kinesis", name))] = status
    for name, status in (("orders-good", P), ("orders-bad", F)):
        table[("KIN-DLQ-001", _rid(ACCOUNT_A, "us-east-1", "kinesis", name, "lambda-mapping", estate.mappings[name]))] = status

    for (account, region), vpc in estate.default_vpcs.items():
        table[("KIN-NET-001", _rid(account, region, "vpc", vpc))] = F
    table[("KIN-NET-001", _rid(ACCOUNT_A, "us-east-1", "vpc", estate.vpcs["app"]))] = P
    table[("KIN-NET-001", _rid(ACCOUNT_A, "us-east-1", "vpc", estate.vpcs["data"]))] = F
    table[("KIN-NET-002", _rid(ACCOUNT_A, "us-east-1", "vpc-endpoint", estate.endpoints["app-streams"]))] = F
    table[("KIN-NET-002", _rid(ACCOUNT_A, "us-east-1", "vpc-endpoint", estate.endpoints["data-streams"]))] = P

    iam = lambda path: _rid(ACCOUNT_A, "global", "iam", f"{ACCOUNT_A}:{path}")  # noqa: E731
    table[("KIN-IAM-001", iam("policy/kinesis-admin"))] = F
    table[("KIN-IAM-001", iam("policy/kinesis-read-all"))] = F
    for role in ("enricher", "processor", "producer"):
        table[("KIN-IAM-001", iam(f"role/{role}/inline-policy/{role}-streams"))] = P
    for path, status in (("user/ops", F), ("role/processor", F), ("role/enricher", P), ("role/producer", P), ("role/reader", P)):
        table[("KIN-IAM-002", iam(path))] = status

    for name, status in (("direct-encrypted", P), ("direct-plain", F), ("from-encrypted", P), ("from-plain", F)):
        table[("FH-ENC-001", _rid(ACCOUNT_B, "us-east-1", "firehose", name))] = status
    for name, statuses in MSK.items():
        for rule_id, status in zip(MSK_RULES, statuses):
            table[(rule_id, _rid(ACCOUNT_B, "us-east-1", "msk", name))] = status
    return table


@pytest.fixture
def external_id(monkeypatch):
    monkeypatch.setenv(EXTERNAL_ID_VARIABLE, EXTERNAL_ID)


def _scan(tmp_path, config, *extra):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", "--config", str(config), "--output-dir", str(out), "--format", "json,sarif", *extra])
    return result, out


def test_estate_table_exact(estate, endpoint, tmp_path, external_id):
    config = write_config(tmp_path / "streamaudit.yaml", endpoint)
    result, out = _scan(tmp_path, config)

    assert result.exit_code == 1, result.output
    table = result_table(out / "streamaudit.json")
    expected = expected_table(estate)
    assert sorted(set(table) - set(expected)) == []
    assert sorted(set(expected) - set(table)) == []
    wrong = {key: (table[key], status) for key, status in expected.items() if table[key] != status}
    assert wrong == {}


def test_saved_snapshot_same_table(estate, endpoint, tmp_path, external_id):
    config = write_config(tmp_path / "streamaudit.yaml", endpoint)
    snapshot = tmp_path / "snapshot.json"
    live, live_out = _scan(tmp_path, config, "--snapshot-out", str(snapshot))
    assert live.exit_code == 1, live.output

    offline_out = tmp_path / "offline"
    offline = CliRunner().invoke(main, ["scan", "--config", str(config), "--snapshot", str(snapshot), "--output-dir", str(offline_out), "--format", "json"])
    assert offline.exit_code == 1, offline.output
    assert result_table(offline_out / "streamaudit.json") == result_table(live_out / "streamaudit.json")
    assert EXTERNAL_ID not in snapshot.read_text()


def test_estate_covers_every_aws_rule(estate):
    from rules import all_rules

    aws_rules = {rule_id for rule_id, rule in all_rules().items() if rule.provider == "aws"}
    table = expected_table(estate)
    for status in (P, F):
        covered = {rule_id for (rule_id, _), found in table.items() if found == status}
        assert aws_rules - covered == set(), f"rules without a {status} in the estate"


def test_denied_account_exits_3(estate, endpoint, tmp_path, external_id, faults):
    faults.add(Fault("AssumeRole", "AccessDenied", match=ACCOUNT_C, status=403, message="not authorized to perform sts:AssumeRole"))
    config = write_config(tmp_path / "streamaudit.yaml", endpoint, accounts=[ACCOUNT_A, ACCOUNT_B, ACCOUNT_C])
    result, out = _scan(tmp_path, config)

    assert result.exit_code == 3, result.output
    table = result_table(out / "streamaudit.json")
    denied = {key: status for key, status in table.items() if key[1] == f"aws/estate/{ACCOUNT_C}"}
    assert set(denied.values()) == {NX}
    assert len(denied) == 22
    collected = {key: status for key, status in table.items() if key[1] != f"aws/estate/{ACCOUNT_C}"}
    assert collected == expected_table(estate)

    report = json.loads((out / "streamaudit.json").read_text())
    errors = report["scan"]["targets"][0]["errors"]
    assert [error["kind"] for error in errors] == ["denied"]
    assert ACCOUNT_C in errors[0]["scope"]
    assert report["scan"]["complete"] is False


@pytest.mark.sarif
@pytest.mark.parametrize("include_pass", [False, True])
def test_estate_reports_valid(estate, endpoint, tmp_path, external_id, faults, include_pass):
    from tests.reporting import assert_reports_valid

    faults.add(Fault("AssumeRole", "AccessDenied", match=ACCOUNT_C, status=403, message="not authorized to perform sts:AssumeRole"))
    config = write_config(tmp_path / "streamaudit.yaml", endpoint, accounts=[ACCOUNT_A, ACCOUNT_B, ACCOUNT_C])
    result, out = _scan(tmp_path, config, *(["--sarif-include-pass"] if include_pass else []))

    assert result.exit_code == 3, result.output
    report = assert_reports_valid(out, tmp_path)
    assert {finding["provider"] for finding in report["findings"]} == {"aws"}
    sarif = json.loads((out / "streamaudit.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert {result["kind"] for result in results} >= ({"fail", "review", "pass", "notApplicable"} if include_pass else {"fail", "review"})
