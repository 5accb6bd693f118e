"""AWS rules on Kinesis stream encryption at rest and the KMS keys behind it."""

from __future__ import annotations

from collections.abc import Iterator

from rules._aws import KEY_CLASSES, KINESIS_DOC, key_class, key_index, per_stream, stream_id, streams
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, AwsRegion, KinesisStream, KmsKey

PRINCIPLE = "Kinesis §3.5 Security and IAM: encrypt streams using KMS keys"
KMS_DOC = "https://docs.aws.amazon.com/kms/latest/developerguide"


@rule(
    id="KIN-ENC-001",
    title="Kinesis stream has server-side encryption with KMS",
    severity=Severity.HIGH,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle=PRINCIPLE,
    rationale="Without server-side encryption, records rest unencrypted in the stream's shards for the whole retention period.",
    remediation="Run aws kinesis start-stream-encryption --encryption-type KMS --key-id <key> on the stream.",
    references=[f"{KINESIS_DOC}/server-side-encryption.html"],
    tags=["encryption"],
)
@per_stream
def stream_encrypted(account: AwsAccount, region: AwsRegion, stream: KinesisStream, resource: str, params: Params) -> Iterator[Outcome]:
    evidence = {"encryption_type": stream.encryption_type, "key_id": stream.key_id}
    if stream.encrypted:
        yield passed(resource, f"Stream {stream.name} is encrypted with KMS key {stream.key_id}.", **evidence)
    else:
        yield failed(resource, f"Stream {stream.name} has encryption type {stream.encryption_type}.", **evidence)


def _encrypted_stream_keys(account: AwsAccount) -> Iterator[tuple[str, Outcome | None, KmsKey | None, str]]:
    """Yield (resource id, outcome already decided, key, reference) for each stream."""
    indexes: dict[str, dict[str, KmsKey]] = {}
    for region, stream, missing in streams(account):
        if missing is not None:
            yield missing.resource_id, missing, None, ""
            continue
        assert stream is not None
        resource = stream_id(account, region, stream)
        if not stream.encrypted:
            yield resource, not_applicable(resource, f"Stream {stream.name} is not encrypted (see KIN-ENC-001)."), None, ""
            continue
        reference = stream.key_id or ""
        if region.name not in indexes:
            indexes[region.name] = key_index(region)
        yield resource, None, indexes[region.name].get(reference), reference


def _key_evidence(key: KmsKey | None, reference: str) -> dict[str, object]:
    if key is None:
        return {"key_id": reference}
    return {"key_id": reference, "key_arn": key.arn, "key_manager": key.manager, "key_origin": key.origin}


def _unreadable(resource: str, key: KmsKey | None, reference: str) -> Outcome:
    reason = key.error if key is not None and key.error else "the key was not collected"
    return not_assessed(resource, f"Key {reference} could not be described: {reason}", key_id=reference)


