"""AWS rule on Firehose encryption at rest, which depends on the delivery stream's source type."""

from __future__ import annotations

from collections.abc import Iterator

from rules._aws import regions_with, streams
from rules.base import Outcome, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, KinesisStream

DIRECT_PUT = "DirectPut"
KINESIS_SOURCE = "KinesisStreamAsSource"
MSK_SOURCE = "MSKAsSource"
_ENABLED = ("ENABLED", "ENABLING")


@rule(
    id="FH-ENC-001",
    title="Firehose stream encrypts data at rest",
    severity=Severity.MEDIUM,
    provider="aws",
    resource_type="aws.firehose.delivery-stream",
    principle="Kinesis §3.2 Stream design: Firehose delivery streams for archiving",
    rationale=(
        "Firehose accepts server-side encryption only for Direct PUT sources. With a Kinesis stream as source, "
        "records rest in that stream, so its encryption decides; with an MSK source, the MSK cluster holds the data."
    ),
    remediation="For Direct PUT, run aws firehose start-delivery-stream-encryption; for a Kinesis source, encrypt the source stream (KIN-ENC-001).",
    references=["https://docs.aws.amazon.com/firehose/latest/dev/encryption.html"],
    tags=["encryption"],
)
def firehose_encrypted(account: AwsAccount, params: Params) -> Iterator[Outcome]:
    by_arn: dict[str, KinesisStream] = {}
    for _, stream, missing in streams(account):
        if stream is not None and missing is None:
            by_arn[stream.arn] = stream

    for region, missing in regions_with(account, "firehose_streams"):
        if missing is not None:
            yield missing
            continue
        for delivery in region.firehose_streams or []:
            resource = account.resource_id(region.name, "firehose", delivery.name)
            evidence = {"source_type": delivery.source_type, "encryption_status": delivery.encryption_status, "key_type": delivery.encryption_key_type}
            if delivery.collection_error:
                yield not_assessed(resource, f"Delivery stream {delivery.name} was not described: {delivery.collection_error}")
            elif delivery.source_type == DIRECT_PUT:
                if delivery.encryption_status in _ENABLED:
                    yield passed(resource, f"Delivery stream {delivery.name} has server-side encryption {delivery.encryption_status}.", **evidence)
                else:
                    yield failed(resource, f"Direct PUT delivery stream {delivery.name} has server-side encryption {delivery.encryption_status or 'DISABLED'}.", **evidence)
            elif delivery.source_type == KINESIS_SOURCE:
                yield _kinesis_source(resource, delivery.name, delivery.source_stream_arn, by_arn, evidence)
            elif delivery.source_type == MSK_SOURCE:
                yield not_applicable(resource, f"Delivery stream {delivery.name} reads from MSK; the cluster's own encryption applies (MSK-ENC-001).", **evidence)
            else:
                yield not_assessed(resource, f"Delivery stream {delivery.name} has source type {delivery.source_type}, which this rule does not assess.", **evidence)


def _kinesis_source(resource: str, name: str, source_arn: str | None, by_arn: dict[str, KinesisStream], evidence: dict) -> Outcome:
    source = by_arn.get(source_arn or "")
    evidence = evidence | {"source_stream": source_arn}
    if source is None:
        return not_assessed(resource, f"Source stream {source_arn} of delivery stream {name} is not in this account's collected streams.", **evidence)
    if source.encrypted:
        return passed(resource, f"Delivery stream {name} reads from stream {source.name}, which is encrypted with KMS.", **evidence, source_key=source.key_id)
    return failed(resource, f"Delivery stream {name} reads from stream {source.name}, which is not encrypted.", **evidence)
