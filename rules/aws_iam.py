"""AWS rules on who may use Kinesis: identity policies and stream resource policies."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from rules._aws import per_stream
from rules.base import Outcome, Param, Params, failed, not_assessed, passed, rule
from scanner.adapters.aws.actions import (
    CONSUMER_ACTIONS,
    DATA_PLANE_ACTIONS,
    PRODUCER_ACTIONS,
    allowed_kinesis_actions,
    covers_every_stream,
    grants_all_kinesis,
)
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, AwsRegion, IdentityPolicy, KinesisStream, PolicyStatement

PRINCIPLE = "Kinesis §3.5 Security and IAM: fine-grained IAM roles per producer/consumer"
IAM_DOC = "https://docs.aws.amazon.com/streams/latest/dev/controlling-access.html"
_ACCOUNT_IN_PRINCIPAL = re.compile(r"^AWS:(?:arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):.*|(\d{12}))$")
_ACCOUNT_CONDITION_KEYS = ("aws:principalaccount", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid")


def _global_id(account: AwsAccount, policy_or_principal_arn: str) -> str:
    return account.resource_id("global", "iam", policy_or_principal_arn.removeprefix("arn:aws:iam::"))


def _iam_not_collected(account: AwsAccount, field: str) -> Outcome:
    reason = account.errors.get(field, "not collected")
    return not_assessed(account.resource_id("global", "iam"), f"IAM authorization details were not collected: {reason}")


def _broad_statements(policy: IdentityPolicy) -> list[dict[str, object]]:
    broad = []
    for statement in policy.statements:
        granted = allowed_kinesis_actions(statement)
        if grants_all_kinesis(statement):
            broad.append({"sid": statement.sid, "actions": statement.actions, "resources": statement.resources, "why": "grants every Kinesis action"})
        elif granted & DATA_PLANE_ACTIONS and covers_every_stream(statement):
            actions = sorted(granted & DATA_PLANE_ACTIONS)
            broad.append({"sid": statement.sid, "actions": actions, "resources": statement.resources or statement.not_resources, "why": "grants data-plane actions on every stream"})
    return broad


@rule(
    id="KIN-IAM-001",
    title="No identity policy allows kinesis:* or data-plane actions on every stream",
    severity=Severity.HIGH,
    provider="aws",
    resource_type="aws.iam.policy",
    principle=PRINCIPLE,
    rationale="kinesis:* or PutRecord/GetRecords on Resource \"*\" lets one identity write to or read every stream of the account, present and future.",
    remediation="Replace the wildcard with the actions the principal needs, scoped to the ARNs of its streams.",
    references=[IAM_DOC],
    tags=["iam"],
)
def no_wildcard_grants(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    if account.iam_policies is None:
        yield _iam_not_collected(account, "iam_policies")
        return
    for policy in account.iam_policies:
        resource = _global_id(account, policy.id)
        if broad := _broad_statements(policy):
            yield failed(resource, f"Policy {policy.name} {broad[0]['why']}.", policy=policy.id, kind=policy.kind, statements=broad)
        else:
            yield passed(resource, f"Policy {policy.name} scopes its Kinesis grants.", policy=policy.id, kind=policy.kind)


@rule(
    id="KIN-IAM-002",
    title="Kinesis producers and consumers are separate principals",
    severity=Severity.LOW,
    provider="aws",
    resource_type="aws.iam.principal",
    principle=PRINCIPLE,
    rationale="A principal that may both write and read streams turns one leaked credential into both data injection and data exfiltration.",
    remediation="Split the principal into a producer role (PutRecord, PutRecords) and a consumer role (GetRecords, GetShardIterator, SubscribeToShard), or list it in stream_processor_principals if it processes one stream into another.",
    references=[IAM_DOC],
    tags=["iam"],
    params={"stream_processor_principals": Param([], "Principal ARNs or names (shell patterns allowed) that may both produce and consume, such as stream processors.")},
)
def producers_consumers_separate(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    if account.iam_policies is None or account.iam_principals is None:
        yield _iam_not_collected(account, "iam_principals")
        return
    allowed = params["stream_processor_principals"]
    grants = {policy.id: set().union(*(allowed_kinesis_actions(s) for s in policy.statements)) for policy in account.iam_policies}

    for principal in account.iam_principals:
        if principal.kind == "group" or principal.path.startswith("/aws-service-role/"):
            continue
        actions = set().union(*(grants.get(policy_id, set()) for policy_id in principal.policy_ids))
        produces, consumes = sorted(actions & PRODUCER_ACTIONS), sorted(actions & CONSUMER_ACTIONS)
        if not produces and not consumes:
            continue
        resource = _global_id(account, principal.arn)
        evidence = {"principal": principal.arn, "producer_actions": produces, "consumer_actions": consumes, "policies": principal.policy_ids}
        exempt = any(fnmatch.fnmatchcase(principal.arn, pattern) or fnmatch.fnmatchcase(principal.name, pattern) for pattern in allowed)
        if produces and consumes and not exempt:
            yield failed(resource, f"{principal.kind.capitalize()} {principal.name} may both produce to and consume from streams.", **evidence)
        elif produces and consumes:
            yield passed(resource, f"{principal.kind.capitalize()} {principal.name} is a listed stream processor.", **evidence)
        else:
            role = "produce" if produces else "consume"
            yield passed(resource, f"{principal.kind.capitalize()} {principal.name} may only {role}.", **evidence)


def _principal_accounts(statement: PolicyStatement) -> list[str] | None:
    """Return the accounts a statement's AWS principals belong to; None when a principal is anyone."""
    accounts = []
    for principal in statement.principals or []:
        if principal in ("*", "AWS:*"):
            return None
        if match := _ACCOUNT_IN_PRINCIPAL.match(principal):
            accounts.append(match.group(1) or match.group(2))
    return accounts


