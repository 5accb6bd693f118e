"""Helpers shared by the Kafka rule modules."""

from __future__ import annotations

from collections.abc import Iterator

from rules.base import Outcome, not_assessed
from scanner.model.kafka import Broker, KafkaCluster, Listener, Topic

INTERNAL_TOPIC_PREFIX = "__"


def listeners(cluster: KafkaCluster) -> Iterator[tuple[Broker, Listener]]:
    """Yield every (broker, listener) pair of the cluster."""
    for broker in cluster.brokers:
        for listener in broker.listeners:
            yield broker, listener


def listener_id(cluster: KafkaCluster, broker: Broker, listener: Listener) -> str:
    return cluster.resource_id("broker", broker.id, "listener", listener.name)


def listener_evidence(broker: Broker, listener: Listener) -> dict[str, object]:
    return {
        "broker": broker.id,
        "listener": listener.name,
        "security_protocol": str(listener.security_protocol),
        "advertised": _address(listener.advertised_host, listener.advertised_port),
        "roles": [str(role) for role in listener.roles],
        "config_source": config_source(broker, "listeners"),
    }


def _address(host: str | None, port: int | None) -> str | None:
    if port is None:
        return None
    return f"{host or ''}:{port}"


def user_topics(cluster: KafkaCluster) -> list[Topic]:
    """Return the topics that are not internal (internal flag or a ``__`` name prefix)."""
    return [
        topic
        for topic in cluster.topics or []
        if not topic.internal and not topic.name.startswith(INTERNAL_TOPIC_PREFIX)
    ]


def listeners_not_collected(cluster: KafkaCluster) -> Iterator[Outcome]:
    """Yield NOT_ASSESSED for brokers whose configuration, and so listeners, were not collected."""
    for broker in cluster.brokers:
        if broker.configs is None:
            yield not_assessed(
                cluster.resource_id("broker", broker.id),
                "The broker's configuration could not be read, so its listeners are unknown.",
            )


def config_source(broker: Broker, key: str) -> str | None:
    """Return where a broker config value came from: a server.properties path, ``DescribeConfigs``, or None when unset."""
    if broker.configs is None or key not in broker.configs:
        return None
    return broker.configs[key].file or "DescribeConfigs"


def broker_values(cluster: KafkaCluster, key: str) -> dict[str, dict[str, object]]:
    """Return {broker id: {value, sensitive, source}} for one broker config key, over brokers whose configs were read."""
    values = {}
    for broker in cluster.brokers:
        if broker.configs is None or key not in broker.configs:
            continue
        entry = broker.configs[key]
        values[str(broker.id)] = {"value": entry.value, "sensitive": entry.sensitive, "source": config_source(broker, key)}
    return values


def not_collected(cluster: KafkaCluster, fact: str) -> str:
    """Return the reason a live-only fact is missing, naming static-only input when that is the cause."""
    if not cluster.live:
        return f"{fact} needs live Admin API access; the target was assessed from server.properties files only."
    return f"{fact} was not collected."


def probe_gap(kind: str, status: str, reason: str | None) -> str:
    """Return the NOT_ASSESSED reason for a probe that did not complete."""
    labels = {"disabled": "is disabled", "skipped": "was skipped", "failed": "failed", "timed_out": "timed out"}
    return f"The {kind} {labels.get(status, status)}: {reason or 'no reason recorded'}."
