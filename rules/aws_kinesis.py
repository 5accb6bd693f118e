"""AWS rules on Kinesis stream settings: retention, monitoring, alarms, Lambda failure handling and tags."""

from __future__ import annotations

from collections.abc import Iterator

from rules._aws import KINESIS_DOC, per_stream, regions_with, stream_id, streams
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, AwsRegion, EventSourceMapping, KinesisStream

ITERATOR_AGE_METRIC = "GetRecords.IteratorAgeMilliseconds"
SHARD_ITERATOR_AGE_METRIC = "IteratorAgeMilliseconds"


@rule(
    id="KIN-RET-001",
    title="Kinesis stream retention meets the minimum",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle="Kinesis §3 replay: event replay pipelines",
    rationale="Records older than the retention period are gone, so consumers that fall behind or need a replay lose data.",
    remediation="Run aws kinesis increase-stream-retention-period --retention-period-hours <hours> on the stream.",
    references=[f"{KINESIS_DOC}/kinesis-extended-retention.html"],
    tags=["durability"],
    params={"min_retention_hours": Param(168, "Minimum retention period in hours (24 to 8760).")},
)
@per_stream
def retention(account: AwsAccount, region: AwsRegion, stream: KinesisStream, resource: str, params: Params) -> Iterator[Outcome]:
    minimum = params["min_retention_hours"]
    evidence = {"retention_hours": stream.retention_hours, "min_retention_hours": minimum}
    if stream.retention_hours is None:
        yield not_assessed(resource, f"The retention period of stream {stream.name} was not reported.")
    elif stream.retention_hours >= minimum:
        yield passed(resource, f"Stream {stream.name} keeps records for {stream.retention_hours} h.", **evidence)
    else:
        yield failed(resource, f"Stream {stream.name} keeps records for {stream.retention_hours} h, below {minimum} h.", **evidence)


@rule(
    id="KIN-OBS-001",
    title="Enhanced shard-level metrics include IteratorAgeMilliseconds",
    severity=Severity.LOW,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle="Kinesis §3.3 Observability: track iterator age and shard utilization",
    rationale="Stream-level metrics average over shards, so one hot or stalled shard stays invisible without shard-level metrics.",
    remediation="Run aws kinesis enable-enhanced-monitoring --shard-level-metrics IteratorAgeMilliseconds (or ALL) on the stream.",
    references=[f"{KINESIS_DOC}/monitoring-with-cloudwatch.html#kinesis-metrics-shard"],
    tags=["observability"],
)
@per_stream
def shard_metrics(account: AwsAccount, region: AwsRegion, stream: KinesisStream, resource: str, params: Params) -> Iterator[Outcome]:
    metrics = stream.enhanced_metrics or []
    if "ALL" in metrics or SHARD_ITERATOR_AGE_METRIC in metrics:
        yield passed(resource, f"Stream {stream.name} publishes shard-level iterator age.", enhanced_metrics=metrics)
    else:
        yield failed(resource, f"Stream {stream.name} does not publish shard-level IteratorAgeMilliseconds.", enhanced_metrics=metrics)


def _alarmed_streams(region: AwsRegion) -> dict[str, list[str]]:
    """Map stream name to the names of alarms that watch its GetRecords.IteratorAgeMilliseconds."""
    index: dict[str, list[str]] = {}
    for alarm in region.alarms or []:
        for metric in alarm.metrics:
            name = metric.dimensions.get("StreamName")
            if metric.metric_name == ITERATOR_AGE_METRIC and name:
                index.setdefault(name, []).append(alarm.name)
    return index