def _condition_accounts(statement: PolicyStatement) -> list[str]:
    """Return the account or organization ids that the statement's conditions restrict callers to."""
    values = []
    for keys in statement.conditions.values():
        for key, items in keys.items():
            if key.lower() in _ACCOUNT_CONDITION_KEYS:
                values.extend(items)
    return values


def _policy_problems(statements: list[PolicyStatement], trusted: set[str]) -> list[str]:
    problems = []
    for statement in statements:
        if not statement.allows:
            continue
        label = statement.sid or "statement"
        accounts = _principal_accounts(statement)
        if accounts is None:
            restricted = _condition_accounts(statement)
            if not restricted:
                conditions = sorted(key for keys in statement.conditions.values() for key in keys)
                limit = f" limited only by {', '.join(conditions)}" if conditions else ""
                problems.append(f"{label} allows Principal \"*\"{limit}")
                continue
            accounts = restricted
        problems.extend(f"{label} trusts unknown account {account}" for account in sorted(set(accounts) - trusted))
    return problems


@rule(
    id="KIN-IAM-003",
    title="Stream resource policy is not public and trusts only known accounts",
    severity=Severity.HIGH,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle=PRINCIPLE,
    rationale="A resource policy can open a stream to other accounts, or to anyone, past every identity policy of the owner account.",
    remediation="Remove Principal \"*\" statements and principals of unknown accounts from the stream's resource policy (aws kinesis put-resource-policy), or add the account to trusted_accounts.",
    references=["https://docs.aws.amazon.com/streams/latest/dev/resource-based-policy-examples.html"],
    tags=["iam"],
    params={"trusted_accounts": Param([], "Account ids (or organization ids in aws:PrincipalOrgID conditions) trusted besides the stream's own account.")},
)
@per_stream
def resource_policy_trusted(account: AwsAccount, region: AwsRegion, stream: KinesisStream, resource: str, params: Params) -> Iterator[Outcome]:
    trusted = set(params["trusted_accounts"]) | {account.account_id or ""}
    if stream.resource_policy is None:
        yield not_assessed(resource, f"The resource policy of stream {stream.name} was not read: {stream.errors.get('resource_policy', 'not collected')}")
    elif not stream.resource_policy:
        yield passed(resource, f"Stream {stream.name} has no resource policy.")
    elif problems := _policy_problems(stream.resource_policy, trusted):
        yield failed(resource, f"Stream {stream.name} resource policy: {'; '.join(problems)}.", problems=problems, trusted_accounts=sorted(trusted))
    else:
        yield passed(resource, f"Stream {stream.name} resource policy trusts only known accounts.", trusted_accounts=sorted(trusted))
