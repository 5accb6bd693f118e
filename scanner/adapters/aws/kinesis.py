"""Collect Kinesis data streams and the KMS keys they (and MSK clusters) use, in one account and region."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner.adapters.aws.context import RegionScope
from scanner.adapters.aws.errors import error_code
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import KinesisConsumer, KinesisStream, KmsKey

AwsError = (ClientError, BotoCoreError)


def list_stream_names(client: Any) -> list[tuple[str, str | None]]:
    """Return (name, ARN or None) of every stream, paging to the end.

    The API pages with NextToken; older implementations (and moto 5) set
    only HasMoreStreams, so the next page then starts after the last name
    through ExclusiveStartStreamName.
    """
    streams: dict[str, str | None] = {}
    request: dict[str, Any] = {}
    while True:
        page = client.list_streams(**request)
        arns = {summary["StreamName"]: summary.get("StreamARN") for summary in page.get("StreamSummaries", [])}
        names = page.get("StreamNames") or list(arns)
        for name in names:
            streams[name] = arns.get(name)
        if page.get("NextToken"):
            request = {"NextToken": page["NextToken"]}
        elif page.get("HasMoreStreams") and names:
            request = {"ExclusiveStartStreamName": names[-1]}
        else:
            return sorted(streams.items())


def _tags(client: Any, name: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    request: dict[str, Any] = {"StreamName": name}
    while True:
        page = client.list_tags_for_stream(**request)
        for tag in page.get("Tags", []):
            tags[tag["Key"]] = tag.get("Value", "")
        if not page.get("HasMoreTags") or not page.get("Tags"):
            return tags
        request["ExclusiveStartTagKey"] = page["Tags"][-1]["Key"]


def _consumers(client: Any, arn: str) -> list[KinesisConsumer]:
    consumers = []
    for page in client.get_paginator("list_stream_consumers").paginate(StreamARN=arn):
        for consumer in page.get("Consumers", []):
            consumers.append(KinesisConsumer(name=consumer["ConsumerName"], arn=consumer["ConsumerARN"], status=consumer.get("ConsumerStatus")))
    return consumers


def _resource_policy(client: Any, arn: str) -> list:
    """Return the stream's resource policy statements; [] when it has none.

    With no policy, GetResourcePolicy returns ``{}`` (or an empty string) or
    fails with ResourceNotFoundException, depending on the implementation.
    """
    try:
        text = client.get_resource_policy(ResourceARN=arn).get("Policy") or "{}"
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return []
        raise
    return parse_statements(json.loads(text))


def describe_stream(scope: RegionScope, name: str, listed_arn: str | None) -> KinesisStream:
    """Describe one stream and read its tags, consumers and resource policy; failures become fields' errors."""
    client = scope.client("kinesis")
    arn = listed_arn or f"arn:aws:kinesis:{scope.region}:{scope.account}:stream/{name}"
    try:
        summary = client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    except AwsError as exc:
        reason = scope.failed(f"kinesis:DescribeStreamSummary {arn}", exc)
        if error_code(exc) == "ResourceNotFoundException":
            reason += " (the stream was listed but no longer exists; it was probably deleted during the scan)"
        return KinesisStream(name=name, arn=arn, collection_error=reason)

    arn = summary.get("StreamARN", arn)
    metrics = [metric for entry in summary.get("EnhancedMonitoring", []) for metric in entry.get("ShardLevelMetrics", [])]
    fields: dict[str, Any] = {
        "status": summary.get("StreamStatus"),
        "mode": summary.get("StreamModeDetails", {}).get("StreamMode"),
        "open_shard_count": summary.get("OpenShardCount"),
        "retention_hours": summary.get("RetentionPeriodHours"),
        "encryption_type": summary.get("EncryptionType", "NONE"),
        "key_id": summary.get("KeyId"),
        "enhanced_metrics": metrics,
    }

    errors: dict[str, str] = {}
    reads = {
        "tags": ("kinesis:ListTagsForStream", lambda: _tags(client, name)),
        "consumers": ("kinesis:ListStreamConsumers", lambda: _consumers(client, arn)),
        "resource_policy": ("kinesis:GetResourcePolicy", lambda: _resource_policy(client, arn)),
    }
    for field, (operation, read) in reads.items():
        try:
            fields[field] = read()
        except (*AwsError, ValueError) as exc:
            errors[field] = scope.failed(f"{operation} {arn}", exc)
    return KinesisStream(name=name, arn=arn, errors=errors, **fields)