@rule(
    id="KIN-OBS-002",
    title="An alarm watches the stream's iterator age",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle="Kinesis §3.3 Observability: consumer lag and backpressure alerts",
    rationale="A growing iterator age means consumers fall behind; without an alarm nobody knows until records expire.",
    remediation="Create a CloudWatch alarm on AWS/Kinesis GetRecords.IteratorAgeMilliseconds with dimension StreamName=<stream>.",
    references=[f"{KINESIS_DOC}/monitoring-with-cloudwatch.html"],
    tags=["observability"],
)
def iterator_age_alarm(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    alarm_index: dict[str, dict[str, list[str]] | None] = {}
    for region in account.regions:
        alarm_index[region.name] = _alarmed_streams(region) if region.alarms is not None else None

    for region, stream, missing in streams(account):
        if missing is not None:
            yield missing
            continue
        assert stream is not None
        resource = stream_id(account, region, stream)
        alarmed = alarm_index[region.name]
        if alarmed is None:
            yield not_assessed(resource, f"The region's alarms were not collected: {region.errors.get('alarms', 'not collected')}")
        elif alarms := alarmed.get(stream.name):
            yield passed(resource, f"Alarm {', '.join(sorted(alarms))} watches the iterator age of stream {stream.name}.", alarms=sorted(alarms))
        else:
            yield failed(resource, f"No CloudWatch alarm watches {ITERATOR_AGE_METRIC} of stream {stream.name}.", metric=ITERATOR_AGE_METRIC)


def _mapping_problems(mapping: EventSourceMapping) -> list[str]:
    problems = []
    if not mapping.on_failure_destination:
        problems.append("no on-failure destination")
    if mapping.maximum_retry_attempts in (None, -1) and mapping.maximum_record_age_seconds in (None, -1):
        problems.append("unlimited retries (MaximumRetryAttempts and MaximumRecordAgeInSeconds are -1)")
    return problems


@rule(
    id="KIN-DLQ-001",
    title="Lambda mappings on the stream have an on-failure destination and bounded retries",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.lambda.event-source-mapping",
    principle="Kinesis §3.4 Delivery semantics: track failed delivery events in DLQs",
    rationale=(
        "A Lambda mapping with unlimited retries blocks its shard on one poison record until the record expires; "
        "without an on-failure destination the failed batch is dropped with no trace."
    ),
    remediation="Set DestinationConfig.OnFailure to an SQS queue, SNS topic or S3 bucket, and MaximumRetryAttempts (or MaximumRecordAgeInSeconds) to a finite value.",
    references=["https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html"],
    tags=["resilience"],
)
def lambda_failure_handling(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    mapping_index: dict[str, list[EventSourceMapping]] = {}
    mapping_missing: dict[str, str] = {}
    for region, missing in regions_with(account, "event_source_mappings"):
        if missing is not None:
            mapping_missing[region.name] = missing.message
        for mapping in region.event_source_mappings or []:
            mapping_index.setdefault(mapping.stream_arn, []).append(mapping)

    for region, stream, missing in streams(account):
        if missing is not None:
            yield missing
            continue
        assert stream is not None
        resource = stream_id(account, region, stream)
        if region.name in mapping_missing:
            yield not_assessed(resource, mapping_missing[region.name])
            continue
        mappings = mapping_index.get(stream.arn, [])
        if not mappings:
            yield not_applicable(resource, f"No Lambda event source mapping reads stream {stream.name}.")
        for mapping in mappings:
            mapping_resource = f"{resource}/lambda-mapping/{mapping.uuid}"
            evidence = {
                "function": mapping.function_arn,
                "on_failure_destination": mapping.on_failure_destination,
                "maximum_retry_attempts": mapping.maximum_retry_attempts,
                "maximum_record_age_seconds": mapping.maximum_record_age_seconds,
                "bisect_on_error": mapping.bisect_on_error,
            }
            if problems := _mapping_problems(mapping):
                yield failed(mapping_resource, f"Lambda mapping {mapping.uuid} on stream {stream.name} has {' and '.join(problems)}.", **evidence)
            else:
                yield passed(mapping_resource, f"Lambda mapping {mapping.uuid} on stream {stream.name} sends failed batches to {mapping.on_failure_destination}.", **evidence)


@rule(
    id="KIN-TAG-001",
    title="Kinesis stream carries the required tags",
    severity=Severity.LOW,
    provider="aws",
    resource_type="aws.kinesis.stream",
    principle="Governance: audit and cost expectations",
    rationale="Ownership, environment and cost tags let audits and cost reports attribute each stream.",
    remediation="Add the missing tags with aws kinesis add-tags-to-stream.",
    references=[f"{KINESIS_DOC}/tagging.html"],
    tags=["governance"],
    params={"required_tag_keys": Param([], "Tag keys every stream must carry. With none configured, the rule is NOT_APPLICABLE.")},
)
@per_stream
def required_tags(account: AwsAccount, region: AwsRegion, stream: KinesisStream, resource: str, params: Params) -> Iterator[Outcome]:
    required = sorted(params["required_tag_keys"])
    if not required:
        yield not_applicable(resource, "No required_tag_keys are configured for KIN-TAG-001.")
    elif stream.tags is None:
        yield not_assessed(resource, f"The tags of stream {stream.name} were not read: {stream.errors.get('tags', 'not collected')}")
    elif absent := [key for key in required if key not in stream.tags]:
        yield failed(resource, f"Stream {stream.name} lacks tag(s) {', '.join(absent)}.", missing=absent, tag_keys=sorted(stream.tags))
    else:
        yield passed(resource, f"Stream {stream.name} carries every required tag.", tag_keys=sorted(stream.tags))
