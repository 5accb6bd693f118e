"""KIN-IAM-001..003 on model instances: wildcard grants, producer/consumer separation, resource policies."""

from __future__ import annotations

from scanner.adapters.aws.iam import build_iam
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import IamPrincipal, IdentityPolicy
from tests.aws.models import ACCOUNT, account, region, rid, run, statuses, stream


def _policy(policy_id: str, *statements: dict) -> IdentityPolicy:
    parsed = parse_statements({"Statement": list(statements)}, has_principal=False)
    return IdentityPolicy(id=policy_id, name=policy_id.rsplit("/", 1)[-1], kind="managed", statements=parsed)


def _iam_id(path: str) -> str:
    return "/".join(["aws", "t", ACCOUNT, "global", "iam", f"{ACCOUNT}:{path}"])


def _arn(path: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{path}"


STREAM = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/orders"


def test_iam001_grants():
    policies = [
        _policy(_arn("policy/star"), {"Effect": "Allow", "Action": "*", "Resource": "*"}),
        _policy(_arn("policy/kinesis-all-scoped"), {"Effect": "Allow", "Action": "kinesis:*", "Resource": STREAM}),
        _policy(_arn("policy/put-everywhere"), {"Effect": "Allow", "Action": "kinesis:Put*", "Resource": "arn:aws:kinesis:*:*:stream/*"}),
        _policy(_arn("policy/not-action"), {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        _policy(_arn("policy/scoped"), {"Effect": "Allow", "Action": ["kinesis:PutRecord"], "Resource": STREAM}),
        _policy(_arn("policy/describe-all"), {"Effect": "Allow", "Action": ["kinesis:DescribeStream", "kinesis:ListStreams"], "Resource": "*"}),
    ]
    unit = account(iam_policies=policies)
    assert statuses("KIN-IAM-001", unit) == {
        _iam_id("policy/star"): "FAIL",
        _iam_id("policy/kinesis-all-scoped"): "FAIL",
        _iam_id("policy/put-everywhere"): "FAIL",
        _iam_id("policy/not-action"): "FAIL",
        _iam_id("policy/scoped"): "PASS",
        _iam_id("policy/describe-all"): "PASS",
    }


def test_iam001_not_collected():
    unit = account(iam_policies=None, iam_principals=None, errors={"iam_policies": "denied: AccessDenied"})
    assert statuses("KIN-IAM-001", unit) == {"aws/t/123456789012/global/iam": "NOT_ASSESSED"}


def test_iam002_separation_and_exemption():
    policies = [
        _policy(_arn("policy/produce"), {"Effect": "Allow", "Action": ["kinesis:PutRecords"], "Resource": STREAM}),
        _policy(_arn("policy/consume"), {"Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator"], "Resource": STREAM}),
    ]
    principals = [
        IamPrincipal(arn=_arn("role/writer"), name="writer", kind="role", policy_ids=[_arn("policy/produce")]),
        IamPrincipal(arn=_arn("role/reader"), name="reader", kind="role", policy_ids=[_arn("policy/consume")]),
        IamPrincipal(arn=_arn("role/both"), name="both", kind="role", policy_ids=[_arn("policy/produce"), _arn("policy/consume")]),
        IamPrincipal(arn=_arn("role/flink-app"), name="flink-app", kind="role", policy_ids=[_arn("policy/produce"), _arn("policy/consume")]),
        IamPrincipal(arn=_arn("group/devs"), name="devs", kind="group", policy_ids=[_arn("policy/produce"), _arn("policy/consume")]),
    ]
    unit = account(iam_policies=policies, iam_principals=principals)
    assert statuses("KIN-IAM-002", unit, stream_processor_principals=["flink-*"]) == {
        _iam_id("role/writer"): "PASS",
        _iam_id("role/reader"): "PASS",
        _iam_id("role/both"): "FAIL",
        _iam_id("role/flink-app"): "PASS",
    }


def test_iam_details_group_policies_reach_users():
    document = {"Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": STREAM}]}
    details = {
        "Policies": [],
        "RoleDetailList": [],
        "GroupDetailList": [{"GroupName": "writers", "Arn": _arn("group/writers"), "GroupPolicyList": [{"PolicyName": "w", "PolicyDocument": document}]}],
        "UserDetailList": [{"UserName": "amy", "Arn": _arn("user/amy"), "GroupList": ["writers"]}],
    }
    policies, principals = build_iam(details)
    assert [policy.id for policy in policies] == [f"{_arn('group/writers')}/inline-policy/w"]
    users = [principal for principal in principals if principal.kind == "user"]
    assert users[0].policy_ids == [f"{_arn('group/writers')}/inline-policy/w"]


def _stream_with_policy(*statements: dict):
    return account(region(streams=[stream(resource_policy=parse_statements({"Statement": list(statements)}))]))


def test_iam003_resource_policies():
    get = {"Effect": "Allow", "Action": "kinesis:GetRecords", "Resource": STREAM}
    cases = {
        "no policy": ([], "PASS"),
        "own account": ([get | {"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"}}], "PASS"),
        "trusted": ([get | {"Principal": {"AWS": "222222222222"}}], "PASS"),
        "unknown": ([get | {"Principal": {"AWS": "arn:aws:iam::999999999999:root"}}], "FAIL"),
        "public": ([get | {"Principal": "*"}], "FAIL"),
        "public aws": ([get | {"Principal": {"AWS": "*"}}], "FAIL"),
        "public ip only": ([get | {"Principal": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}], "FAIL"),
        "public trusted org": ([get | {"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}], "PASS"),
        "public unknown account": ([get | {"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "999999999999"}}}], "FAIL"),
        "service": ([get | {"Principal": {"Service": "firehose.amazonaws.com"}}], "PASS"),
        "deny public": ([get | {"Effect": "Deny", "Principal": "*"}], "PASS"),
    }
    for name, (statements, expected) in cases.items():
        result = statuses("KIN-IAM-003", _stream_with_policy(*statements), trusted_accounts=["222222222222", "o-abc"])
        assert result == {rid("kinesis", "s1"): expected}, name


def test_iam003_policy_not_read():
    unit = account(region(streams=[stream(resource_policy=None, errors={"resource_policy": "denied: AccessDenied"})]))
    status, message = run("KIN-IAM-003", unit)[rid("kinesis", "s1")]
    assert status == "NOT_ASSESSED"
    assert "AccessDenied" in message