@rule(
    id="KIN-ENC-002",
    title="Kinesis stream key class meets the minimum",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle=PRINCIPLE,
    rationale=(
        "The AWS-managed key aws/kinesis can be used by any principal of the account that may use Kinesis, and its "
        "policy cannot be changed. A customer-managed key lets the key policy decide who may read the stream's data."
    ),
    remediation="Create a customer-managed KMS key and re-encrypt the stream with aws kinesis start-stream-encryption --key-id <key ARN>.",
    references=[f"{KMS_DOC}/concepts.html#key-mgmt"],
    tags=["encryption"],
    params={"min_key_class": Param("customer_managed", "Weakest key class accepted: aws_managed, customer_managed or external (imported key material, CloudHSM or external key store).")},
)
def key_class_minimum(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    minimum = params["min_key_class"]
    if minimum not in KEY_CLASSES:
        raise ValueError(f"min_key_class is {minimum!r}; use one of {', '.join(KEY_CLASSES)}")

    for resource, decided, key, reference in _encrypted_stream_keys(account):
        if decided is not None:
            yield decided
            continue
        found = key_class(key, reference)
        if found is None:
            yield _unreadable(resource, key, reference)
            continue
        evidence = _key_evidence(key, reference) | {"key_class": found, "min_key_class": minimum}
        if KEY_CLASSES.index(found) >= KEY_CLASSES.index(minimum):
            yield passed(resource, f"The stream's key {reference} is {found}, meeting the minimum {minimum}.", **evidence)
        else:
            yield failed(resource, f"The stream's key {reference} is {found}, below the minimum {minimum}.", **evidence)


@rule(
    id="KIN-ENC-003",
    title="Customer-managed stream key has automatic rotation enabled",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle=PRINCIPLE,
    rationale="Automatic rotation limits how much data one key version protects; AWS rotates AWS-managed keys itself.",
    remediation="Run aws kms enable-key-rotation --key-id <key> on the stream's customer-managed key.",
    references=[f"{KMS_DOC}/rotate-keys.html"],
    tags=["encryption"],
)
def key_rotation(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    for resource, decided, key, reference in _encrypted_stream_keys(account):
        if decided is not None:
            yield decided
            continue
        found = key_class(key, reference)
        if found is None:
            yield _unreadable(resource, key, reference)
        elif found == "aws_managed":
            yield not_applicable(resource, f"Key {reference} is AWS-managed; AWS rotates it every year.", key_id=reference)
        elif found == "external":
            yield not_applicable(resource, f"Key {reference} has origin {key.origin if key else None}, which KMS cannot rotate automatically.", key_id=reference)
        elif key is None or key.rotation_enabled is None:
            reason = key.errors.get("rotation_enabled", "not collected") if key else "not collected"
            yield not_assessed(resource, f"The rotation status of key {reference} was not read: {reason}", key_id=reference)
        elif key.rotation_enabled:
            yield passed(resource, f"Key {reference} rotates automatically.", **_key_evidence(key, reference), rotation_enabled=True)
        else:
            yield failed(resource, f"Key {reference} does not rotate automatically.", **_key_evidence(key, reference), rotation_enabled=False)


def _public_statements(key: KmsKey) -> list[dict[str, object]]:
    return [
        {"sid": statement.sid, "actions": statement.actions}
        for statement in key.policy_statements or []
        if statement.allows and statement.public_principal and not statement.conditions
    ]


@rule(
    id="KIN-ENC-004",
    title="Stream key is enabled and its policy grants nothing to everyone",
    severity=Severity.HIGH,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle=PRINCIPLE,
    rationale=(
        "A disabled key or one pending deletion makes the stream unreadable and unwritable. A key policy that allows "
        "Principal \"*\" without a condition lets any AWS principal use the key."
    ),
    remediation="Enable the key (or cancel its deletion), and replace Principal \"*\" statements in the key policy by named principals or add conditions such as kms:CallerAccount.",
    references=[f"{KMS_DOC}/key-policies.html"],
    tags=["encryption"],
)
def key_usable_and_private(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    for resource, decided, key, reference in _encrypted_stream_keys(account):
        if decided is not None:
            yield decided
            continue
        if key is None or key.error:
            yield _unreadable(resource, key, reference)
            continue

        evidence = _key_evidence(key, reference) | {"key_state": key.state}
        if key.state != "Enabled":
            when = f" (deletion date {key.deletion_date})" if key.deletion_date else ""
            yield failed(resource, f"Key {reference} is in state {key.state}{when}.", **evidence)
        elif key.policy_statements is None:
            reason = key.errors.get("policy_statements", "not collected")
            yield not_assessed(resource, f"Key {reference} is enabled, but its key policy was not read: {reason}", **evidence)
        elif public := _public_statements(key):
            yield failed(resource, f"Key {reference} has a key policy that allows Principal \"*\" with no condition.", **evidence, statements=public)
        else:
            yield passed(resource, f"Key {reference} is enabled and its policy names its principals.", **evidence)
