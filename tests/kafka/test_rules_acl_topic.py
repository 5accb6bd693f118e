"""Model-level tests of the Kafka authorization, topic and cluster rules."""

from scanner.model.kafka import AclState
from tests.kafka.builders import acl, broker, cluster, listener, run_rule, statuses, topic

CLUSTER = "kafka/prod/cluster"


def test_acl001_authorizer_passes():
    outcomes = run_rule("KAFKA-ACL-001", cluster())
    assert statuses(outcomes) == {CLUSTER: "PASS"}
    assert "StandardAuthorizer" in outcomes[0].message


def test_acl001_security_disabled_fails():
    unit = cluster([broker(listener("PLAINTEXT", "PLAINTEXT"), authorizer_class_name="")], acl_state=AclState.SECURITY_DISABLED)
    outcomes = run_rule("KAFKA-ACL-001", unit)
    assert statuses(outcomes) == {CLUSTER: "FAIL"}
    assert outcomes[0].evidence["describe_acls"] == "security_disabled"


def test_acl001_one_broker_without_authorizer_fails():
    brokers = [broker(broker_id=1), broker(broker_id=2, authorizer_class_name=None)]
    outcomes = run_rule("KAFKA-ACL-001", cluster(brokers))
    assert statuses(outcomes) == {CLUSTER: "FAIL"}
    assert "broker(s) 2" in outcomes[0].message


def test_acl001_nothing_collected_not_assessed():
    unit = cluster([broker().model_copy(update={"configs": None})], acl_state=AclState.DENIED, acls=None)
    assert statuses(run_rule("KAFKA-ACL-001", unit)) == {CLUSTER: "NOT_ASSESSED"}


def test_acl003_wildcard_principal_fails_with_binding():
    bindings = [acl("User:*", "READ", "TOPIC", "orders"), acl("User:app", "READ", "TOPIC", "orders")]
    outcomes = run_rule("KAFKA-ACL-003", cluster(acls=bindings))
    assert [outcome.status.value for outcome in outcomes] == ["FAIL"]
    assert outcomes[0].evidence["binding"] == "ALLOW User:* from * READ on TOPIC:LITERAL:orders"
    assert outcomes[0].resource_id == "kafka/prod/acl/TOPIC/LITERAL/orders/User:*/*/READ/ALLOW"


def test_acl003_deny_and_tolerated_operations_pass():
    bindings = [acl("User:*", "WRITE", "TOPIC", "audit", permission="DENY"), acl("User:*", "DESCRIBE", "TOPIC", "*")]
    assert statuses(run_rule("KAFKA-ACL-003", cluster(acls=bindings), wildcard_principal_allowed_operations=["describe"])) == {CLUSTER: "PASS"}
    assert statuses(run_rule("KAFKA-ACL-003", cluster(acls=bindings))) != {CLUSTER: "PASS"}


def test_acl003_without_acls():
    assert statuses(run_rule("KAFKA-ACL-003", cluster(acl_state=AclState.SECURITY_DISABLED))) == {CLUSTER: "NOT_APPLICABLE"}
    assert statuses(run_rule("KAFKA-ACL-003", cluster(acl_state=AclState.DENIED, acls=None))) == {CLUSTER: "NOT_ASSESSED"}


def test_acl005_literal_and_prefixed_pass_wildcards_do_not_count():
    topics = [topic("orders.created.v1"), topic("payments.settled.v1"), topic("audit.log.v1"), topic("misc"), topic("__consumer_offsets")]
    bindings = [
        acl("User:app", "READ", "TOPIC", "orders.created.v1"),
        acl("User:app", "WRITE", "TOPIC", "payments.", pattern="PREFIXED"),
        acl("User:scanner", "DESCRIBE", "TOPIC", "*"),
        acl("User:ops", "READ", "TOPIC", "", pattern="PREFIXED"),
        acl("User:app", "READ", "TOPIC", "audit.log.v2"),
        acl("User:app", "READ", "GROUP", "misc"),
    ]
    outcomes = run_rule("KAFKA-ACL-005", cluster(topics=topics, acls=bindings))
    assert statuses(outcomes) == {
        "kafka/prod/topic/audit.log.v1": "FAIL",
        "kafka/prod/topic/misc": "FAIL",
        "kafka/prod/topic/orders.created.v1": "PASS",
        "kafka/prod/topic/payments.settled.v1": "PASS",
    }


