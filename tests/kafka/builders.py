"""Small constructors of Kafka model instances for rule tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from rules import all_rules
from rules.base import Outcome
from scanner.model.kafka import (
    AclBinding,
    AclState,
    Broker,
    ConfigValue,
    KafkaCluster,
    Listener,
    ListenerRole,
    SecurityProtocol,
    Topic,
)
from scanner.model.kafka_probes import (
    TLS_VERSIONS,
    AccessProbe,
    CertificateInfo,
    ProbeStatus,
    TlsProbe,
    TlsVersionProbe,
    VersionResult,
)

SECURE_TOPIC_CONFIGS = {"min.insync.replicas": "2", "unclean.leader.election.enable": "false"}


def configs(values: dict[str, str | None]) -> dict[str, ConfigValue]:
    return {key: ConfigValue(value=value) for key, value in values.items()}


def listener(name: str, protocol: str, *roles: ListenerRole, **fields: Any) -> Listener:
    return Listener(
        name=name,
        security_protocol=SecurityProtocol(protocol),
        host="127.0.0.1",
        port=9092,
        advertised_host="kafka-1.example.internal",
        advertised_port=9092,
        roles=list(roles) or [ListenerRole.CLIENT],
        **fields,
    )


def broker(*listeners: Listener, broker_id: int = 1, **config_values: str | None) -> Broker:
    values = {"authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer", "auto.create.topics.enable": "false"}
    values |= {key.replace("_", "."): value for key, value in config_values.items()}
    return Broker(id=broker_id, host="127.0.0.1", port=9092, configs=configs(values), listeners=list(listeners))


def topic(name: str, replication_factor: int = 3, **config_values: str | None) -> Topic:
    values = SECURE_TOPIC_CONFIGS | {key.replace("_", "."): value for key, value in config_values.items()}
    return Topic(name=name, partitions=3, replication_factor=replication_factor, configs=configs(values))


def acl(principal: str, operation: str, resource_type: str, name: str, pattern: str = "LITERAL", permission: str = "ALLOW") -> AclBinding:
    return AclBinding(
        principal=principal,
        operation=operation,
        permission=permission,
        resource_type=resource_type,
        resource_name=name,
        pattern_type=pattern,
    )


def cluster(
    brokers: list[Broker] | None = None,
    topics: list[Topic] | None = None,
    acls: list[AclBinding] | None = None,
    acl_state: AclState | None = AclState.COLLECTED,
    **fields: Any,
) -> KafkaCluster:
    if brokers is None:
        brokers = [broker(listener("SASL_SSL", "SASL_SSL", ListenerRole.CLIENT, ListenerRole.INTER_BROKER, sasl_mechanisms=["GSSAPI"]))]
    return KafkaCluster(
        target="prod",
        bootstrap="kafka-1.example.internal:9092",
        cluster_id="abc",
        brokers=brokers,
        topics=[] if topics is None else topics,
        acls=[] if acls is None and acl_state == AclState.COLLECTED else acls,
        acl_state=acl_state,
        **fields,
    )


def run_rule(rule_id: str, unit: Any, **params: Any) -> list[Outcome]:
    """Run one rule's check with its defaults overridden by `params`."""
    rule = all_rules()[rule_id]
    return list(rule.check(unit, rule.defaults | params))


def statuses(outcomes: list[Outcome]) -> dict[str, str]:
    """Map each resource id to its status, for whole-result assertions."""
    return {outcome.resource_id: outcome.status.value for outcome in outcomes}


def certificate(**fields: Any) -> CertificateInfo:
    """Return a sound CA-issued RSA-2048 SHA-256 certificate for kafka-1.example.internal, changed by `fields`."""
    now = datetime.now(timezone.utc)
    values: dict[str, Any] = {
        "subject": "CN=kafka-1.example.internal,O=example",
        "issuer": "CN=Example CA,O=example",
        "serial_number": "1f",
        "sha256_fingerprint": "00" * 32,
        "not_before": now - timedelta(days=10),
        "not_after": now + timedelta(days=300),
        "dns_names": ["kafka-1.example.internal"],
        "key_type": "RSA",
        "key_size": 2048,
        "signature_algorithm": "sha256WithRSAEncryption",
        "signature_hash": "sha256",
        "self_signed": False,
    }
    return CertificateInfo(**(values | fields))


def tls_probe(accepted: tuple[str, ...] = ("TLSv1.2", "TLSv1.3"), **fields: Any) -> TlsProbe:
    """Return a completed probe that accepted `accepted` and rejected the other versions."""
    versions = [
        TlsVersionProbe(version=version, result=VersionResult.ACCEPTED if version in accepted else VersionResult.REJECTED)
        for version in TLS_VERSIONS
    ]
    values: dict[str, Any] = {
        "status": ProbeStatus.COMPLETED,
        "address": "kafka-1.example.internal:9092",
        "versions": versions,
        "certificate": certificate(),
        "hostname_matches": True,
        "client_certificate_required": False,
    }
    return TlsProbe(**(values | fields))


def access(listener: str = "SASL_SSL", **fields: Any) -> AccessProbe:
    """Return a completed anonymous probe of `listener` that saw nothing, changed by `fields`."""
    values: dict[str, Any] = {"principal": "User:ANONYMOUS", "addresses": ["kafka-1.example.internal:9092"], "status": ProbeStatus.COMPLETED, "refused": False, "topics": []}
    return AccessProbe(listener=listener, **(values | fields))
