"""Synthetic AWS accounts: two regions each, with Kinesis streams, KMS keys, VPC endpoints, Firehose, Lambda, MSK and IAM.

Per region of S streams there are S/5 customer-managed keys plus the
AWS-managed ``alias/aws/kinesis``, S/10 Firehose streams, S/10 Lambda
mappings, an iterator-age alarm for most streams, two VPCs, two interface
endpoints and two MSK clusters. Defects: unencrypted streams, short
retention, missing tags and shard metrics, public resource policies,
keys without rotation or with a public key policy, unbounded Lambda
retries, an MSK cluster with public access, and wildcard IAM grants.
"""

from __future__ import annotations

import random

from benchmarks.estate.common import Mix, split
from scanner.model.aws import (
    AlarmMetric,
    AwsAccount,
    AwsRegion,
    EventSourceMapping,
    FirehoseStream,
    IamPrincipal,
    IdentityPolicy,
    KinesisStream,
    KmsKey,
    MetricAlarm,
    MskCluster,
    PolicyStatement,
    Vpc,
    VpcEndpoint,
)

REGIONS = ("eu-west-1", "us-east-1")
IAM_POLICIES = 10
IAM_PRINCIPALS = 20
# Resources of a region besides its streams, keys, Firehose streams and mappings: 2 VPCs, 2 endpoints, 2 MSK clusters, 1 AWS-managed key.
REGION_FIXED = 7
# Resources per stream: the stream, 1/5 of a key, 1/10 of a Firehose stream and 1/10 of a Lambda mapping.
RESOURCES_PER_STREAM = 1.4


