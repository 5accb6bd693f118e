"""Seed the moto server with a known estate of good and bad AWS streaming resources.

Accounts (reached by AssumeRole, which moto maps to the role's account):
- ACCOUNT_A, regions us-east-1 and eu-west-1: 13 Kinesis streams in
  us-east-1 (more than one ListStreams page), KMS keys of every class and
  state, VPC endpoints, Lambda mappings, alarms and IAM policies.
- ACCOUNT_B, us-east-1: Firehose streams of each source type and MSK clusters.
- ACCOUNT_C: its role is denied by a fault in the tests that need it.
- ACCOUNT_D: streams for the partial-failure scenarios.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

import boto3

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
ACCOUNT_C = "333333333333"
ACCOUNT_D = "444444444444"
FOREIGN_ACCOUNT = "999999999999"
ROLE_NAME = "streamaudit-readonly"
EXTERNAL_ID = "streamaudit-test-external-id"
REGIONS = ("us-east-1", "eu-west-1")
BULK_STREAMS = [f"bulk-{index:02d}" for index in range(7)]


def role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/{ROLE_NAME}"


@dataclass
class Estate:
    """Ids the seeding produced that tests need for their expectations."""

    endpoint: str
    default_vpcs: dict[tuple[str, str], str] = field(default_factory=dict)
    vpcs: dict[str, str] = field(default_factory=dict)
    endpoints: dict[str, str] = field(default_factory=dict)
    mappings: dict[str, str] = field(default_factory=dict)
    stream_arns: dict[str, str] = field(default_factory=dict)


class Seeder:
    def __init__(self, endpoint: str, account: str) -> None:
        sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
        credentials = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="seed")["Credentials"]
        self.endpoint = endpoint
        self.account = account
        self.session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    def client(self, service: str, region: str = "us-east-1"):
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint)

    def stream(self, name: str, region: str = "us-east-1", *, key: str | None = None, retention: int = 24,
               metrics: list[str] | None = None, tags: dict[str, str] | None = None, policy: dict | None = None) -> str:
        kinesis = self.client("kinesis", region)
        kinesis.create_stream(StreamName=name, ShardCount=1)
        arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        if key:
            kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key)
        if retention != 24:
            kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=retention)
        if metrics:
            kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=metrics)
        if tags:
            kinesis.add_tags_to_stream(StreamName=name, Tags=tags)
        if policy:
            kinesis.put_resource_policy(ResourceARN=arn, Policy=json.dumps(policy))
        return arn

    def key(self, region: str = "us-east-1", *, alias: str | None = None, rotation: bool = False, policy: dict | None = None) -> dict:
        kms = self.client("kms", region)
        request = {"Policy": json.dumps(policy)} if policy else {}
        metadata = kms.create_key(**request)["KeyMetadata"]
        if alias:
            kms.create_alias(AliasName=alias, TargetKeyId=metadata["KeyId"])
        if rotation:
            kms.enable_key_rotation(KeyId=metadata["KeyId"])
        return metadata

    def aws_managed_key(self, region: str, alias: str) -> None:
        """Create an AWS-managed key with its alias in moto's backend.

        moto 5 creates no AWS-managed keys and rejects the reserved alias/aws/
        prefix through the API, so this one step writes moto's state directly.
        """
        from moto.kms.models import kms_backends

        backend = kms_backends[self.account][region]
        key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "AWS-managed key for Kinesis", None)
        key.key_manager = "AWS"
        backend.create_alias(key.id, alias)


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _seed_account_a(endpoint: str, estate: Estate) -> None:
    seed = Seeder(endpoint, ACCOUNT_A)
    good = seed.key(alias="alias/streams-cmk", rotation=True)
    public = seed.key(rotation=False, policy=_policy({"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}))
    doomed = seed.key(alias="alias/doomed", rotation=True)
    seed.aws_managed_key("us-east-1", "alias/aws/kinesis")
    eu_key = seed.key("eu-west-1", alias="alias/eu-cmk", rotation=True)

    full_tags = {"owner": "team-orders", "env": "prod"}
    arns = estate.stream_arns
    arns["orders-good"] = seed.stream(
        "orders-good", key="alias/streams-cmk", retention=168, metrics=["IteratorAgeMilliseconds"], tags=full_tags,
        policy=_policy({"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_B}:root"}, "Action": "kinesis:GetRecords", "Resource": "*"}),
    )
    arns["orders-bad"] = seed.stream(
        "orders-bad", tags={"owner": "team-orders"},
        policy=_policy({"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kinesis:GetRecords", "Resource": "*"}),
    )
    arns["payments-arn"] = seed.stream(
        "payments-arn", key=good["Arn"], retention=168, metrics=["ALL"], tags=full_tags,
        policy=_policy({"Sid": "Unknown", "Effect": "Allow", "Principal": {"AWS": FOREIGN_ACCOUNT}, "Action": "kinesis:GetRecords", "Resource": "*"}),
    )
    arns["audit-aws-key"] = seed.stream("audit-aws-key", key="alias/aws/kinesis", retention=168, tags=full_tags)
    arns["public-key"] = seed.stream("public-key", key=public["KeyId"], retention=168, tags=full_tags)
    arns["doomed-key"] = seed.stream("doomed-key", key=f"arn:aws:kms:us-east-1:{ACCOUNT_A}:alias/doomed", retention=168, tags=full_tags)
    seed.client("kms").schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
    for name in BULK_STREAMS:
        arns[name] = seed.stream(name)
    arns["eu-events"] = seed.stream("eu-events", "eu-west-1", key=eu_key["Arn"], retention=168, metrics=["IteratorAgeMilliseconds"], tags=full_tags)

    _seed_network(seed, estate)
    _seed_lambda(seed, estate)
    _seed_alarms(seed)
    _seed_iam(seed)


def _seed_network(seed: Seeder, estate: Estate) -> None:
    for region in REGIONS:
        ec2 = seed.client("ec2", region)
        default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        estate.default_vpcs[(ACCOUNT_A, region)] = default[0]["VpcId"]
    ec2 = seed.client("ec2")
    for name in ("app", "data"):
        estate.vpcs[name] = ec2.create_vpc(CidrBlock="10.1.0.0/16" if name == "app" else "10.2.0.0/16")["Vpc"]["VpcId"]
    estate.endpoints["app-streams"] = ec2.create_vpc_endpoint(
        VpcId=estate.vpcs["app"], ServiceName="com.amazonaws.us-east-1.kinesis-streams", VpcEndpointType="Interface", PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    estate.endpoints["app-firehose"] = ec2.create_vpc_endpoint(
        VpcId=estate.vpcs["app"], ServiceName="com.amazonaws.us-east-1.kinesis-firehose", VpcEndpointType="Interface", PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    narrow = _policy({"Effect": "Allow", "Principal": "*", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": estate.stream_arns["orders-good"]})
    estate.endpoints["data-streams"] = ec2.create_vpc_endpoint(
        VpcId=estate.vpcs["data"], ServiceName="com.amazonaws.us-east-1.kinesis-streams", VpcEndpointType="Interface",
        PrivateDnsEnabled=False, PolicyDocument=json.dumps(narrow),
    )["VpcEndpoint"]["VpcEndpointId"]


def _seed_lambda(seed: Seeder, estate: Estate) -> None:
    role = seed.client("iam").create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=json.dumps(_policy()))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handle(event, context):\n    return None\n")
    lam = seed.client("lambda")
    lam.create_function(FunctionName="consumer", Runtime="python3.11", Role=role, Handler="handler.handle", Code={"ZipFile": archive.getvalue()})
    estate.mappings["orders-good"] = lam.create_event_source_mapping(
        EventSourceArn=estate.stream_arns["orders-good"], FunctionName="consumer", StartingPosition="LATEST",
        MaximumRetryAttempts=3, MaximumRecordAgeInSeconds=3600, BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:us-east-1:{ACCOUNT_A}:orders-dlq"}},
    )["UUID"]
    estate.mappings["orders-bad"] = lam.create_event_source_mapping(
        EventSourceArn=estate.stream_arns["orders-bad"], FunctionName="consumer", StartingPosition="LATEST",
        MaximumRetryAttempts=-1, MaximumRecordAgeInSeconds=-1,
    )["UUID"]


def _seed_alarms(seed: Seeder) -> None:
    common = {"EvaluationPeriods": 1, "Threshold": 60000, "ComparisonOperator": "GreaterThanThreshold"}
    for region, stream in (("us-east-1", "orders-good"), ("eu-west-1", "eu-events")):
        seed.client("cloudwatch", region).put_metric_alarm(
            AlarmName=f"{stream}-iterator-age", Namespace="AWS/Kinesis", MetricName="GetRecords.IteratorAgeMilliseconds",
            Dimensions=[{"Name": "StreamName", "Value": stream}], Statistic="Maximum", Period=60, **common,
        )
    seed.client("cloudwatch").put_metric_alarm(
        AlarmName="payments-lag-math",
        Metrics=[
            {"Id": "age", "ReturnData": False, "MetricStat": {"Metric": {"Namespace": "AWS/Kinesis", "MetricName": "GetRecords.IteratorAgeMilliseconds", "Dimensions": [{"Name": "StreamName", "Value": "payments-arn"}]}, "Period": 60, "Stat": "Maximum"}},
            {"Id": "minutes", "Expression": "age / 60000", "ReturnData": True},
        ],
        **common,
    )
    seed.client("cloudwatch").put_metric_alarm(
        AlarmName="orders-bad-incoming", Namespace="AWS/Kinesis", MetricName="IncomingRecords",
        Dimensions=[{"Name": "StreamName", "Value": "orders-bad"}], Statistic="Sum", Period=60, **common,
    )


def _seed_iam(seed: Seeder) -> None:
    iam = seed.client("iam")
    trust = json.dumps(_policy({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    admin = iam.create_policy(PolicyName="kinesis-admin", PolicyDocument=json.dumps(_policy({"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"})))["Policy"]["Arn"]
    read_all = iam.create_policy(
        PolicyName="kinesis-read-all",
        PolicyDocument=json.dumps(_policy({"Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"], "Resource": "*"})),
    )["Policy"]["Arn"]
    iam.create_user(UserName="ops")
    iam.attach_user_policy(UserName="ops", PolicyArn=admin)
    orders = f"arn:aws:kinesis:us-east-1:{ACCOUNT_A}:stream/orders-good"
    inline = {
        "producer": [{"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": orders}],
        "processor": [{"Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:PutRecords"], "Resource": orders}],
        "enricher": [{"Effect": "Allow", "Action": ["kinesis:Get*", "kinesis:Put*"], "Resource": orders}],
    }
    for role, statements in inline.items():
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName=role, PolicyName=f"{role}-streams", PolicyDocument=json.dumps(_policy(*statements)))
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="reader", PolicyArn=read_all)


def _seed_account_b(endpoint: str, estate: Estate) -> None:
    seed = Seeder(endpoint, ACCOUNT_B)
    key = seed.key(alias="alias/b-cmk", rotation=True)
    full_tags = {"owner": "team-archive", "env": "prod"}
    encrypted = seed.stream("fh-source-encrypted", key=key["Arn"], retention=168, metrics=["ALL"], tags=full_tags)
    plain = seed.stream("fh-source-plain", retention=168, metrics=["ALL"], tags=full_tags)
    estate.stream_arns["fh-source-encrypted"], estate.stream_arns["fh-source-plain"] = encrypted, plain
    for region in REGIONS:
        default = seed.client("ec2", region).describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        estate.default_vpcs[(ACCOUNT_B, region)] = default[0]["VpcId"]

    firehose = seed.client("firehose")
    s3 = {"RoleARN": f"arn:aws:iam::{ACCOUNT_B}:role/firehose", "BucketARN": "arn:aws:s3:::archive"}
    firehose.create_delivery_stream(DeliveryStreamName="direct-encrypted", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration=s3)
    firehose.start_delivery_stream_encryption(DeliveryStreamName="direct-encrypted", DeliveryStreamEncryptionConfigurationInput={"KeyType": "AWS_OWNED_CMK"})
    firehose.create_delivery_stream(DeliveryStreamName="direct-plain", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration=s3)
    for name, source in (("from-encrypted", encrypted), ("from-plain", plain)):
        firehose.create_delivery_stream(
            DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource", ExtendedS3DestinationConfiguration=s3,
            KinesisStreamSourceConfiguration={"KinesisStreamARN": source, "RoleARN": s3["RoleARN"]},
        )
    _seed_msk(seed, key["Arn"])


def _seed_msk(seed: Seeder, key_arn: str) -> None:
    kafka = seed.client("kafka")
    nodes = {"InstanceType": "kafka.m5.large", "ClientSubnets": ["subnet-1", "subnet-2"]}
    kafka.create_cluster(
        ClusterName="msk-good", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={**nodes, "ConnectivityInfo": {"PublicAccess": {"Type": "DISABLED"}}},
        EncryptionInfo={"EncryptionAtRest": {"DataVolumeKMSKeyId": key_arn}, "EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}},
        ClientAuthentication={"Sasl": {"Iam": {"Enabled": True}}, "Tls": {"Enabled": True, "CertificateAuthorityArnList": ["arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/ca"]}, "Unauthenticated": {"Enabled": False}},
        EnhancedMonitoring="PER_TOPIC_PER_BROKER",
    )
    kafka.create_cluster(
        ClusterName="msk-bad", KafkaVersion="3.6.0", NumberOfBrokerNodes=2,
        BrokerNodeGroupInfo={**nodes, "ConnectivityInfo": {"PublicAccess": {"Type": "SERVICE_PROVIDED_EIPS"}}},
        EncryptionInfo={"EncryptionInTransit": {"ClientBroker": "TLS_PLAINTEXT", "InCluster": False}},
        ClientAuthentication={"Unauthenticated": {"Enabled": True}},
        EnhancedMonitoring="DEFAULT",
    )
    kafka.create_cluster_v2(
        ClusterName="msk-serverless",
        Serverless={"VpcConfigs": [{"SubnetIds": ["subnet-1", "subnet-2"]}], "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}}},
    )


def _seed_account_d(endpoint: str, estate: Estate) -> None:
    seed = Seeder(endpoint, ACCOUNT_D)
    tags = {"owner": "team-d", "env": "prod"}
    seed.stream("xacct", key=f"arn:aws:kms:us-east-1:{FOREIGN_ACCOUNT}:key/0b7d7f0e-0000-4000-8000-000000000001", retention=168, tags=tags)
    seed.stream("throttled", retention=168, tags=tags)
    seed.stream("vanishing", retention=168, tags=tags)


def seed(endpoint: str) -> Estate:
    """Create the whole estate on the moto server at `endpoint` and return its generated ids."""
    estate = Estate(endpoint=endpoint)
    _seed_account_a(endpoint, estate)
    _seed_account_b(endpoint, estate)
    _seed_account_d(endpoint, estate)
    return estate
