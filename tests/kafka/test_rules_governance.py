"""Model-level tests of topic naming, dead letter topics and one environment per cluster."""

import pytest

from rules.base import Outcome
from scanner.model.kafka import AclState
from tests.kafka.builders import acl, broker, cluster, listener, run_rule, statuses, topic

CLUSTER = "kafka/prod/cluster"
TOPIC = "kafka/prod/topic/"


def test_topic001_pattern_and_internal_topics():
    topics = [topic("orders.created.v1"), topic("orders.created.v1.dlq"), topic("Orders"), topic("tmp-debug"), topic("__consumer_offsets")]
    outcomes = run_rule("KAFKA-TOPIC-001", cluster(topics=topics))
    assert statuses(outcomes) == {
        TOPIC + "orders.created.v1": "PASS",
        TOPIC + "orders.created.v1.dlq": "PASS",
        TOPIC + "Orders": "FAIL",
        TOPIC + "tmp-debug": "FAIL",
    }
    custom = run_rule("KAFKA-TOPIC-001", cluster(topics=topics), topic_name_pattern=r"[a-z-]+")
    assert statuses(custom)[TOPIC + "tmp-debug"] == "PASS"


def test_topic001_invalid_pattern_raises():
    with pytest.raises(ValueError, match="not a valid regular expression"):
        run_rule("KAFKA-TOPIC-001", cluster(topics=[topic("a")]), topic_name_pattern="(")


def test_dlq001_consumed_topics_from_read_acls():
    topics = [
        topic("orders.created.v1"),
        topic("orders.created.v1.dlq"),
        topic("payments.settled.v1"),
        topic("audit.log.v1"),
        topic("blocked.events.v1"),
    ]
    bindings = [
        acl("User:app", "READ", "TOPIC", "orders.", pattern="PREFIXED"),
        acl("User:billing", "ALL", "TOPIC", "payments.settled.v1"),
        acl("User:audit", "WRITE", "TOPIC", "audit.log.v1"),
        acl("User:app", "READ", "TOPIC", "blocked.events.v1"),
        acl("User:app", "READ", "TOPIC", "blocked.events.v1", permission="DENY"),
    ]
    outcomes = run_rule("KAFKA-DLQ-001", cluster(topics=topics, acls=bindings))
    assert statuses(outcomes) == {TOPIC + "orders.created.v1": "PASS", TOPIC + "payments.settled.v1": "FAIL"}
    failing = next(outcome for outcome in outcomes if outcome.status.value == "FAIL")
    assert failing.evidence["dead_letter_topic"] == "payments.settled.v1.dlq"
    assert failing.evidence["consumers"] == ["User:billing"]


def test_dlq001_template_and_missing_acls():
    topics = [topic("orders.created.v1"), topic("dlq.orders.created.v1")]
    bindings = [acl("User:app", "READ", "TOPIC", "*")]
    outcomes = run_rule("KAFKA-DLQ-001", cluster(topics=topics, acls=bindings), dlq_name_template="dlq.{topic}")
    assert statuses(outcomes) == {TOPIC + "orders.created.v1": "PASS"}
    with pytest.raises(ValueError, match="must contain"):
        run_rule("KAFKA-DLQ-001", cluster(topics=topics, acls=bindings), dlq_name_template="dead-letters")
    missing = run_rule("KAFKA-DLQ-001", cluster(topics=topics, acl_state=AclState.DENIED, acls=None))
    assert statuses(missing) == {CLUSTER: "NOT_ASSESSED"}
    assert "READ ACL bindings" in missing[0].message


def _env(outcomes: list[Outcome]) -> Outcome:
    [outcome] = outcomes
    return outcome


def test_env001_other_environment_topics_fail():
    topics = [topic("orders.created.v1"), topic("dev.orders.created.v1"), topic("orders-uat.created.v1")]
    outcome = _env(run_rule("KAFKA-ENV-001", cluster(topics=topics, environment="prod")))
    assert outcome.status.value == "FAIL"
    assert outcome.evidence["environments_seen"] == {"non-prod": ["topic dev.orders.created.v1", "topic orders-uat.created.v1"]}


def test_env001_non_prod_marker_is_not_prod():
    topics = [topic("non-prod.orders.created.v1"), topic("products.created.v1")]
    outcome = _env(run_rule("KAFKA-ENV-001", cluster(topics=topics, environment="non-prod")))
    assert outcome.status.value == "PASS"
    assert outcome.evidence["environments_seen"] == {"non-prod": ["topic non-prod.orders.created.v1"]}


def test_env001_host_names_and_missing_label():
    brokers = [broker(listener("SSL", "SSL").model_copy(update={"advertised_host": "kafka-1.staging.example"}))]
    topics = [topic("prod.orders.created.v1")]
    outcome = _env(run_rule("KAFKA-ENV-001", cluster(brokers, topics=topics)))
    assert outcome.status.value == "FAIL"
    assert set(outcome.evidence["environments_seen"]) == {"non-prod", "prod"}
    assert _env(run_rule("KAFKA-ENV-001", cluster(topics=[topic("orders.created.v1")], environment="production"))).status.value == "PASS"
    assert _env(run_rule("KAFKA-ENV-001", cluster(environment="qa-east"))).status.value == "NOT_ASSESSED"
