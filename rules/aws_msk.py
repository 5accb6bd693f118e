"""AWS rules on Amazon MSK clusters, provisioned and serverless."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rules._aws import key_class, key_index, regions_with
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.aws import AwsAccount, KmsKey, MskCluster

MSK_DOC = "https://docs.aws.amazon.com/msk/latest/developerguide"
AUTH_METHODS = ("mtls", "iam", "scram")
FINE_MONITORING = ("PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION")

# A check decides one cluster: (cluster, resource id, rule parameters, the region's keys by reference).
Check = Callable[[MskCluster, str, Params, dict[str, KmsKey]], Outcome]


def _each_cluster(account: AwsAccount, params: Params, check: Check) -> Iterator[Outcome]:
    for region, missing in regions_with(account, "msk_clusters"):
        if missing is not None:
            yield missing
            continue
        keys = key_index(region)
        for cluster in region.msk_clusters or []:
            yield check(cluster, account.resource_id(region.name, "msk", cluster.name), params, keys)


def _msk_rule(**metadata):
    """Register an MSK rule whose check decides one cluster at a time."""
    defaults = {"provider": "aws", "resource_type": "aws.msk.cluster"}

    def register(check: Check):
        def run(account: AwsAccount, params: Params) -> Iterator[Outcome]:
            return _each_cluster(account, params, check)

        rule(**defaults, **metadata)(run)
        return check

    return register


@_msk_rule(
    id="MSK-TLS-001",
    title="MSK client-broker traffic is TLS only",
    severity=Severity.HIGH,
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale="With TLS_PLAINTEXT or PLAINTEXT, clients may send and read records unencrypted.",
    remediation="Set EncryptionInTransit.ClientBroker to TLS with aws kafka update-security.",
    references=[f"{MSK_DOC}/msk-encryption.html"],
    tags=["encryption"],
)
def client_tls(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless:
        return passed(resource, f"Serverless cluster {cluster.name} accepts TLS connections only.", cluster_type=cluster.cluster_type)
    if cluster.client_broker == "TLS":
        return passed(resource, f"Cluster {cluster.name} accepts TLS client connections only.", client_broker=cluster.client_broker)
    return failed(resource, f"Cluster {cluster.name} has client-broker encryption {cluster.client_broker}.", client_broker=cluster.client_broker)


@_msk_rule(
    id="MSK-TLS-002",
    title="MSK in-cluster traffic is encrypted",
    severity=Severity.MEDIUM,
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale="Without in-cluster encryption, replication traffic between brokers travels in plaintext.",
    remediation="Create the cluster with EncryptionInTransit.InCluster=true; the setting cannot be changed on an existing cluster.",
    references=[f"{MSK_DOC}/msk-encryption.html"],
    tags=["encryption"],
)
def in_cluster_tls(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless or cluster.in_cluster_encryption:
        return passed(resource, f"Cluster {cluster.name} encrypts traffic between brokers.", in_cluster=True, cluster_type=cluster.cluster_type)
    return failed(resource, f"Cluster {cluster.name} sends traffic between brokers unencrypted.", in_cluster=cluster.in_cluster_encryption)


@_msk_rule(
    id="MSK-AUTH-001",
    title="MSK unauthenticated access is disabled",
    severity=Severity.HIGH,
    principle="Kafka §1.5 Security: no anonymous consumers",
    rationale="Unauthenticated access lets any client that reaches the brokers produce and consume.",
    remediation="Turn off ClientAuthentication.Unauthenticated with aws kafka update-security after enabling IAM, SASL/SCRAM or mTLS.",
    references=[f"{MSK_DOC}/msk-authentication.html"],
    tags=["authentication"],
)
def no_unauthenticated(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless:
        return passed(resource, f"Serverless cluster {cluster.name} requires IAM authentication.", cluster_type=cluster.cluster_type)
    if cluster.unauthenticated_enabled:
        return failed(resource, f"Cluster {cluster.name} allows unauthenticated clients.", unauthenticated=True, methods=cluster.auth_methods)
    return passed(resource, f"Cluster {cluster.name} refuses unauthenticated clients.", unauthenticated=False, methods=cluster.auth_methods)


@_msk_rule(
    id="MSK-AUTH-002",
    title="MSK client authentication uses an approved method",
    severity=Severity.MEDIUM,
    principle="Kafka §1.5 Security: enable Kerberos or mTLS for auth",
    rationale="Each enabled authentication method is a way in; methods outside the approved list escape the organization's credential controls.",
    remediation="Enable only approved methods (IAM, SASL/SCRAM or mTLS) in the cluster's ClientAuthentication.",
    references=[f"{MSK_DOC}/kafka_apis_iam.html"],
    tags=["authentication"],
    params={"approved_methods": Param(list(AUTH_METHODS), "Approved client authentication methods: mtls, iam, scram.")},
)
def approved_auth(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    approved = params["approved_methods"]
    unknown = sorted(set(approved) - set(AUTH_METHODS))
    if unknown:
        raise ValueError(f"approved_methods has {unknown}; use only {', '.join(AUTH_METHODS)}")
    evidence = {"methods": cluster.auth_methods, "approved_methods": approved}
    if not cluster.auth_methods:
        return failed(resource, f"Cluster {cluster.name} has no client authentication method enabled.", **evidence)
    if rejected := sorted(set(cluster.auth_methods) - set(approved)):
        return failed(resource, f"Cluster {cluster.name} enables unapproved method(s) {', '.join(rejected)}.", **evidence)
    return passed(resource, f"Cluster {cluster.name} authenticates clients with {', '.join(cluster.auth_methods)}.", **evidence)


@_msk_rule(
    id="MSK-NET-001",
    title="MSK public access is disabled",
    severity=Severity.CRITICAL,
    principle="Kafka §1.5 Security",
    rationale="With public access on, the brokers get public IP addresses reachable from the internet.",
    remediation="Set ConnectivityInfo.PublicAccess.Type to DISABLED with aws kafka update-connectivity.",
    references=[f"{MSK_DOC}/public-access.html"],
    tags=["network"],
)
def no_public_access(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless:
        return passed(resource, f"Serverless cluster {cluster.name} is reachable only through its VPC connections.", cluster_type=cluster.cluster_type)
    if cluster.public_access in (None, "DISABLED"):
        return passed(resource, f"Cluster {cluster.name} has public access disabled.", public_access=cluster.public_access)
    return failed(resource, f"Cluster {cluster.name} has public access {cluster.public_access}.", public_access=cluster.public_access)


@_msk_rule(
    id="MSK-ENC-001",
    title="MSK data at rest uses a customer-managed key",
    severity=Severity.MEDIUM,
    principle="Kafka §1.5 Security",
    rationale="With the AWS-managed key, the key policy cannot limit who may decrypt the brokers' volumes.",
    remediation="Create the cluster with EncryptionAtRest.DataVolumeKMSKeyId set to a customer-managed key; it cannot be changed later.",
    references=[f"{MSK_DOC}/msk-encryption.html"],
    tags=["encryption"],
)
def at_rest_cmk(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless:
        return not_applicable(resource, f"Serverless cluster {cluster.name} always uses an AWS-managed key.", cluster_type=cluster.cluster_type)
    reference = cluster.at_rest_key_arn
    if not reference:
        return failed(resource, f"Cluster {cluster.name} encrypts at rest with the AWS-managed key.", key=None)
    found = key_class(keys.get(reference), reference)
    if found is None:
        return not_assessed(resource, f"Key {reference} of cluster {cluster.name} could not be described.", key=reference)
    if found == "aws_managed":
        return failed(resource, f"Cluster {cluster.name} encrypts at rest with AWS-managed key {reference}.", key=reference, key_class=found)
    return passed(resource, f"Cluster {cluster.name} encrypts at rest with {found.replace('_', '-')} key {reference}.", key=reference, key_class=found)


@_msk_rule(
    id="MSK-OBS-001",
    title="MSK enhanced monitoring is PER_TOPIC_PER_BROKER or finer",
    severity=Severity.LOW,
    principle="Kafka §1.4 Observability: monitor consumer lag, error rates and throughput per topic",
    rationale="Below PER_TOPIC_PER_BROKER, CloudWatch has no per-topic throughput or error metrics.",
    remediation="Set EnhancedMonitoring to PER_TOPIC_PER_BROKER (or PER_TOPIC_PER_PARTITION) with aws kafka update-monitoring.",
    references=[f"{MSK_DOC}/metrics-details.html"],
    tags=["observability"],
)
def monitoring_level(cluster: MskCluster, resource: str, params: Params, keys: dict[str, KmsKey]) -> Outcome:
    if cluster.serverless:
        return not_applicable(resource, f"Serverless cluster {cluster.name} has no enhanced monitoring level.", cluster_type=cluster.cluster_type)
    if cluster.enhanced_monitoring in FINE_MONITORING:
        return passed(resource, f"Cluster {cluster.name} monitors at {cluster.enhanced_monitoring}.", enhanced_monitoring=cluster.enhanced_monitoring)
    return failed(resource, f"Cluster {cluster.name} monitors at {cluster.enhanced_monitoring}.", enhanced_monitoring=cluster.enhanced_monitoring)
