"""Kafka rules on topic governance: naming, dead letter topics and one environment per cluster."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules._kafka import not_collected, user_topics
from rules.base import Outcome, Param, Params, failed, not_assessed, passed, rule
from rules.kafka_acl import acls_not_collected
from scanner.acl import AclIndex
from scanner.findings import Severity
from scanner.model.kafka import KafkaCluster

# domain.event.version, such as orders.created.v1, optionally followed by one
# qualifier segment such as .dlq or .retry.
DEFAULT_TOPIC_PATTERN = r"^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*\.v[0-9]+(\.[a-z0-9_-]+)?$"
DEFAULT_ENVIRONMENT_MARKERS = {
    "prod": ["prod", "prd", "production"],
    "non-prod": ["nonprod", "non-prod", "dev", "develop", "test", "qa", "uat", "staging", "stage", "stg", "preprod"],
    "sandbox": ["sandbox", "sbx", "playground"],
}
SHOWN = 10


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"topic_name_pattern {pattern!r} is not a valid regular expression ({exc}); fix rules.params.KAFKA-TOPIC-001") from exc


@rule(
    id="KAFKA-TOPIC-001",
    title="Topic names follow domain.event.version",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.2 Cluster design and topics: use clear topic naming (domain.event.version)",
    rationale="A name that states the domain, the event and the contract version tells owners, consumers and reviewers what a topic carries and which schema applies.",
    remediation="Create a topic named after the pattern, move producers and consumers to it, and delete the old topic.",
    references=["https://kafka.apache.org/documentation/#basic_ops_add_topic"],
    tags=["governance"],
    params={"topic_name_pattern": Param(DEFAULT_TOPIC_PATTERN, "Regular expression that every non-internal topic name must match in full.")},
)
def topic_names(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    pattern = _compile(params["topic_name_pattern"])
    if cluster.topics is None:
        yield not_assessed(cluster.resource_id("cluster"), not_collected(cluster, "The topic list"))
        return
    for topic in user_topics(cluster):
        resource = cluster.resource_id("topic", topic.name)
        evidence = {"topic": topic.name, "pattern": pattern.pattern}
        if pattern.fullmatch(topic.name):
            yield passed(resource, f"Topic {topic.name} follows the naming pattern.", **evidence)
        else:
            yield failed(resource, f"Topic {topic.name} does not match {pattern.pattern}.", **evidence)


def dlq_name(template: str, topic: str) -> str:
    """Return the dead letter topic name for `topic`; raise ValueError when the template lacks ``{topic}``."""
    if "{topic}" not in template:
        raise ValueError(f"dlq_name_template {template!r} must contain '{{topic}}'; fix rules.params.KAFKA-DLQ-001")
    return template.replace("{topic}", topic)


@rule(
    id="KAFKA-DLQ-001",
    title="Each consumed topic has a dead letter topic",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.3 Delivery semantics: DLQ all poison messages",
    rationale=(
        "A consumer that cannot process a record must park it somewhere, or it either blocks the partition or drops the record. "
        "A topic counts as consumed when an ALLOW binding grants some principal READ (or ALL) on it and no DENY cancels it; "
        "topics whose name is the dead letter name of another topic are dead letter topics themselves."
    ),
    remediation="Create the dead letter topic named by dlq_name_template, and grant the consumers WRITE on it.",
    references=["https://kafka.apache.org/documentation/#connect_errorreporting"],
    tags=["delivery"],
    params={"dlq_name_template": Param("{topic}.dlq", "Name of a topic's dead letter topic; {topic} is replaced by the topic name.")},
)
def dead_letter_topics(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    template = params["dlq_name_template"]
    dlq_name(template, "check")
    if cluster.topics is None:
        yield not_assessed(cluster.resource_id("cluster"), not_collected(cluster, "The topic list"))
        return
    if cluster.acls is None:
        yield not_assessed(cluster.resource_id("cluster"), "Consumed topics are derived from READ ACL bindings. " + acls_not_collected(cluster))
        return

    index = AclIndex(cluster.acls)
    readers = AclIndex(binding for binding in cluster.acls if binding.permission == "ALLOW" and binding.operation in ("READ", "ALL"))
    topics = user_topics(cluster)
    names = {topic.name for topic in cluster.topics}
    dead_letter_names = {dlq_name(template, topic.name) for topic in topics}

    for topic in topics:
        if topic.name in dead_letter_names:
            continue
        principals = sorted({binding.principal for binding in readers.matching("TOPIC", topic.name)})
        consumers = [principal for principal in principals if index.authorize(principal, "READ", "TOPIC", topic.name).allowed]
        if not consumers:
            continue
        resource = cluster.resource_id("topic", topic.name)
        expected = dlq_name(template, topic.name)
        evidence = {"topic": topic.name, "consumers": consumers[:SHOWN], "dead_letter_topic": expected, "template": template}
        if expected in names:
            yield passed(resource, f"Consumed topic {topic.name} has dead letter topic {expected}.", **evidence)
        else:
            yield failed(resource, f"Topic {topic.name} is consumed by {', '.join(consumers[:3])} but dead letter topic {expected} does not exist.", **evidence)


def _markers(params: Params) -> list[tuple[str, str]]:
    """Return (marker, environment) pairs, longest marker first, so 'non-prod' is found before 'prod'."""
    pairs = [(marker.lower(), environment) for environment, markers in params["environment_markers"].items() for marker in markers]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def environments_in(text: str, markers: list[tuple[str, str]]) -> set[str]:
    """Return the environments whose markers occur in `text` as whole words (split on anything but letters and digits)."""
    found = set()
    remaining = text.lower()
    for marker, environment in markers:
        pattern = re.compile(rf"(?<![a-z0-9]){re.escape(marker)}(?![a-z0-9])")
        if pattern.search(remaining):
            found.add(environment)
            remaining = pattern.sub(" ", remaining)
    return found


@rule(
    id="KAFKA-ENV-001",
    title="One cluster serves one environment",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.cluster",
    principle="Kafka §1.2 Cluster design and topics: separate clusters for prod, non-prod and sandbox",
    rationale=(
        "Test traffic on a production cluster shares its quotas, ACLs and failure domain; production data on a test cluster "
        "escapes production controls. Topic names and broker host names that carry another environment's marker show a mix."
    ),
    remediation="Move the other environment's topics to its own cluster, and set the target's environment label.",
    references=["https://kafka.apache.org/documentation/#multitenancy"],
    tags=["governance"],
    params={"environment_markers": Param(DEFAULT_ENVIRONMENT_MARKERS, "Environment name to the words that mark it in topic and host names.")},
)
def one_environment(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    resource = cluster.resource_id("cluster")
    markers = _markers(params)
    label = (cluster.environment or "").lower()
    expected = next((env for env, words in params["environment_markers"].items() if label == env.lower() or label in [w.lower() for w in words]), None)

    facts: dict[str, list[str]] = {}
    hosts = sorted({host for broker in cluster.brokers for host in (broker.host, *(l.advertised_host for l in broker.listeners)) if host})
    for host in hosts:
        for environment in environments_in(host, markers):
            facts.setdefault(environment, []).append(f"host {host}")
    for topic in user_topics(cluster):
        for environment in environments_in(topic.name, markers):
            facts.setdefault(environment, []).append(f"topic {topic.name}")

    seen = sorted(facts)
    evidence = {"environment": cluster.environment, "expected": expected, "environments_seen": {env: facts[env][:SHOWN] for env in seen}}
    if cluster.topics is None:
        evidence["note"] = not_collected(cluster, "The topic list")
    others = [env for env in seen if env != expected]

    if cluster.environment and expected is None:
        yield not_assessed(resource, f"The environment label {cluster.environment!r} is not a key or marker of environment_markers.", **evidence)
    elif expected is not None and others:
        yield failed(resource, f"The {expected} cluster also shows {', '.join(others)} markers: {'; '.join(facts[others[0]][:3])}.", **evidence)
    elif expected is None and len(seen) > 1:
        yield failed(resource, f"The cluster shows markers of {len(seen)} environments ({', '.join(seen)}); set its environment label.", **evidence)
    elif expected is None and cluster.topics is None:
        yield not_assessed(resource, "The target has no environment label and its topics were not collected.", **evidence)
    else:
        shown = expected or (seen[0] if seen else "no environment marker")
        yield passed(resource, f"The cluster serves one environment ({shown}).", **evidence)
