"""Collect the region's VPC endpoints, Firehose streams, Lambda mappings, iterator-age alarms and MSK clusters."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner.adapters.aws.context import RegionScope
from scanner.adapters.aws.policy import parse_statements
from scanner.model.aws import (
    AlarmMetric,
    EventSourceMapping,
    FirehoseStream,
    MetricAlarm,
    MskCluster,
    Vpc,
    VpcEndpoint,
)

AwsError = (ClientError, BotoCoreError)
ENDPOINT_SERVICES = ("kinesis-streams", "kinesis-firehose")
KINESIS_NAMESPACE = "AWS/Kinesis"
# A consumer ARN is the stream ARN followed by /consumer/<name>:<timestamp>.
_STREAM_ARN = re.compile(r"^(arn:aws[a-z-]*:kinesis:[^:]+:\d{12}:stream/[^/]+)")


def collect_vpcs(scope: RegionScope) -> list[Vpc]:
    vpcs = []
    for page in scope.client("ec2").get_paginator("describe_vpcs").paginate():
        for vpc in page.get("Vpcs", []):
            tags = {tag["Key"]: tag.get("Value", "") for tag in vpc.get("Tags", [])}
            vpcs.append(Vpc(id=vpc["VpcId"], is_default=bool(vpc.get("IsDefault")), cidr_block=vpc.get("CidrBlock"), tags=tags))
    return vpcs


def collect_endpoints(scope: RegionScope) -> list[VpcEndpoint]:
    """Return the interface endpoints of the kinesis-streams and kinesis-firehose services."""
    names = {f"com.amazonaws.{scope.region}.{service}": service for service in ENDPOINT_SERVICES}
    endpoints = []
    paginator = scope.client("ec2").get_paginator("describe_vpc_endpoints")
    for page in paginator.paginate(Filters=[{"Name": "service-name", "Values": sorted(names)}]):
        for endpoint in page.get("VpcEndpoints", []):
            if endpoint.get("ServiceName") not in names:
                continue
            document = endpoint.get("PolicyDocument")
            endpoints.append(
                VpcEndpoint(
                    id=endpoint["VpcEndpointId"],
                    vpc_id=endpoint["VpcId"],
                    service=names[endpoint["ServiceName"]],
                    service_name=endpoint["ServiceName"],
                    endpoint_type=endpoint.get("VpcEndpointType"),
                    state=endpoint.get("State"),
                    private_dns_enabled=bool(endpoint.get("PrivateDnsEnabled")),
                    policy_statements=parse_statements(document) if document else None,
                )
            )
    return endpoints


def _list_delivery_streams(client: Any) -> list[str]:
    """Page ListDeliveryStreams to the end; it pages with ExclusiveStartDeliveryStreamName only."""
    names: list[str] = []
    request: dict[str, Any] = {}
    while True:
        page = client.list_delivery_streams(**request)
        batch = page.get("DeliveryStreamNames", [])
        names.extend(batch)
        if not page.get("HasMoreDeliveryStreams") or not batch:
            return names
        request = {"ExclusiveStartDeliveryStreamName": batch[-1]}


def _destination_types(description: dict[str, Any]) -> list[str]:
    return [
        key.removesuffix("DestinationDescription")
        for destination in description.get("Destinations", [])
        for key in destination
        if key.endswith("DestinationDescription")
    ]


def _describe_delivery_stream(scope: RegionScope, name: str) -> FirehoseStream:
    arn = f"arn:aws:firehose:{scope.region}:{scope.account}:deliverystream/{name}"
    try:
        description = scope.client("firehose").describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    except AwsError as exc:
        return FirehoseStream(name=name, arn=arn, collection_error=scope.failed(f"firehose:DescribeDeliveryStream {arn}", exc))

    source = description.get("Source", {})
    encryption = description.get("DeliveryStreamEncryptionConfiguration", {})
    return FirehoseStream(
        name=name,
        arn=description.get("DeliveryStreamARN", arn),
        status=description.get("DeliveryStreamStatus"),
        source_type=description.get("DeliveryStreamType"),
        source_stream_arn=source.get("KinesisStreamSourceDescription", {}).get("KinesisStreamARN"),
        source_msk_cluster_arn=source.get("MSKSourceDescription", {}).get("MSKClusterARN"),
        encryption_status=encryption.get("Status"),
        encryption_key_type=encryption.get("KeyType"),
        encryption_key_arn=encryption.get("KeyARN"),
        destinations=_destination_types(description),
    )


def collect_firehose(scope: RegionScope) -> list[FirehoseStream]:
    names = _list_delivery_streams(scope.client("firehose"))
    futures = [scope.pool.submit(_describe_delivery_stream, scope, name) for name in names]
    return [future.result() for future in futures]


def collect_mappings(scope: RegionScope) -> list[EventSourceMapping]:
    """Return the Lambda event source mappings that read a Kinesis stream or one of its consumers."""
    mappings = []
    for page in scope.client("lambda").get_paginator("list_event_source_mappings").paginate():
        for mapping in page.get("EventSourceMappings", []):
            match = _STREAM_ARN.match(mapping.get("EventSourceArn", ""))
            if match is None:
                continue
            mappings.append(
                EventSourceMapping(
                    uuid=mapping["UUID"],
                    stream_arn=match.group(1),
                    event_source_arn=mapping["EventSourceArn"],
                    function_arn=mapping.get("FunctionArn"),
                    state=mapping.get("State"),
                    on_failure_destination=mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
                    maximum_retry_attempts=mapping.get("MaximumRetryAttempts"),
                    maximum_record_age_seconds=mapping.get("MaximumRecordAgeInSeconds"),
                    bisect_on_error=mapping.get("BisectBatchOnFunctionError"),
                )
            )
    return mappings


def _metric(stat: dict[str, Any]) -> AlarmMetric:
    return AlarmMetric(
        namespace=stat.get("Namespace", ""),
        metric_name=stat.get("MetricName", ""),
        dimensions={dimension["Name"]: dimension.get("Value", "") for dimension in stat.get("Dimensions", [])},
    )


def collect_alarms(scope: RegionScope) -> list[MetricAlarm]:
    """Return the metric alarms that watch an AWS/Kinesis metric, directly or in metric math."""
    alarms = []
    for page in scope.client("cloudwatch").get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
        for alarm in page.get("MetricAlarms", []):
            metrics = [_metric(alarm)] if alarm.get("MetricName") else []
            metrics += [_metric(query["MetricStat"]["Metric"]) for query in alarm.get("Metrics", []) if "MetricStat" in query]
            kinesis = [metric for metric in metrics if metric.namespace == KINESIS_NAMESPACE]
            if kinesis:
                alarms.append(
                    MetricAlarm(
                        name=alarm["AlarmName"],
                        metrics=kinesis,
                        actions_enabled=alarm.get("ActionsEnabled"),
                        alarm_actions=alarm.get("AlarmActions", []),
                    )
                )
    return alarms


def _msk_cluster(info: dict[str, Any]) -> MskCluster:
    base = {
        "name": info["ClusterName"],
        "arn": info["ClusterArn"],
        "cluster_type": info.get("ClusterType", "PROVISIONED"),
        "state": info.get("State"),
    }
    if base["cluster_type"] == "SERVERLESS":
        sasl = info.get("Serverless", {}).get("ClientAuthentication", {}).get("Sasl", {})
        methods = ["iam"] if sasl.get("Iam", {}).get("Enabled", True) else []
        return MskCluster(**base, auth_methods=methods)

    provisioned = info.get("Provisioned", {})
    encryption = provisioned.get("EncryptionInfo", {})
    in_transit = encryption.get("EncryptionInTransit", {})
    auth = provisioned.get("ClientAuthentication", {})
    sasl = auth.get("Sasl", {})
    methods = []
    if auth.get("Tls", {}).get("Enabled", bool(auth.get("Tls", {}).get("CertificateAuthorityArnList"))):
        methods.append("mtls")
    if sasl.get("Iam", {}).get("Enabled"):
        methods.append("iam")
    if sasl.get("Scram", {}).get("Enabled"):
        methods.append("scram")
    # With no client authentication configured at all, MSK allows unauthenticated access.
    unauthenticated = auth.get("Unauthenticated", {}).get("Enabled", not methods)
    connectivity = provisioned.get("BrokerNodeGroupInfo", {}).get("ConnectivityInfo", {})
    return MskCluster(
        **base,
        # MSK's defaults when EncryptionInTransit is absent: TLS to clients, encrypted between brokers.
        client_broker=in_transit.get("ClientBroker", "TLS"),
        in_cluster_encryption=in_transit.get("InCluster", True),
        at_rest_key_arn=encryption.get("EncryptionAtRest", {}).get("DataVolumeKMSKeyId"),
        unauthenticated_enabled=unauthenticated,
        auth_methods=methods,
        public_access=connectivity.get("PublicAccess", {}).get("Type", "DISABLED"),
        enhanced_monitoring=provisioned.get("EnhancedMonitoring", "DEFAULT"),
    )


def collect_msk(scope: RegionScope) -> list[MskCluster]:
    clusters = []
    for page in scope.client("kafka").get_paginator("list_clusters_v2").paginate():
        clusters.extend(_msk_cluster(info) for info in page.get("ClusterInfoList", []))
    return clusters
