"""Kafka rules on topic durability and cluster governance."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import not_collected, user_topics
from rules.base import Outcome, Param, Params, failed, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.kafka import KafkaCluster

TOPIC_CONFIG_DOC = "https://kafka.apache.org/documentation/#topicconfigs"


def _topics_or_not_assessed(cluster: KafkaCluster) -> Outcome | None:
    if cluster.topics is None:
        return not_assessed(cluster.resource_id("cluster"), not_collected(cluster, "The topic list"))
    return None


@rule(
    id="KAFKA-TOPIC-002",
    title="Topics are replicated enough",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.3 Delivery semantics: at-least-once or exactly-once delivery",
    rationale="A topic with fewer replicas than required loses acknowledged records when a broker's disk fails.",
    remediation="Raise the topic's replication factor with kafka-reassign-partitions, and set default.replication.factor for new topics.",
    references=["https://kafka.apache.org/documentation/#basic_ops_increase_replication_factor"],
    tags=["durability"],
    params={
        "min_replication_factor": Param(
            3, "Minimum replication factor. Capped by the number of brokers, and the cap is reported."
        )
    },
)
def replication_factor(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if (unavailable := _topics_or_not_assessed(cluster)) is not None:
        yield unavailable
        return

    wanted = params["min_replication_factor"]
    brokers = len(cluster.brokers)
    required = min(wanted, brokers) if brokers else wanted
    capped = f" (the rule asks for {wanted}, capped by the cluster's {brokers} broker(s))" if required < wanted else ""

    for topic in user_topics(cluster):
        resource = cluster.resource_id("topic", topic.name)
        evidence = {"replication_factor": topic.replication_factor, "required": required, "configured_minimum": wanted, "brokers": brokers}
        if topic.replication_factor >= required:
            yield passed(resource, f"Topic {topic.name} has replication factor {topic.replication_factor}{capped}.", **evidence)
        else:
            yield failed(resource, f"Topic {topic.name} has replication factor {topic.replication_factor}, below {required}{capped}.", **evidence)


@rule(
    id="KAFKA-TOPIC-003",
    title="min.insync.replicas is at least 2 and below the replication factor",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.3 Delivery semantics: at-least-once or exactly-once delivery",
    rationale=(
        "With acks=all, min.insync.replicas=1 acknowledges a write held by a single broker. A value equal to the "
        "replication factor blocks producers as soon as one replica is down."
    ),
    remediation="Set min.insync.replicas=2 on the topic (or broker-wide) with a replication factor of at least 3.",
    references=[f"{TOPIC_CONFIG_DOC}_min.insync.replicas"],
    tags=["durability"],
)
def min_insync_replicas(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if (unavailable := _topics_or_not_assessed(cluster)) is not None:
        yield unavailable
        return

    for topic in user_topics(cluster):
        resource = cluster.resource_id("topic", topic.name)
        raw = topic.config("min.insync.replicas")
        if raw is None or not raw.strip().isdigit():
            yield not_assessed(resource, f"The effective min.insync.replicas of topic {topic.name} was not collected.")
            continue

        value = int(raw)
        evidence = {"min.insync.replicas": value, "replication_factor": topic.replication_factor}
        if value < 2:
            yield failed(resource, f"Topic {topic.name} has min.insync.replicas={value}, below 2.", **evidence)
        elif value >= topic.replication_factor:
            yield failed(resource, f"Topic {topic.name} has min.insync.replicas={value}, not below its replication factor {topic.replication_factor}.", **evidence)
        else:
            yield passed(resource, f"Topic {topic.name} has min.insync.replicas={value} with replication factor {topic.replication_factor}.", **evidence)


@rule(
    id="KAFKA-TOPIC-004",
    title="Unclean leader election is off",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.3 Delivery semantics: at-least-once or exactly-once delivery",
    rationale="Unclean leader election lets an out-of-sync replica become leader, which silently drops acknowledged records.",
    remediation="Set unclean.leader.election.enable=false on the topic and broker-wide.",
    references=[f"{TOPIC_CONFIG_DOC}_unclean.leader.election.enable"],
    tags=["durability"],
)
def unclean_election_off(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if (unavailable := _topics_or_not_assessed(cluster)) is not None:
        yield unavailable
        return

    for topic in user_topics(cluster):
        resource = cluster.resource_id("topic", topic.name)
        value = topic.config("unclean.leader.election.enable")
        if value is None:
            yield not_assessed(resource, f"The effective unclean.leader.election.enable of topic {topic.name} was not collected.")
        elif value.strip().lower() == "false":
            yield passed(resource, f"Topic {topic.name} has unclean leader election off.", **{"unclean.leader.election.enable": value})
        else:
            yield failed(resource, f"Topic {topic.name} allows unclean leader election.", **{"unclean.leader.election.enable": value})


@rule(
    id="KAFKA-CLUSTER-001",
    title="Automatic topic creation is off",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.broker",
    principle="Governance: event contracts are versioned and enforced",
    rationale="With auto.create.topics.enable=true a typo in a producer creates an ungoverned topic with default settings and no ACL review.",
    remediation="Set auto.create.topics.enable=false on every broker and create topics through a reviewed process.",
    references=["https://kafka.apache.org/documentation/#brokerconfigs_auto.create.topics.enable"],
    tags=["governance"],
)
def auto_create_off(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    for broker in cluster.brokers:
        resource = cluster.resource_id("broker", broker.id)
        value = broker.config("auto.create.topics.enable")
        if value is None:
            yield not_assessed(resource, f"auto.create.topics.enable of broker {broker.id} was not collected.")
        elif value.strip().lower() == "false":
            yield passed(resource, f"Broker {broker.id} does not create topics automatically.", **{"auto.create.topics.enable": value})
        else:
            yield failed(resource, f"Broker {broker.id} creates topics automatically.", **{"auto.create.topics.enable": value})
