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