def test_acl005_acls_not_collected():
    unit = cluster(topics=[topic("orders")], acl_state=AclState.DENIED, acls=None)
    assert statuses(run_rule("KAFKA-ACL-005", unit)) == {CLUSTER: "NOT_ASSESSED"}


def test_acl005_no_authorizer_fails_every_topic():
    unit = cluster(topics=[topic("orders")], acl_state=AclState.SECURITY_DISABLED, acls=None)
    assert statuses(run_rule("KAFKA-ACL-005", unit)) == {"kafka/prod/topic/orders": "FAIL"}


def test_topic002_replication_factor():
    brokers = [broker(broker_id=index) for index in (1, 2, 3)]
    unit = cluster(brokers, topics=[topic("low", replication_factor=1), topic("ok", replication_factor=3)])
    outcomes = run_rule("KAFKA-TOPIC-002", unit)
    assert statuses(outcomes) == {"kafka/prod/topic/low": "FAIL", "kafka/prod/topic/ok": "PASS"}
    assert outcomes[0].evidence["required"] == 3


def test_topic002_capped_by_broker_count():
    outcomes = run_rule("KAFKA-TOPIC-002", cluster(topics=[topic("single", replication_factor=1)]))
    assert statuses(outcomes) == {"kafka/prod/topic/single": "PASS"}
    assert "capped" in outcomes[0].message
    assert outcomes[0].evidence["configured_minimum"] == 3


def test_topic003_min_insync():
    topics = [
        topic("one", min_insync_replicas="1"),
        topic("two", min_insync_replicas="2"),
        topic("equal", min_insync_replicas="3"),
        topic("unknown", min_insync_replicas=None),
    ]
    assert statuses(run_rule("KAFKA-TOPIC-003", cluster(topics=topics))) == {
        "kafka/prod/topic/one": "FAIL",
        "kafka/prod/topic/two": "PASS",
        "kafka/prod/topic/equal": "FAIL",
        "kafka/prod/topic/unknown": "NOT_ASSESSED",
    }


def test_topic004_unclean_election():
    topics = [topic("on", unclean_leader_election_enable="true"), topic("off")]
    assert statuses(run_rule("KAFKA-TOPIC-004", cluster(topics=topics))) == {"kafka/prod/topic/on": "FAIL", "kafka/prod/topic/off": "PASS"}


def test_topic_rules_without_topic_list():
    for rule_id in ("KAFKA-TOPIC-002", "KAFKA-TOPIC-003", "KAFKA-TOPIC-004"):
        unit = cluster().model_copy(update={"topics": None})
        assert statuses(run_rule(rule_id, unit)) == {CLUSTER: "NOT_ASSESSED"}, rule_id


def test_cluster001_auto_create():
    brokers = [broker(broker_id=1, auto_create_topics_enable="true"), broker(broker_id=2), broker(broker_id=3, auto_create_topics_enable=None)]
    assert statuses(run_rule("KAFKA-CLUSTER-001", cluster(brokers))) == {
        "kafka/prod/broker/1": "FAIL",
        "kafka/prod/broker/2": "PASS",
        "kafka/prod/broker/3": "NOT_ASSESSED",
    }


def test_acl003_empty_acls_without_authorizer_not_applicable():
    unit = cluster([broker(listener("PLAINTEXT", "PLAINTEXT"), authorizer_class_name="")], acls=[])
    assert statuses(run_rule("KAFKA-ACL-003", unit)) == {CLUSTER: "NOT_APPLICABLE"}
    assert statuses(run_rule("KAFKA-ACL-001", unit)) == {CLUSTER: "FAIL"}
