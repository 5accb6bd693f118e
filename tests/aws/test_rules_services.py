"""KIN-NET, FH-ENC and MSK rules on model instances, including the cases moto cannot create."""

from __future__ import annotations

import pytest

from scanner.adapters.aws.policy import parse_statements
from scanner.adapters.aws.services import _msk_cluster
from scanner.model.aws import FirehoseStream, MskCluster, Vpc, VpcEndpoint
from tests.aws.models import ACCOUNT, account, cmk, region, rid, run, statuses, stream

FULL = parse_statements({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
NARROW = parse_statements({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kinesis:PutRecord", "Resource": "arn:aws:kinesis:us-east-1:123456789012:stream/s1"}]})


def _endpoint(endpoint_id: str, vpc: str, **fields) -> VpcEndpoint:
    defaults = {"service": "kinesis-streams", "service_name": "com.amazonaws.us-east-1.kinesis-streams", "state": "available", "private_dns_enabled": True, "policy_statements": FULL}
    return VpcEndpoint(id=endpoint_id, vpc_id=vpc, **(defaults | fields))


def test_net001_vpc_scope():
    vpcs = [Vpc(id="vpc-default", is_default=True), Vpc(id="vpc-ok"), Vpc(id="vpc-nodns"), Vpc(id="vpc-firehose-only")]
    endpoints = [
        _endpoint("vpce-ok", "vpc-ok"),
        _endpoint("vpce-nodns", "vpc-nodns", private_dns_enabled=False),
        _endpoint("vpce-fh", "vpc-firehose-only", service="kinesis-firehose", service_name="com.amazonaws.us-east-1.kinesis-firehose"),
    ]
    unit = account(region(vpcs=vpcs, vpc_endpoints=endpoints))
    expected = {rid("vpc", "vpc-ok"): "PASS", rid("vpc", "vpc-nodns"): "FAIL", rid("vpc", "vpc-firehose-only"): "FAIL"}
    assert statuses("KIN-NET-001", unit) == expected | {rid("vpc", "vpc-default"): "FAIL"}
    assert statuses("KIN-NET-001", unit, vpc_scope="non_default") == expected
    assert statuses("KIN-NET-001", unit, vpc_scope="vpc-ok, vpc-nodns") == {rid("vpc", "vpc-ok"): "PASS", rid("vpc", "vpc-nodns"): "FAIL"}


def test_net001_endpoints_not_collected():
    unit = account(region(vpcs=[Vpc(id="vpc-1")], vpc_endpoints=None, errors={"vpc_endpoints": "denied: x"}))
    assert statuses("KIN-NET-001", unit) == {rid("vpc", "vpc-1"): "NOT_ASSESSED"}


def test_net002_endpoint_policy():
    endpoints = [_endpoint("vpce-full", "vpc-1"), _endpoint("vpce-narrow", "vpc-1", policy_statements=NARROW), _endpoint("vpce-none", "vpc-1", policy_statements=None)]
    unit = account(region(vpc_endpoints=endpoints))
    assert statuses("KIN-NET-002", unit) == {
        rid("vpc-endpoint", "vpce-full"): "FAIL", rid("vpc-endpoint", "vpce-narrow"): "PASS", rid("vpc-endpoint", "vpce-none"): "FAIL",
    }


def _delivery(name: str, source_type: str, **fields) -> FirehoseStream:
    return FirehoseStream(name=name, arn=f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/{name}", source_type=source_type, **fields)


def test_fh001_source_types():
    sealed = stream("sealed", encryption_type="KMS", key_id="alias/cmk")
    plain = stream("plain")
    deliveries = [
        _delivery("direct-on", "DirectPut", encryption_status="ENABLED"),
        _delivery("direct-off", "DirectPut", encryption_status="DISABLED"),
        _delivery("from-sealed", "KinesisStreamAsSource", source_stream_arn=sealed.arn),
        _delivery("from-plain", "KinesisStreamAsSource", source_stream_arn=plain.arn),
        _delivery("from-elsewhere", "KinesisStreamAsSource", source_stream_arn="arn:aws:kinesis:us-east-1:999999999999:stream/x"),
        _delivery("from-msk", "MSKAsSource", source_msk_cluster_arn="arn:aws:kafka:us-east-1:123456789012:cluster/c/1"),
        _delivery("broken", "DirectPut", collection_error="throttled: x"),
    ]
    unit = account(region(streams=[sealed, plain], firehose_streams=deliveries))
    assert statuses("FH-ENC-001", unit) == {
        rid("firehose", "direct-on"): "PASS",
        rid("firehose", "direct-off"): "FAIL",
        rid("firehose", "from-sealed"): "PASS",
        rid("firehose", "from-plain"): "FAIL",
        rid("firehose", "from-elsewhere"): "NOT_ASSESSED",
        rid("firehose", "from-msk"): "NOT_APPLICABLE",
        rid("firehose", "broken"): "NOT_ASSESSED",
    }


GOOD = {
    "ClusterName": "good", "ClusterArn": "arn:aws:kafka:us-east-1:123456789012:cluster/good/1", "ClusterType": "PROVISIONED",
    "Provisioned": {
        "EncryptionInfo": {"EncryptionAtRest": {"DataVolumeKMSKeyId": "arn:aws:kms:us-east-1:123456789012:key/k1"}, "EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}},
        "ClientAuthentication": {"Sasl": {"Scram": {"Enabled": True}}, "Unauthenticated": {"Enabled": False}},
        "BrokerNodeGroupInfo": {"ConnectivityInfo": {"PublicAccess": {"Type": "DISABLED"}}},
        "EnhancedMonitoring": "PER_TOPIC_PER_PARTITION",
    },
}
DEFAULTS = {"ClusterName": "defaults", "ClusterArn": "arn:aws:kafka:us-east-1:123456789012:cluster/defaults/1", "ClusterType": "PROVISIONED", "Provisioned": {}}
SERVERLESS = {"ClusterName": "sls", "ClusterArn": "arn:aws:kafka:us-east-1:123456789012:serverless-cluster/sls/1", "ClusterType": "SERVERLESS", "Serverless": {}}


@pytest.mark.parametrize(
    "rule_id, good, defaults, serverless",
    [
        ("MSK-TLS-001", "PASS", "PASS", "PASS"),
        ("MSK-TLS-002", "PASS", "PASS", "PASS"),
        ("MSK-AUTH-001", "PASS", "FAIL", "PASS"),
        ("MSK-AUTH-002", "PASS", "FAIL", "PASS"),
        ("MSK-NET-001", "PASS", "PASS", "PASS"),
        ("MSK-ENC-001", "PASS", "FAIL", "NOT_APPLICABLE"),
        ("MSK-OBS-001", "PASS", "FAIL", "NOT_APPLICABLE"),
    ],
)
def test_msk_rules_by_cluster_kind(rule_id, good, defaults, serverless):
    clusters = [_msk_cluster(GOOD), _msk_cluster(DEFAULTS), _msk_cluster(SERVERLESS)]
    unit = account(region(msk_clusters=clusters, kms_keys=[cmk("arn:aws:kms:us-east-1:123456789012:key/k1")]))
    assert statuses(rule_id, unit) == {rid("msk", "good"): good, rid("msk", "defaults"): defaults, rid("msk", "sls"): serverless}


def test_msk_approved_methods_parameter():
    unit = account(region(msk_clusters=[_msk_cluster(GOOD)]))
    assert statuses("MSK-AUTH-002", unit, approved_methods=["iam"]) == {rid("msk", "good"): "FAIL"}
    with pytest.raises(ValueError, match="approved_methods"):
        run("MSK-AUTH-002", unit, approved_methods=["kerberos"])


def test_msk_enc001_aws_managed_and_unresolved_keys():
    aws_key = "arn:aws:kms:us-east-1:123456789012:key/aws"
    unresolved = "arn:aws:kms:us-east-1:999999999999:key/x"
    clusters = [
        MskCluster(name="aws-key", arn="a1", cluster_type="PROVISIONED", at_rest_key_arn=aws_key),
        MskCluster(name="unknown-key", arn="a2", cluster_type="PROVISIONED", at_rest_key_arn=unresolved),
    ]
    keys = [cmk(aws_key, manager="AWS"), cmk(unresolved).model_copy(update={"error": "denied: x"})]
    unit = account(region(msk_clusters=clusters, kms_keys=keys))
    assert statuses("MSK-ENC-001", unit) == {rid("msk", "aws-key"): "FAIL", rid("msk", "unknown-key"): "NOT_ASSESSED"}


def test_msk_clusters_not_collected():
    unit = account(region(msk_clusters=None, errors={"msk_clusters": "unsupported: x"}))
    assert statuses("MSK-TLS-001", unit) == {rid(): "NOT_ASSESSED"}