def accounts(rng: random.Random, budget: int, mix: Mix) -> list[AwsAccount]:
    """Return accounts with about `budget` resources in all (see `benchmarks.estate.count_resources`)."""
    if budget <= 0:
        return []
    result = []
    for index, part in enumerate(split(budget, mix.aws_resources_per_account)):
        account_id = f"{100000000000 + index * 7919:012d}"
        per_region = max((part - IAM_POLICIES - IAM_PRINCIPALS) // len(REGIONS), REGION_FIXED + 2)
        streams = max(1, round((per_region - REGION_FIXED) / RESOURCES_PER_STREAM))
        policies, principals = _iam(rng, account_id, mix.fail_share)
        result.append(
            AwsAccount(
                target=f"aws-{index // 10:02d}",
                account_id=account_id,
                role_arn=f"arn:aws:iam::{account_id}:role/streamaudit-readonly",
                regions=[_region(rng, account_id, region, streams, mix.fail_share) for region in REGIONS],
                iam_policies=policies,
                iam_principals=principals,
            )
        )
    return result


def _statement(effect: str = "Allow", **fields) -> PolicyStatement:
    return PolicyStatement(effect=effect, **fields)


def _key(rng: random.Random, account: str, region: str, number: int, fail_share: float) -> KmsKey:
    key_id = f"{number:08x}-0000-4000-8000-{int(account) % 10**12:012d}"
    arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
    policy = [_statement(sid="Root", principals=[f"AWS:arn:aws:iam::{account}:root"], actions=["kms:*"], resources=["*"])]
    rotation = True
    if rng.random() < fail_share:
        if rng.random() < 0.5:
            rotation = False
        else:
            policy.append(_statement(sid="Anyone", principals=["*"], actions=["kms:Decrypt"], resources=["*"]))
    return KmsKey(
        references=[f"alias/streams-{number:05d}", arn],
        arn=arn, key_id=key_id, account_id=account, manager="CUSTOMER", state="Enabled", origin="AWS_KMS",
        key_spec="SYMMETRIC_DEFAULT", rotation_enabled=rotation, policy_statements=policy,
    )


def _stream(rng: random.Random, account: str, region: str, number: int, keys: list[KmsKey], fail_share: float) -> KinesisStream:
    name = f"stream-{number:06d}"
    arn = f"arn:aws:kinesis:{region}:{account}:stream/{name}"
    fields = {
        "status": "ACTIVE", "mode": rng.choice(("PROVISIONED", "ON_DEMAND")), "open_shard_count": rng.choice((1, 2, 4, 8)),
        "retention_hours": 168, "encryption_type": "KMS", "key_id": keys[number % len(keys)].references[0],
        "enhanced_metrics": ["IncomingBytes", "IteratorAgeMilliseconds"], "resource_policy": [], "consumers": [],
        "tags": {"owner": f"team-{number % 40:02d}", "env": "prod", "cost-center": f"cc-{number % 12}"},
    }
    if number % 50 == 0:
        fields["resource_policy"] = [_statement(sid="Partner", principals=["AWS:arn:aws:iam::999999999999:root"], actions=["kinesis:GetRecords"], resources=[arn])]
    if rng.random() < fail_share:
        defect = rng.choice(("unencrypted", "retention", "tags", "metrics", "public_policy", "aws_managed_key"))
        if defect == "unencrypted":
            fields |= {"encryption_type": "NONE", "key_id": None}
        elif defect == "retention":
            fields["retention_hours"] = 24
        elif defect == "tags":
            fields["tags"] = {"env": "prod"}
        elif defect == "metrics":
            fields["enhanced_metrics"] = []
        elif defect == "public_policy":
            fields["resource_policy"] = [_statement(sid="Everyone", principals=["*"], actions=["kinesis:GetRecords"], resources=[arn])]
        else:
            fields["key_id"] = "alias/aws/kinesis"
    return KinesisStream(name=name, arn=arn, **fields)


def _region(rng: random.Random, account: str, region: str, stream_count: int, fail_share: float) -> AwsRegion:
    keys = [_key(rng, account, region, number, fail_share) for number in range(max(1, stream_count // 5))]
    streams = [_stream(rng, account, region, number, keys, fail_share) for number in range(stream_count)]
    aws_managed = KmsKey(
        references=["alias/aws/kinesis"], arn=f"arn:aws:kms:{region}:{account}:key/aws-kinesis", key_id="aws-kinesis",
        account_id=account, manager="AWS", state="Enabled", origin="AWS_KMS", key_spec="SYMMETRIC_DEFAULT",
        policy_statements=[_statement(principals=["*"], actions=["kms:Decrypt"], resources=["*"], conditions={"StringEquals": {"kms:CallerAccount": [account]}})],
    )
    alarms = [
        MetricAlarm(
            name=f"{stream.name}-iterator-age", actions_enabled=True, alarm_actions=[f"arn:aws:sns:{region}:{account}:oncall"],
            metrics=[AlarmMetric(namespace="AWS/Kinesis", metric_name="GetRecords.IteratorAgeMilliseconds", dimensions={"StreamName": stream.name})],
        )
        for stream in streams
        if rng.random() >= fail_share
    ]
    every_tenth = streams[::10]
    firehose = [
        FirehoseStream(
            name=f"archive-{stream.name}", arn=f"arn:aws:firehose:{region}:{account}:deliverystream/archive-{stream.name}", status="ACTIVE",
            source_type="KinesisStreamAsSource", source_stream_arn=stream.arn, encryption_status="DISABLED",
            destinations=["ExtendedS3"],
        )
        for stream in every_tenth
    ]
    mappings = []
    for number, stream in enumerate(every_tenth):
        bad = rng.random() < fail_share
        mappings.append(
            EventSourceMapping(
                uuid=f"{number:08d}-0000-4000-8000-{int(account) % 10**12:012d}", stream_arn=stream.arn, event_source_arn=stream.arn,
                function_arn=f"arn:aws:lambda:{region}:{account}:function:consume-{stream.name}", state="Enabled",
                on_failure_destination=None if bad else f"arn:aws:sqs:{region}:{account}:dlq",
                maximum_retry_attempts=-1 if bad else 3, maximum_record_age_seconds=-1 if bad else 3600, bisect_on_error=not bad,
            )
        )
    default_vpc, app_vpc = f"vpc-{account[-6:]}0001", f"vpc-{account[-6:]}0002"
    return AwsRegion(
        name=region,
        streams=streams,
        kms_keys=[*keys, aws_managed],
        vpcs=[Vpc(id=default_vpc, is_default=True, cidr_block="172.31.0.0/16"), Vpc(id=app_vpc, cidr_block="10.1.0.0/16", tags={"Name": "app"})],
        vpc_endpoints=[
            VpcEndpoint(id=f"vpce-{account[-6:]}01", vpc_id=app_vpc, service="kinesis-streams", service_name=f"com.amazonaws.{region}.kinesis-streams",
                        endpoint_type="Interface", state="available", private_dns_enabled=True,
                        policy_statements=[_statement(principals=["*"], actions=["*"], resources=["*"])]),
            VpcEndpoint(id=f"vpce-{account[-6:]}02", vpc_id=app_vpc, service="kinesis-firehose", service_name=f"com.amazonaws.{region}.kinesis-firehose",
                        endpoint_type="Interface", state="available", private_dns_enabled=True, policy_statements=[]),
        ],
        firehose_streams=firehose,
        event_source_mappings=mappings,
        alarms=alarms,
        msk_clusters=[
            MskCluster(name="msk-orders", arn=f"arn:aws:kafka:{region}:{account}:cluster/msk-orders/1", cluster_type="PROVISIONED", state="ACTIVE",
                       client_broker="TLS", in_cluster_encryption=True, at_rest_key_arn=keys[0].arn, unauthenticated_enabled=False,
                       auth_methods=["iam"], public_access="DISABLED", enhanced_monitoring="PER_TOPIC_PER_BROKER"),
            MskCluster(name="msk-legacy", arn=f"arn:aws:kafka:{region}:{account}:cluster/msk-legacy/2", cluster_type="PROVISIONED", state="ACTIVE",
                       client_broker="TLS_PLAINTEXT", in_cluster_encryption=False, unauthenticated_enabled=True,
                       auth_methods=[], public_access="SERVICE_PROVIDED_EIPS", enhanced_monitoring="DEFAULT"),
        ],
    )


def _iam(rng: random.Random, account: str, fail_share: float) -> tuple[list[IdentityPolicy], list[IamPrincipal]]:
    policies = []
    for number in range(IAM_POLICIES):
        stream = f"arn:aws:kinesis:*:{account}:stream/stream-{number:06d}"
        if rng.random() < fail_share:
            statements = [_statement(sid="All", actions=["kinesis:*"], resources=["*"])]
        elif number % 2:
            statements = [_statement(sid="Produce", actions=["kinesis:PutRecord", "kinesis:PutRecords"], resources=[stream])]
        else:
            statements = [_statement(sid="Consume", actions=["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary"], resources=[stream])]
        policies.append(IdentityPolicy(id=f"arn:aws:iam::{account}:policy/kinesis-{number:02d}", name=f"kinesis-{number:02d}", kind="managed", statements=statements))
    principals = [
        IamPrincipal(
            arn=f"arn:aws:iam::{account}:role/app-{number:02d}", name=f"app-{number:02d}", kind="role",
            policy_ids=[policies[number % IAM_POLICIES].id] + ([policies[(number + 1) % IAM_POLICIES].id] if number % 4 == 0 else []),
        )
        for number in range(IAM_PRINCIPALS)
    ]
    return policies, principals
