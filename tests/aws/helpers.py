"""Builders shared by the AWS tests: scan targets, configuration files and result tables."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.aws.estate import ACCOUNT_A, ACCOUNT_B, EXTERNAL_ID, REGIONS, role_arn

EXTERNAL_ID_VARIABLE = "STREAMAUDIT_TEST_EXTERNAL_ID"

# Rule parameters of the seeded-estate scans.
RULE_PARAMS = {
    "KIN-TAG-001": {"required_tag_keys": ["owner", "env"]},
    "KIN-IAM-003": {"trusted_accounts": [ACCOUNT_B]},
    "KIN-IAM-002": {"stream_processor_principals": ["enricher"]},
}


def target_settings(endpoint: str, accounts: list[str], **extra) -> dict:
    """Return an AWS target mapping for `accounts`, reached through the test role with an env-referenced external id."""
    settings = {
        "name": "estate",
        "endpoint_url": endpoint,
        "regions": list(REGIONS),
        "accounts": [{"role_arn": role_arn(account), "external_id": f"${{env:{EXTERNAL_ID_VARIABLE}}}"} for account in accounts],
        "max_attempts": 2,
        "connect_timeout_seconds": 2,
        "read_timeout_seconds": 10,
    }
    settings.update(extra)
    return settings


def write_config(path: Path, endpoint: str, accounts: list[str] = (ACCOUNT_A, ACCOUNT_B), **extra) -> Path:
    config = {
        "version": 1,
        "targets": {"aws": [target_settings(endpoint, list(accounts), **extra)]},
        "rules": {"providers": ["aws"], "params": RULE_PARAMS},
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def result_table(report_path: Path) -> dict[tuple[str, str], str]:
    """Return {(rule id, resource id): status} from a JSON report."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    table: dict[tuple[str, str], str] = {}
    for finding in report["findings"]:
        key = (finding["rule_id"], finding["resource_id"])
        assert key not in table, f"two findings for {key}"
        table[key] = finding["status"]
    return table


__all__ = ["EXTERNAL_ID", "EXTERNAL_ID_VARIABLE", "RULE_PARAMS", "result_table", "target_settings", "write_config"]
