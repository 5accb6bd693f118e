"""Kafka rules on encryption in transit."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import listener_evidence, listener_id, listeners, listeners_not_collected
from rules.base import Outcome, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.kafka import KafkaCluster, ListenerRole

KAFKA_SECURITY_DOC = "https://kafka.apache.org/documentation/#security"
STRONG_TLS_VERSIONS = {"TLSv1.2", "TLSv1.3"}


@rule(
    id="KAFKA-TLS-001",
    title="Client listeners encrypt traffic",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "A PLAINTEXT or SASL_PLAINTEXT listener sends records, and with SASL PLAIN also passwords, "
        "in clear text over the network."
    ),
    remediation=(
        "Change the listener's entry in listener.security.protocol.map to SSL or SASL_SSL and "
        "configure its keystore; move clients to the encrypted listener before closing the old one."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_ssl"],
    tags=["encryption", "in-transit"],
)
def client_listeners_encrypted(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for broker, listener in listeners(cluster):
        if not listener.is_client:
            continue
        resource = listener_id(cluster, broker, listener)
        evidence = listener_evidence(broker, listener)
        if listener.security_protocol.encrypted:
            yield passed(resource, f"Listener {listener.name} uses {listener.security_protocol}.", **evidence)
        else:
            yield failed(
                resource,
                f"Client listener {listener.name} uses {listener.security_protocol}, which is not encrypted.",
                **evidence,
            )


@rule(
    id="KAFKA-TLS-002",
    title="Inter-broker and controller listeners encrypt traffic",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "Replication and controller traffic carries every record and the cluster metadata; an "
        "attacker on the network between brokers can read or alter it when it is not encrypted."
    ),
    remediation=(
        "Map the inter-broker listener (inter.broker.listener.name) and the controller listeners "
        "(controller.listener.names) to SSL or SASL_SSL in listener.security.protocol.map."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_ssl", "https://docs.aws.amazon.com/securityhub/latest/userguide/msk-controls.html"],
    tags=["encryption", "in-transit"],
)
def internal_listeners_encrypted(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for broker, listener in listeners(cluster):
        internal_roles = {ListenerRole.INTER_BROKER, ListenerRole.CONTROLLER} & set(listener.roles)
        if not internal_roles:
            continue
        resource = listener_id(cluster, broker, listener)
        evidence = listener_evidence(broker, listener)
        roles = " and ".join(sorted(role.replace("_", "-") for role in internal_roles))
        if listener.security_protocol.encrypted:
            yield passed(resource, f"The {roles} listener {listener.name} uses {listener.security_protocol}.", **evidence)
        else:
            yield failed(
                resource,
                f"The {roles} listener {listener.name} uses {listener.security_protocol}, which is not encrypted.",
                **evidence,
            )


@rule(
    id="KAFKA-TLS-003",
    title="Configured TLS protocols are TLS 1.2 or newer",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to downgrade attacks. A listener "
        "override (listener.name.<listener>.ssl.enabled.protocols) replaces the broker-wide value."
    ),
    remediation="Set ssl.enabled.protocols=TLSv1.3,TLSv1.2, and remove or fix any listener.name.<listener>.ssl.enabled.protocols override.",
    references=["https://kafka.apache.org/documentation/#brokerconfigs_ssl.enabled.protocols", "https://www.rfc-editor.org/rfc/rfc8996"],
    tags=["encryption", "in-transit", "tls"],
)
def tls_protocols_modern(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for broker, listener in listeners(cluster):
        resource = listener_id(cluster, broker, listener)
        evidence = listener_evidence(broker, listener)
        if not listener.security_protocol.encrypted:
            yield not_applicable(resource, f"Listener {listener.name} does not use TLS.", **evidence)
            continue

        key = "ssl.enabled.protocols"
        if key in listener.overrides:
            key = f"listener.name.{listener.name.lower()}.{key}"
        protocols = listener.ssl_enabled_protocols
        if protocols is None:
            yield not_assessed(resource, f"{key} was not reported by the broker.", **evidence)
            continue

        weak = sorted(set(protocols) - STRONG_TLS_VERSIONS)
        evidence |= {"config": key, "value": ",".join(protocols)}
        if weak or not protocols:
            yield failed(resource, f"Listener {listener.name} enables {', '.join(weak) or 'no protocol'} ({key}).", **evidence)
        else:
            yield passed(resource, f"Listener {listener.name} enables only {', '.join(protocols)}.", **evidence)
