"""Collect the Kinesis data streams of one account and region."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import Future, wait
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner.adapters.aws.context import RegionScope
from scanner.adapters.aws.errors import error_code
from scanner.adapters.aws.kms import KeyReader
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import KinesisConsumer, KinesisStream

AwsError = (ClientError, BotoCoreError)


# ListStreams' documented default page size, and the most it returns per page.
# moto 5 returns 10 names per page unless Limit is set.
LIST_STREAMS_PAGE_SIZE = 100


def list_stream_pages(client: Any) -> Iterator[list[tuple[str, str | None]]]:
    """Yield each ListStreams page as (name, ARN or None) pairs, paging to the end.

    The API pages with NextToken; older implementations (and moto 5) set
    only HasMoreStreams, so the next page then starts after the last name
    through ExclusiveStartStreamName.
    """
    request: dict[str, Any] = {"Limit": LIST_STREAMS_PAGE_SIZE}
    while True:
        page = client.list_streams(**request)
        arns = {summary["StreamName"]: summary.get("StreamARN") for summary in page.get("StreamSummaries", [])}
        names = page.get("StreamNames") or list(arns)
        yield [(name, arns.get(name)) for name in names]
        if page.get("NextToken"):
            request = {"Limit": LIST_STREAMS_PAGE_SIZE, "NextToken": page["NextToken"]}
        elif page.get("HasMoreStreams") and names:
            request = {"Limit": LIST_STREAMS_PAGE_SIZE, "ExclusiveStartStreamName": names[-1]}
        else:
            return


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


def describe_stream(scope: RegionScope, keys: KeyReader, name: str, listed_arn: str | None) -> KinesisStream:
    """Describe one stream, read its KMS key, tags, consumers and resource policy; failures become fields' errors."""
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
    if (fields["encryption_type"] or "").upper() == "KMS" and fields["key_id"]:
        keys.read(fields["key_id"])

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


def submit_streams(scope: RegionScope, keys: KeyReader) -> list[Future[KinesisStream]]:
    """List the streams of the region and submit one `describe_stream` task per stream as each page arrives.

    Raises the ListStreams error, so the caller can tell a disabled region,
    after cancelling the tasks not yet started and waiting for the others.
    """
    futures: dict[str, Future[KinesisStream]] = {}
    try:
        for page in list_stream_pages(scope.client("kinesis")):
            for name, arn in page:
                if name not in futures:
                    futures[name] = scope.pool.submit(describe_stream, scope, keys, name, arn)
    except BaseException:
        for future in futures.values():
            future.cancel()
        wait(futures.values())
        raise
    return [futures[name] for name in sorted(futures)]
