"""Small model builders for the rule tests: one account, one region, the resources a case needs."""

from __future__ import annotations

from rules import all_rules
from scanner.model.aws import AwsAccount, AwsRegion, KinesisStream, KmsKey

ACCOUNT = "123456789012"
REGION = "us-east-1"


def stream(name: str = "s1", **fields) -> KinesisStream:
    defaults = {
        "arn": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}",
        "status": "ACTIVE",
        "retention_hours": 168,
        "encryption_type": "NONE",
        "enhanced_metrics": [],
        "resource_policy": [],
        "consumers": [],
        "tags": {},
    }
    return KinesisStream(name=name, **(defaults | fields))


def cmk(reference: str = "alias/cmk", **fields) -> KmsKey:
    defaults = {
        "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1",
        "key_id": "k1",
        "account_id": ACCOUNT,
        "manager": "CUSTOMER",
        "state": "Enabled",
        "origin": "AWS_KMS",
        "rotation_enabled": True,
        "policy_statements": [],
    }
    return KmsKey(references=[reference], **(defaults | fields))


def region(**fields) -> AwsRegion:
    defaults = {
        "streams": [],
        "kms_keys": [],
        "vpcs": [],
        "vpc_endpoints": [],
        "firehose_streams": [],
        "event_source_mappings": [],
        "alarms": [],
        "msk_clusters": [],
    }
    return AwsRegion(name=REGION, **(defaults | fields))


def account(*regions: AwsRegion, **fields) -> AwsAccount:
    defaults = {"iam_policies": [], "iam_principals": []}
    return AwsAccount(target="t", account_id=ACCOUNT, regions=list(regions), **(defaults | fields))


def run(rule_id: str, unit: AwsAccount, **params) -> dict[str, tuple[str, str]]:
    """Run one rule's check with its defaults overridden by `params`; return {resource id: (status, message)}."""
    rule = all_rules()[rule_id]
    outcomes = list(rule.check(unit, rule.defaults | params))
    results = {outcome.resource_id: (outcome.status.value, outcome.message) for outcome in outcomes}
    assert len(results) == len(outcomes), f"{rule_id} yielded two outcomes for one resource"
    return results


def statuses(rule_id: str, unit: AwsAccount, **params) -> dict[str, str]:
    return {resource: status for resource, (status, _) in run(rule_id, unit, **params).items()}


def rid(*parts: str) -> str:
    return "/".join(["aws", "t", ACCOUNT, REGION, *parts])
