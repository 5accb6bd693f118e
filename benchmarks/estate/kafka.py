"""Synthetic Kafka clusters: three brokers with three listeners each, topics and ACL bindings.

Topics are named ``<domain>.<entity>-<n>.v1`` with 50 topics per domain.
Even domains are covered by PREFIXED bindings (``<domain>.``), odd domains
by LITERAL bindings per topic, and every cluster has LITERAL ``*``
bindings. Defects: a cluster can have a PLAINTEXT client listener, TLS 1.1,
automatic topic creation or an ALLOW for ``User:*``; a topic can be under
replicated, have min.insync.replicas=1, allow unclean election, or have no
ACL of its own.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone

from benchmarks.estate.common import Mix, split
from scanner.model.kafka import AclBinding, AclState, Broker, ConfigValue, KafkaCluster, Listener, ListenerRole, Topic
from scanner.model.kafka_probes import (
    TLS_VERSIONS,
    AccessProbe,
    CertificateInfo,
    ProbeStatus,
    TlsProbe,
    TlsVersionProbe,
    VersionResult,
)

BROKERS_PER_CLUSTER = 3
LISTENERS_PER_BROKER = 3
TOPICS_PER_DOMAIN = 50

# Topic configuration entries with their default values, as DescribeConfigs reports them.
# NOTE: written by hand from Kafka's topic configuration names, not read from a broker.
TOPIC_DEFAULTS = {
    "cleanup.policy": "delete",
    "compression.gzip.level": "-1",
    "compression.lz4.level": "9",
    "compression.type": "producer",
    "compression.zstd.level": "3",
    "delete.retention.ms": "86400000",
    "file.delete.delay.ms": "60000",
    "flush.messages": "9223372036854775807",
    "flush.ms": "9223372036854775807",
    "follower.replication.throttled.replicas": "",
    "index.interval.bytes": "4096",
    "leader.replication.throttled.replicas": "",
    "local.retention.bytes": "-2",
    "local.retention.ms": "-2",
    "max.compaction.lag.ms": "9223372036854775807",
    "max.message.bytes": "1048588",
    "message.timestamp.after.max.ms": "3600000",
    "message.timestamp.before.max.ms": "9223372036854775807",
    "message.timestamp.type": "CreateTime",
    "min.cleanable.dirty.ratio": "0.5",
    "min.compaction.lag.ms": "0",
    "min.insync.replicas": "2",
    "preallocate": "false",
    "remote.log.copy.disable": "false",
    "remote.log.delete.on.disable": "false",
    "remote.storage.enable": "false",
    "retention.bytes": "-1",
    "retention.ms": "604800000",
    "segment.bytes": "1073741824",
    "segment.index.bytes": "10485760",
    "segment.jitter.ms": "0",
    "segment.ms": "604800000",
    "unclean.leader.election.enable": "false",
}

BROKER_DEFAULTS = {
    "auto.create.topics.enable": "false",
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "controller.listener.names": "CONTROLLER",
    "default.replication.factor": "3",
    "inter.broker.listener.name": "INTERNAL",
    "log.dirs": "/var/lib/kafka/data",
    "log.retention.hours": "168",
    "min.insync.replicas": "2",
    "num.io.threads": "8",
    "num.network.threads": "3",
    "num.partitions": "6",
    "offsets.topic.replication.factor": "3",
    "process.roles": "broker,controller",
    "sasl.enabled.mechanisms": "SCRAM-SHA-512",
    "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
    "ssl.client.auth": "none",
    "ssl.enabled.protocols": "TLSv1.3,TLSv1.2",
    "ssl.endpoint.identification.algorithm": "https",
    "ssl.keystore.location": "/etc/kafka/tls/broker.p12",
    "ssl.keystore.type": "PKCS12",
    "ssl.truststore.location": "/etc/kafka/tls/ca.p12",
    "super.users": "User:admin",
    "transaction.state.log.replication.factor": "3",
    "unclean.leader.election.enable": "false",
}
SENSITIVE_BROKER_CONFIGS = ("ssl.keystore.password", "ssl.key.password", "ssl.truststore.password")


def clusters(rng: random.Random, budget: int, mix: Mix) -> list[KafkaCluster]:
    """Return clusters with about `budget` resources (brokers, listeners, topics and ACL bindings) in all."""
    if budget <= 0:
        return []
    fixed = BROKERS_PER_CLUSTER * (1 + LISTENERS_PER_BROKER)
    return [_cluster(rng, index, max(part - fixed, 3), mix) for index, part in enumerate(split(budget, mix.kafka_resources_per_cluster))]


def _cluster(rng: random.Random, index: int, budget: int, mix: Mix) -> KafkaCluster:
    name = f"kafka-{index:03d}"
    topic_count = budget // 3
    defects = {defect for defect in ("plaintext", "tls11", "auto_create", "wildcard_principal") if rng.random() < mix.fail_share / 2}
    brokers = [_broker(name, broker_id, defects) for broker_id in range(1, BROKERS_PER_CLUSTER + 1)]
    topics, orphans = _topics(rng, topic_count, mix.fail_share)
    acls = acl_bindings([topic.name for topic in topics], orphans, budget - topic_count, "wildcard_principal" in defects)
    return KafkaCluster(
        target=name,
        bootstrap=f"{name}-1.kafka.example.internal:9093",
        environment="prod" if index % 3 else "staging",
        cluster_id=f"bench-{index:06d}-cluster",
        controller_id=1,
        brokers=brokers,
        authorized_operations=["ALTER", "DESCRIBE", "DESCRIBE_CONFIGS"],
        acl_state=AclState.COLLECTED,
        acls=acls,
        topics=[Topic(name="__consumer_offsets", internal=True, partitions=50, replication_factor=3, configs=_configs(TOPIC_DEFAULTS)), *topics],
        scram_credentials=[],
        anonymous_probes=[AccessProbe(listener="CLIENT", principal="User:ANONYMOUS", status=ProbeStatus.COMPLETED, refused=True, refusal="Disconnected")],
        low_privilege_probe=AccessProbe(listener="CLIENT", principal="User:probe", status=ProbeStatus.COMPLETED, refused=False, topics=[]),
    )


def _tls_probe(host: str, port: int, protocols: list[str]) -> TlsProbe:
    """Return the TLS probe result of a listener that accepts `protocols` and presents a sound certificate."""
    versions = [
        TlsVersionProbe(version=version, result=VersionResult.ACCEPTED if version in protocols else VersionResult.REJECTED)
        for version in TLS_VERSIONS
    ]
    certificate = CertificateInfo(
        subject=f"CN={host}",
        issuer="CN=bench CA",
        serial_number="1",
        sha256_fingerprint="00" * 32,
        not_before=datetime(2025, 1, 1, tzinfo=timezone.utc),
        not_after=datetime(2099, 1, 1, tzinfo=timezone.utc),
        dns_names=[host],
        key_type="RSA",
        key_size=2048,
        signature_algorithm="sha256WithRSAEncryption",
        signature_hash="sha256",
        self_signed=False,
    )
    return TlsProbe(status=ProbeStatus.COMPLETED, address=f"{host}:{port}", versions=versions, certificate=certificate, hostname_matches=True)


def _configs(values: dict[str, str], overrides: dict[str, str] | None = None) -> dict[str, ConfigValue]:
    overrides = overrides or {}
    configs = {
        key: ConfigValue(value=overrides.get(key, value), default=key not in overrides, source="DYNAMIC_TOPIC_CONFIG" if key in overrides else "DEFAULT_CONFIG")
        for key, value in values.items()
    }
    return configs


def _broker(cluster: str, broker_id: int, defects: set[str]) -> Broker:
    host = f"{cluster}-{broker_id}.kafka.example.internal"
    protocols = ["TLSv1.1", "TLSv1.2"] if "tls11" in defects else ["TLSv1.2", "TLSv1.3"]
    client_protocol = "PLAINTEXT" if "plaintext" in defects else "SASL_SSL"
    overrides = {"auto.create.topics.enable": "true"} if "auto_create" in defects else {}
    configs = {key: ConfigValue(value=overrides.get(key, value), source="STATIC_BROKER_CONFIG") for key, value in BROKER_DEFAULTS.items()}
    configs.update({key: ConfigValue(value=None, sensitive=True, source="STATIC_BROKER_CONFIG") for key in SENSITIVE_BROKER_CONFIGS})
    configs["ssl.enabled.protocols"] = ConfigValue(value=",".join(protocols), source="STATIC_BROKER_CONFIG")
    configs["super.users"] = ConfigValue(value="User:admin;User:kafka-broker", source="STATIC_BROKER_CONFIG", file="server.properties")
    listeners = [
        Listener(name="CONTROLLER", security_protocol="SSL", host=host, port=9094, roles=[ListenerRole.CONTROLLER], ssl_client_auth="required", ssl_enabled_protocols=protocols,
                 tls_probe=_tls_probe(host, 9094, protocols)),
        Listener(name="INTERNAL", security_protocol="SASL_SSL", host=host, port=9092, advertised_host=host, advertised_port=9092,
                 roles=[ListenerRole.INTER_BROKER], sasl_mechanisms=["SCRAM-SHA-512"], ssl_client_auth="none", ssl_enabled_protocols=protocols,
                 tls_probe=_tls_probe(host, 9092, protocols)),
        Listener(name="CLIENT", security_protocol=client_protocol, host=host, port=9093, advertised_host=host, advertised_port=9093,
                 roles=[ListenerRole.CLIENT], sasl_mechanisms=["SCRAM-SHA-512"] if client_protocol == "SASL_SSL" else [],
                 ssl_client_auth="none" if client_protocol == "SASL_SSL" else None,
                 ssl_enabled_protocols=protocols if client_protocol == "SASL_SSL" else None,
                 tls_probe=_tls_probe(host, 9093, protocols) if client_protocol == "SASL_SSL" else None),
    ]
    return Broker(id=broker_id, host=host, port=9093, rack=f"az-{broker_id}", configs=configs, listeners=listeners)


def topic_name(number: int) -> str:
    return f"d{number // TOPICS_PER_DOMAIN:03d}.entity-{number:06d}.v1"


def _topics(rng: random.Random, count: int, fail_share: float) -> tuple[list[Topic], set[str]]:
    """Return the user topics and the names of those that get no ACL of their own."""
    topics = []
    orphans = set()
    for number in range(count):
        name = topic_name(number)
        overrides: dict[str, str] = {}
        replication = 3
        if rng.random() < fail_share:
            defect = rng.choice(("replication", "min_insync", "unclean", "no_acl"))
            if defect == "replication":
                replication = 2
            elif defect == "min_insync":
                overrides["min.insync.replicas"] = "1"
            elif defect == "unclean":
                overrides["unclean.leader.election.enable"] = "true"
            else:
                orphans.add(name)
        if rng.random() < 0.3:
            overrides["retention.ms"] = str(rng.choice((86400000, 259200000, 1209600000)))
        topics.append(Topic(name=name, partitions=rng.choice((3, 6, 12, 24)), replication_factor=replication, configs=_configs(TOPIC_DEFAULTS, overrides)))
    return topics, orphans


def _binding(principal: str, operation: str, resource_type: str, name: str, pattern: str = "LITERAL", permission: str = "ALLOW") -> AclBinding:
    return AclBinding(principal=principal, operation=operation, permission=permission, resource_type=resource_type, resource_name=name, pattern_type=pattern)


def acl_bindings(topic_names: list[str], orphans: set[str], budget: int, wildcard_principal: bool) -> list[AclBinding]:
    """Return at most `budget` distinct bindings: wildcards, PREFIXED per even domain, LITERAL per topic of odd domains.

    Topics in `orphans` get no binding of their own, so KAFKA-ACL-005 fails for them.
    """
    bindings = [
        _binding("User:monitoring", "DESCRIBE", "TOPIC", "*"),
        _binding("User:monitoring", "DESCRIBE", "GROUP", "*"),
        _binding("User:admin", "ALL", "CLUSTER", "kafka-cluster"),
    ]
    if wildcard_principal:
        bindings.append(_binding("User:*", "READ", "TOPIC", "*"))

    domains = sorted({name.split(".", 1)[0] for name in topic_names})
    for domain in domains[::2]:
        bindings.append(_binding(f"User:{domain}-producer", "WRITE", "TOPIC", f"{domain}.", "PREFIXED"))
        bindings.append(_binding(f"User:{domain}-consumer", "READ", "TOPIC", f"{domain}.", "PREFIXED"))
        bindings.append(_binding(f"User:{domain}-consumer", "READ", "GROUP", f"{domain}-", "PREFIXED"))
    prefixed = set(domains[::2])

    owned = [name for name in topic_names if name not in orphans]
    for name in owned:
        if name.split(".", 1)[0] not in prefixed:
            bindings.append(_binding(f"User:{name.split('.')[1]}-app", "WRITE", "TOPIC", name))

    operations = ("READ", "DESCRIBE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS")
    round_number = 0
    while len(bindings) < budget and owned:
        for position, name in enumerate(owned):
            if len(bindings) >= budget:
                break
            operation = operations[(position + round_number) % len(operations)]
            bindings.append(_binding(f"User:team-{round_number:03d}", operation, "TOPIC", name))
        round_number += 1
    return bindings[:budget]
