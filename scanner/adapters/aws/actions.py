"""IAM action matching for Kinesis: wildcards, NotAction, and the producer and consumer action sets."""

from __future__ import annotations

import fnmatch
import functools

import botocore.session

from scanner.model.aws import PolicyStatement

PRODUCER_ACTIONS = frozenset({"kinesis:PutRecord", "kinesis:PutRecords"})
CONSUMER_ACTIONS = frozenset({"kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:SubscribeToShard"})
DATA_PLANE_ACTIONS = PRODUCER_ACTIONS | CONSUMER_ACTIONS

# A resource pattern that matches this made-up stream ARN matches every stream
# in every account and region ("*", "arn:aws:kinesis:*:*:*", "arn:aws:kinesis:*:*:stream/*").
_ANY_STREAM_PROBE = "arn:aws:kinesis:zz-probe-9:000000000000:stream/zz-probe"


@functools.cache
def kinesis_actions() -> frozenset[str]:
    """Return every Kinesis Data Streams action, from the installed botocore's service model."""
    model = botocore.session.get_session().get_service_model("kinesis")
    return frozenset(f"kinesis:{name}" for name in model.operation_names)


def _matches(pattern: str, action: str) -> bool:
    """Match an IAM action pattern (``*`` and ``?`` wildcards, case-insensitive)."""
    escaped = pattern.lower().replace("[", "[[]")
    return fnmatch.fnmatchcase(action.lower(), escaped)


def statement_allows(statement: PolicyStatement, action: str) -> bool:
    """True when `statement` is an Allow whose Action or NotAction covers `action`."""
    if not statement.allows:
        return False
    if statement.not_actions:
        return not any(_matches(pattern, action) for pattern in statement.not_actions)
    return any(_matches(pattern, action) for pattern in statement.actions)


def allowed_kinesis_actions(statement: PolicyStatement) -> set[str]:
    """Return the Kinesis actions an Allow statement grants (before resource scoping)."""
    return {action for action in kinesis_actions() if statement_allows(statement, action)}


def grants_all_kinesis(statement: PolicyStatement) -> bool:
    """True when the statement grants every Kinesis action, as ``kinesis:*`` or ``*`` do."""
    return allowed_kinesis_actions(statement) >= kinesis_actions()


def covers_every_stream(statement: PolicyStatement) -> bool:
    """True when the statement's resources cover every stream: ``*``, a wildcard stream ARN, or a NotResource."""
    if statement.not_resources:
        return not any(_matches(pattern, _ANY_STREAM_PROBE) for pattern in statement.not_resources)
    return any(_matches(pattern, _ANY_STREAM_PROBE) for pattern in statement.resources)