def collect_streams(scope: RegionScope) -> list[KinesisStream]:
    """List and describe every stream of the region, describing streams in parallel.

    Raises the ListStreams error, so the caller can tell a disabled region.
    """
    listed = list_stream_names(scope.client("kinesis"))
    futures = [scope.pool.submit(describe_stream, scope, name, arn) for name, arn in listed]
    return [future.result() for future in futures]


def _describe_key(scope: RegionScope, reference: str) -> tuple[str, dict[str, Any] | str]:
    """Return (reference, KeyMetadata) or (reference, error reason)."""
    try:
        return reference, scope.client("kms").describe_key(KeyId=reference)["KeyMetadata"]
    except AwsError as exc:
        return reference, scope.failed(f"kms:DescribeKey {reference}", exc)


def _key_details(scope: RegionScope, references: list[str], metadata: dict[str, Any]) -> KmsKey:
    """Read rotation and key policy of a resolved key; each failed read leaves its field None with a reason."""
    client = scope.client("kms")
    arn = metadata["Arn"]
    key_account = metadata.get("AWSAccountId") or arn.split(":")[4]
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}

    if metadata.get("KeyManager") == "CUSTOMER" and metadata.get("Origin", "AWS_KMS") == "AWS_KMS":
        try:
            fields["rotation_enabled"] = bool(client.get_key_rotation_status(KeyId=arn).get("KeyRotationEnabled"))
        except AwsError as exc:
            errors["rotation_enabled"] = scope.failed(f"kms:GetKeyRotationStatus {arn}", exc)

    if key_account != scope.account:
        errors["policy_statements"] = f"kms:GetKeyPolicy cannot read the policy of a key in another account ({key_account})"
    else:
        try:
            fields["policy_statements"] = parse_statements(client.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])
        except (*AwsError, ValueError) as exc:
            errors["policy_statements"] = scope.failed(f"kms:GetKeyPolicy {arn}", exc)

    deletion = metadata.get("DeletionDate")
    return KmsKey(
        references=references,
        arn=arn,
        key_id=metadata.get("KeyId"),
        account_id=key_account,
        manager=metadata.get("KeyManager"),
        state=metadata.get("KeyState"),
        origin=metadata.get("Origin"),
        key_spec=metadata.get("KeySpec"),
        deletion_date=deletion.isoformat() if hasattr(deletion, "isoformat") else deletion,
        errors=errors,
        **fields,
    )


def collect_keys(scope: RegionScope, references: set[str]) -> list[KmsKey]:
    """Resolve each key reference with kms:DescribeKey and read each distinct key once.

    References that resolve to the same key ARN (an alias and the key id, say)
    share one KmsKey. A reference that cannot be resolved gets its own
    KmsKey with `error` set.
    """
    resolved = [future.result() for future in [scope.pool.submit(_describe_key, scope, ref) for ref in sorted(references)]]
    by_arn: dict[str, tuple[list[str], dict[str, Any]]] = {}
    keys = []
    for reference, result in resolved:
        if isinstance(result, str):
            keys.append(KmsKey(references=[reference], error=result))
        else:
            by_arn.setdefault(result["Arn"], ([], result))[0].append(reference)

    futures = [scope.pool.submit(_key_details, scope, refs, metadata) for refs, metadata in by_arn.values()]
    return keys + [future.result() for future in futures]
