"""Security posture of AWS streaming resources (Kinesis, KMS, IAM, VPC, Firehose, Lambda, MSK).

As in the other provider models, a field set to None means "not collected"
and an empty list means "collected, and there are none". When a read fails,
the field stays None and `errors` (on the account, region or resource) maps
the field's name to the reason, so rules can report NOT_ASSESSED with it.
Lists are sorted in validators so that the same estate always serialises to
the same bytes.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from scanner.model.common import Frozen

GLOBAL_REGION = "global"


def _sorted_unique(values: list[str]) -> list[str]:
    return sorted(set(values))


class PolicyStatement(Frozen):
    """One statement of an IAM, resource or endpoint policy, normalised to lists.

    `principals` is None for identity policies, which have no Principal
    element. Otherwise each entry is ``*`` (anyone) or ``TYPE:VALUE`` such as
    ``AWS:arn:aws:iam::111122223333:root`` or ``Service:lambda.amazonaws.com``.
    `conditions` maps an operator to its keys and values, for example
    ``{"StringEquals": {"aws:SourceAccount": ["111122223333"]}}``.
    """

    sid: str | None = None
    effect: str
    principals: list[str] | None = None
    not_principals: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    not_actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list)
    not_resources: list[str] = Field(default_factory=list)
    conditions: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @field_validator("not_principals", "actions", "not_actions", "resources", "not_resources")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return _sorted_unique(values)

    @field_validator("principals")
    @classmethod
    def _sorted_principals(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _sorted_unique(values)

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def public_principal(self) -> bool:
        """True when the statement names anyone: ``"*"`` or ``{"AWS": "*"}``."""
        return any(principal in ("*", "AWS:*") for principal in self.principals or [])


class KmsKey(Frozen):
    """A KMS key that a stream or cluster uses, with every reference that resolved to it.

    `references` contains the KeyId values exactly as the resources state them
    (key id, key ARN, alias name or alias ARN). `error` is set when
    kms:DescribeKey failed, and then the other fields are None.
    `rotation_enabled` and `policy_statements` are None when their own read
    failed (see `errors`) or does not apply (rotation of AWS-managed keys).
    """

    references: list[str]
    arn: str | None = None
    key_id: str | None = None
    account_id: str | None = None
    manager: str | None = None
    state: str | None = None
    origin: str | None = None
    key_spec: str | None = None
    deletion_date: str | None = None
    rotation_enabled: bool | None = None
    policy_statements: list[PolicyStatement] | None = None
    error: str | None = None
    errors: dict[str, str] = Field(default_factory=dict)

    @field_validator("references")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return _sorted_unique(values)


class KinesisConsumer(Frozen):
    name: str
    arn: str
    status: str | None = None


class KinesisStream(Frozen):
    """One Kinesis data stream, from DescribeStreamSummary and its per-stream reads.

    `collection_error` is set when the stream itself could not be described
    (for example it was deleted between ListStreams and DescribeStreamSummary);
    then only `name` and `arn` are known. `resource_policy` is [] when the
    stream has no resource policy.
    """

    name: str
    arn: str
    collection_error: str | None = None
    status: str | None = None
    mode: str | None = None
    open_shard_count: int | None = None
    retention_hours: int | None = None
    encryption_type: str | None = None
    key_id: str | None = None
    enhanced_metrics: list[str] | None = None
    resource_policy: list[PolicyStatement] | None = None
    consumers: list[KinesisConsumer] | None = None
    tags: dict[str, str] | None = None
    errors: dict[str, str] = Field(default_factory=dict)

    @field_validator("enhanced_metrics")
    @classmethod
    def _sorted_metrics(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _sorted_unique(values)

    @field_validator("consumers")
    @classmethod
    def _sorted_consumers(cls, values: list[KinesisConsumer] | None) -> list[KinesisConsumer] | None:
        return None if values is None else sorted(values, key=lambda consumer: consumer.arn)

    @property
    def encrypted(self) -> bool:
        return (self.encryption_type or "").upper() == "KMS"


class VpcEndpoint(Frozen):
    """An interface endpoint for kinesis-streams or kinesis-firehose."""

    id: str
    vpc_id: str
    service: str
    service_name: str
    endpoint_type: str | None = None
    state: str | None = None
    private_dns_enabled: bool = False
    policy_statements: list[PolicyStatement] | None = None


class Vpc(Frozen):
    id: str
    is_default: bool = False
    cidr_block: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class FirehoseStream(Frozen):
    """One Firehose delivery stream; `source_type` is DirectPut, KinesisStreamAsSource, MSKAsSource and so on."""

    name: str
    arn: str
    collection_error: str | None = None
    status: str | None = None
    source_type: str | None = None
    source_stream_arn: str | None = None
    source_msk_cluster_arn: str | None = None
    encryption_status: str | None = None
    encryption_key_type: str | None = None
    encryption_key_arn: str | None = None
    destinations: list[str] = Field(default_factory=list)

    @field_validator("destinations")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return _sorted_unique(values)


class EventSourceMapping(Frozen):
    """A Lambda event source mapping whose source is a Kinesis stream or one of its consumers.

    `stream_arn` is the stream's ARN even when the mapping reads through an
    enhanced fan-out consumer. -1 in the retry and age limits means unlimited.
    """

    uuid: str
    stream_arn: str
    event_source_arn: str
    function_arn: str | None = None
    state: str | None = None
    on_failure_destination: str | None = None
    maximum_retry_attempts: int | None = None
    maximum_record_age_seconds: int | None = None
    bisect_on_error: bool | None = None


class AlarmMetric(Frozen):
    """One metric an alarm watches, directly or inside metric math."""

    namespace: str
    metric_name: str
    dimensions: dict[str, str] = Field(default_factory=dict)


class MetricAlarm(Frozen):
    """A CloudWatch metric alarm that watches at least one AWS/Kinesis metric."""

    name: str
    metrics: list[AlarmMetric]
    actions_enabled: bool | None = None
    alarm_actions: list[str] = Field(default_factory=list)

    @field_validator("metrics")
    @classmethod
    def _sorted(cls, values: list[AlarmMetric]) -> list[AlarmMetric]:
        return sorted(values, key=lambda metric: (metric.namespace, metric.metric_name, sorted(metric.dimensions.items())))


class MskCluster(Frozen):
    """One MSK cluster, provisioned or serverless, from ListClustersV2.

    Serverless clusters always encrypt in transit, use IAM authentication
    and an AWS-managed key at rest, and have no public access or monitoring
    level, so those fields stay None for them. `client_broker` is TLS,
    TLS_PLAINTEXT or PLAINTEXT; `public_access` is DISABLED or
    SERVICE_PROVIDED_EIPS.
    """

    name: str
    arn: str
    cluster_type: str
    state: str | None = None
    client_broker: str | None = None
    in_cluster_encryption: bool | None = None
    at_rest_key_arn: str | None = None
    unauthenticated_enabled: bool | None = None
    auth_methods: list[str] = Field(default_factory=list)
    public_access: str | None = None
    enhanced_monitoring: str | None = None

    @field_validator("auth_methods")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return _sorted_unique(values)

    @property
    def serverless(self) -> bool:
        return self.cluster_type.upper() == "SERVERLESS"


class AwsRegion(Frozen):
    """Everything collected from one region of one account.

    `collection_error` is set when nothing of the region could be read (for
    example the region is not enabled for the account).
    """

    name: str
    collection_error: str | None = None
    streams: list[KinesisStream] | None = None
    kms_keys: list[KmsKey] | None = None
    vpcs: list[Vpc] | None = None
    vpc_endpoints: list[VpcEndpoint] | None = None
    firehose_streams: list[FirehoseStream] | None = None
    event_source_mappings: list[EventSourceMapping] | None = None
    alarms: list[MetricAlarm] | None = None
    msk_clusters: list[MskCluster] | None = None
    errors: dict[str, str] = Field(default_factory=dict)

    @field_validator("streams", "firehose_streams", "msk_clusters", "alarms", "vpcs")
    @classmethod
    def _sorted_by_name(cls, values: list | None) -> list | None:
        if values is None:
            return None
        return sorted(values, key=lambda item: getattr(item, "name", None) or getattr(item, "id"))

    @field_validator("kms_keys")
    @classmethod
    def _sorted_keys(cls, values: list[KmsKey] | None) -> list[KmsKey] | None:
        return None if values is None else sorted(values, key=lambda key: (key.arn or "", key.references))

    @field_validator("vpc_endpoints")
    @classmethod
    def _sorted_endpoints(cls, values: list[VpcEndpoint] | None) -> list[VpcEndpoint] | None:
        return None if values is None else sorted(values, key=lambda endpoint: endpoint.id)

    @field_validator("event_source_mappings")
    @classmethod
    def _sorted_mappings(cls, values: list[EventSourceMapping] | None) -> list[EventSourceMapping] | None:
        return None if values is None else sorted(values, key=lambda mapping: mapping.uuid)


class IdentityPolicy(Frozen):
    """An IAM identity policy (managed or inline) that allows at least one Kinesis action.

    `id` is the managed policy's ARN, or ``<principal ARN>/inline-policy/<name>``
    for an inline policy. Only statements that can allow a Kinesis action are
    kept.
    """

    id: str
    name: str
    kind: str
    statements: list[PolicyStatement]


class IamPrincipal(Frozen):
    """An IAM user, group or role with the Kinesis-granting policies that apply to it.

    For a user, `policy_ids` includes the policies of its groups.
    """

    arn: str
    name: str
    kind: str
    path: str = "/"
    policy_ids: list[str] = Field(default_factory=list)

    @field_validator("policy_ids")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return _sorted_unique(values)


class AwsAccount(Frozen):
    """Everything collected from one AWS account of one target, across its regions.

    `collection_error` is set when nothing of the account could be collected
    (for example the role could not be assumed). IAM is global, so it sits on
    the account and not on a region.
    """

    target: str
    collection_error: str | None = None
    account_id: str | None = None
    role_arn: str | None = None
    regions: list[AwsRegion] = Field(default_factory=list)
    iam_policies: list[IdentityPolicy] | None = None
    iam_principals: list[IamPrincipal] | None = None
    errors: dict[str, str] = Field(default_factory=dict)

    @field_validator("regions")
    @classmethod
    def _sorted_regions(cls, values: list[AwsRegion]) -> list[AwsRegion]:
        return sorted(values, key=lambda region: region.name)

    @field_validator("iam_policies")
    @classmethod
    def _sorted_policies(cls, values: list[IdentityPolicy] | None) -> list[IdentityPolicy] | None:
        return None if values is None else sorted(values, key=lambda policy: policy.id)

    @field_validator("iam_principals")
    @classmethod
    def _sorted_principals(cls, values: list[IamPrincipal] | None) -> list[IamPrincipal] | None:
        return None if values is None else sorted(values, key=lambda principal: principal.arn)

    @property
    def resource_root(self) -> str:
        """Return the resource id of the account itself, used for findings on the whole unit."""
        return "/".join(["aws", self.target, self.account_id or "unknown"])

    def resource_id(self, region: str, *parts: str) -> str:
        """Return ``aws/<target>/<account>/<region>/<parts...>``; IAM resources use region ``global``."""
        return "/".join(["aws", self.target, self.account_id or "unknown", region, *parts])


class AwsSection(Frozen):
    accounts: list[AwsAccount] = Field(default_factory=list)

    @field_validator("accounts")
    @classmethod
    def _sorted(cls, values: list[AwsAccount]) -> list[AwsAccount]:
        return sorted(values, key=lambda account: (account.target, account.account_id or "", account.role_arn or ""))
