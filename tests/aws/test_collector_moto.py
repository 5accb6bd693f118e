"""The AWS adapter against moto: partial failures, read-only calls, the shipped IAM policy, pagination, discovery."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from rules import all_rules
from scanner.adapters.aws import kinesis
from scanner.adapters.aws.collector import AwsCollector
from scanner.adapters.aws.config import AwsTarget
from scanner.adapters.aws.ratelimit import RateLimiter
from scanner.adapters.aws.session import READ_OPERATIONS, AccountSession, CallRecorder, ReadOnlyViolation, base_session
from scanner.engine import EvaluatedRule, evaluate
from scanner.model import Provenance, Snapshot
from scanner.model.aws import AwsSection
from tests.aws.estate import ACCOUNT_A, ACCOUNT_B, ACCOUNT_D, EXTERNAL_ID, FOREIGN_ACCOUNT
from tests.aws.faults import Fault
from tests.aws.helpers import EXTERNAL_ID_VARIABLE, target_settings

POLICY_FILE = Path(__file__).resolve().parents[2] / "scanner/adapters/aws/streamaudit-readonly-policy.json"
NON_READ_ALLOWED = {"sts:AssumeRole"}


@pytest.fixture(autouse=True)
def external_id(monkeypatch):
    monkeypatch.setenv(EXTERNAL_ID_VARIABLE, EXTERNAL_ID)


def _evaluate(accounts) -> dict[tuple[str, str], tuple[str, str]]:
    snapshot = Snapshot(
        provenance=Provenance(tool_version="test", started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:00:01Z"),
        aws=AwsSection(accounts=accounts),
    )
    selected = [EvaluatedRule(rule, rule.defaults) for rule in all_rules().values() if rule.provider == "aws"]
    return {(f.rule_id, f.resource_id): (f.status.value, f.message) for f in evaluate(snapshot, selected).findings}


def _policy_actions() -> set[str]:
    policy = json.loads(POLICY_FILE.read_text())
    return {action for statement in policy["Statement"] for action in statement["Action"]}


def test_partial_failures_not_assessed(estate, endpoint, faults):
    faults.add(
        Fault("DescribeKey", "AccessDeniedException", match=FOREIGN_ACCOUNT, message="not authorized to perform kms:DescribeKey"),
        Fault("ListTagsForStream", "ThrottlingException", match="throttled", message="Rate exceeded"),
        Fault("DescribeStreamSummary", "ResourceNotFoundException", match="vanishing", message="Stream vanishing not found"),
        Fault("*", "UnrecognizedClientException", region="ap-east-1", message="The security token included in the request is invalid"),
    )
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_D], regions=["us-east-1", "ap-east-1"]))
    accounts, provenance = AwsCollector(target).collect()

    kinds = sorted({error.kind.value for error in provenance.errors})
    assert kinds == ["authentication", "denied", "not_found", "throttled"]
    assert provenance.assessed
    assert sum(1 for operation, _ in faults.hits if operation == "ListTagsForStream") == target.max_attempts

    results = _evaluate(accounts)
    base = f"aws/estate/{ACCOUNT_D}"
    assert results[("KIN-ENC-001", f"{base}/us-east-1/kinesis/xacct")][0] == "PASS"
    for rule_id in ("KIN-ENC-002", "KIN-ENC-003", "KIN-ENC-004"):
        status, message = results[(rule_id, f"{base}/us-east-1/kinesis/xacct")]
        assert status == "NOT_ASSESSED"
        assert "AccessDenied" in message

    # With no required tag keys configured, KIN-TAG-001 does not need the tags that were throttled.
    assert results[("KIN-TAG-001", f"{base}/us-east-1/kinesis/throttled")][0] == "NOT_APPLICABLE"
    us_east = next(region for region in accounts[0].regions if region.name == "us-east-1")
    throttled = next(stream for stream in us_east.streams if stream.name == "throttled")
    assert throttled.errors["tags"].startswith("throttled")
    assert results[("KIN-RET-001", f"{base}/us-east-1/kinesis/throttled")][0] == "PASS"

    for rule_id in ("KIN-ENC-001", "KIN-RET-001", "KIN-IAM-003", "KIN-TAG-001"):
        status, message = results[(rule_id, f"{base}/us-east-1/kinesis/vanishing")]
        assert status == "NOT_ASSESSED"
        assert "deleted during the scan" in message
        assert results[(rule_id, f"{base}/ap-east-1")][0] == "NOT_ASSESSED"
    assert "not be enabled" in results[("MSK-TLS-001", f"{base}/ap-east-1")][1]


def test_throttled_tags_not_assessed_with_required_tags(estate, endpoint, faults):
    faults.add(Fault("ListTagsForStream", "ThrottlingException", match="throttled", message="Rate exceeded"))
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_D], regions=["us-east-1"]))
    accounts, _ = AwsCollector(target).collect()

    rule = all_rules()["KIN-TAG-001"]
    outcomes = {outcome.resource_id: outcome for outcome in rule.check(accounts[0], {"required_tag_keys": ["owner"]})}
    throttled = outcomes[f"aws/estate/{ACCOUNT_D}/us-east-1/kinesis/throttled"]
    assert throttled.status.value == "NOT_ASSESSED"
    assert "ThrottlingException" in throttled.message
    assert outcomes[f"aws/estate/{ACCOUNT_D}/us-east-1/kinesis/xacct"].status.value == "PASS"


def _full_scan_calls(endpoint: str) -> CallRecorder:
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_A, ACCOUNT_B]))
    collector = AwsCollector(target)
    accounts, provenance = collector.collect()
    assert provenance.errors == []
    assert len(accounts) == 2
    return collector.calls


def _organization_scan_calls(endpoint: str) -> CallRecorder:
    organizations = boto3.client("organizations", region_name="us-east-1", endpoint_url=endpoint)
    try:
        organizations.create_organization(FeatureSet="ALL")
    except organizations.exceptions.AlreadyInOrganizationException:
        pass
    management = organizations.describe_organization()["Organization"]["MasterAccountId"]
    settings = target_settings(endpoint, [], regions=[], organization={"role_name": "streamaudit-readonly", "include_accounts": [management]})
    collector = AwsCollector(AwsTarget(**settings))
    accounts, provenance = collector.collect()
    assert provenance.errors == []
    assert [account.account_id for account in accounts] == [management]
    assert len(accounts[0].regions) > 10
    return collector.calls


def test_calls_read_only_and_match_policy(estate, endpoint):
    full = _full_scan_calls(endpoint)
    organization = _organization_scan_calls(endpoint)
    called = full.operations | organization.operations

    for operation in called:
        name = operation.split(":", 1)[1]
        assert name.startswith(("Describe", "List", "Get")) or operation in NON_READ_ALLOWED, operation
    assert called == set(READ_OPERATIONS)
    assert _policy_actions() == called


def test_write_operation_rejected(estate, endpoint):
    target = AwsTarget(**target_settings(endpoint, []))
    recorder = CallRecorder()
    session = AccountSession(target, base_session(target), recorder, RateLimiter(target.rate_for), account="base")
    kinesis = session.client("kinesis", "us-east-1")

    with pytest.raises(ReadOnlyViolation, match="kinesis:CreateStream"):
        kinesis.create_stream(StreamName="must-not-exist", ShardCount=1)
    assert "must-not-exist" not in kinesis.list_streams()["StreamNames"]
    assert recorder.operations == {"kinesis:ListStreams"}


def test_streams_listed_across_pages(estate, endpoint, monkeypatch):
    monkeypatch.setattr(kinesis, "LIST_STREAMS_PAGE_SIZE", 10)
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_A], regions=["us-east-1"]))
    collector = AwsCollector(target)
    accounts, _ = collector.collect()
    names = [stream.name for stream in accounts[0].regions[0].streams]
    assert len(names) == 13
    assert names == sorted(names)
    assert collector.calls.counts["kinesis:ListStreams"] == 2


def test_rate_buckets_and_key_reads(estate, endpoint):
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_A], regions=["us-east-1"]))
    collector = AwsCollector(target)
    accounts, provenance = collector.collect()
    region = accounts[0].regions[0]
    buckets = collector.limiter.buckets()

    consumer_buckets = {key[3]: bucket for key, bucket in buckets.items() if key[2] == "kinesis:ListStreamConsumers"}
    assert set(consumer_buckets) == {stream.arn for stream in region.streams}
    assert all(bucket.granted == 1 for bucket in consumer_buckets.values())
    policy_buckets = [(key[3], bucket.granted) for key, bucket in buckets.items() if key[2] == "kinesis:GetResourcePolicy"]
    assert policy_buckets == [("", len(region.streams))]

    # Each key reference is resolved once, and each resolved key is read once.
    resolved = [key for key in region.kms_keys if key.arn]
    assert collector.calls.counts["kms:DescribeKey"] == sum(len(key.references) for key in region.kms_keys)
    assert any(len(key.references) > 1 for key in region.kms_keys)
    assert collector.calls.counts["kms:GetKeyPolicy"] == sum(1 for key in resolved if key.account_id == ACCOUNT_A)


def test_snapshot_bytes_stable(estate, endpoint):
    target = AwsTarget(**target_settings(endpoint, [ACCOUNT_A, ACCOUNT_B]))
    first = AwsSection(accounts=AwsCollector(target).collect()[0]).model_dump_json()
    second = AwsSection(accounts=AwsCollector(target).collect()[0]).model_dump_json()
    assert first == second
    assert "testing" not in first
    assert EXTERNAL_ID not in first
