"""Model-level tests of the rules on anonymous access, SCRAM, default-deny, broad grants and super users."""

from scanner.model.kafka import AclState, ScramCredential
from scanner.model.kafka_probes import AccessProbe, ProbeStatus
from tests.kafka.builders import access, acl, broker, cluster, listener, run_rule, statuses, topic

CLUSTER = "kafka/prod/cluster"
SASL = "kafka/prod/listener/SASL_SSL"
SEEN = dict(topics=["orders.created.v1", "payments.settled.v1"], brokers_visible=3, cluster_described=True, cluster_operations=["DESCRIBE", "ALTER"])


def test_auth002_anonymous_client_saw_topics_fails():
    outcomes = run_rule("KAFKA-AUTH-002", cluster(anonymous_probes=[access(**SEEN)]))
    assert statuses(outcomes) == {SASL: "FAIL"}
    assert outcomes[0].evidence["topics"] == ["orders.created.v1", "payments.settled.v1"]
    assert outcomes[0].evidence["cluster_described"] is True
    assert "2 topic(s)" in outcomes[0].message


def test_auth002_refused_or_blind_passes():
    refused = access(refused=True, refusal="_TRANSPORT: Disconnected", topics=None)
    assert statuses(run_rule("KAFKA-AUTH-002", cluster(anonymous_probes=[refused]))) == {SASL: "PASS"}
    blind = access(brokers_visible=1, cluster_described=False)
    outcomes = run_rule("KAFKA-AUTH-002", cluster(anonymous_probes=[blind]))
    assert statuses(outcomes) == {SASL: "PASS"}
    assert "saw no topic" in outcomes[0].message


def test_auth002_disabled_probe_not_assessed():
    disabled = AccessProbe(listener="SASL_SSL", status=ProbeStatus.DISABLED, reason="the anonymous probe is disabled (probes.anonymous: false)")
    outcomes = run_rule("KAFKA-AUTH-002", cluster(anonymous_probes=[disabled]))
    assert statuses(outcomes) == {SASL: "NOT_ASSESSED"}
    assert "is disabled" in outcomes[0].message


def test_auth002_anonymous_acl_and_super_user_fail():
    bindings = [acl("User:ANONYMOUS", "READ", "TOPIC", "orders"), acl("User:ANONYMOUS", "WRITE", "TOPIC", "orders", permission="DENY")]
    unit = cluster([broker(listener("SASL_SSL", "SASL_SSL"), super_users="User:admin;User:ANONYMOUS")], acls=bindings, anonymous_probes=[access()])
    outcomes = run_rule("KAFKA-AUTH-002", unit)
    assert statuses(outcomes) == {
        CLUSTER: "FAIL",
        "kafka/prod/acl/TOPIC/LITERAL/orders/User:ANONYMOUS/*/READ/ALLOW": "FAIL",
        SASL: "PASS",
    }


def test_auth003_mechanism_and_iterations():
    credentials = [
        ScramCredential(user="app", mechanism="SCRAM-SHA-512", iterations=4096),
        ScramCredential(user="old", mechanism="SCRAM-SHA-256", iterations=8192),
        ScramCredential(user="good", mechanism="SCRAM-SHA-512", iterations=8192),
    ]
    outcomes = run_rule("KAFKA-AUTH-003", cluster(scram_credentials=credentials))
    assert statuses(outcomes) == {
        "kafka/prod/scram/app/SCRAM-SHA-512": "FAIL",
        "kafka/prod/scram/good/SCRAM-SHA-512": "PASS",
        "kafka/prod/scram/old/SCRAM-SHA-256": "FAIL",
    }
    assert statuses(run_rule("KAFKA-AUTH-003", cluster(scram_credentials=credentials), min_scram_iterations=4096))["kafka/prod/scram/app/SCRAM-SHA-512"] == "PASS"


def test_auth003_none_and_uncollected():
    assert statuses(run_rule("KAFKA-AUTH-003", cluster(scram_credentials=[]))) == {CLUSTER: "NOT_APPLICABLE"}
    assert statuses(run_rule("KAFKA-AUTH-003", cluster(scram_credentials=None))) == {CLUSTER: "NOT_ASSESSED"}


def low_privilege(**fields) -> AccessProbe:
    values = {"principal": "User:probe", "addresses": ["kafka:9092"], "status": ProbeStatus.COMPLETED, "refused": False, "topics": []}
    return AccessProbe(listener="SASL_SSL", **(values | fields))


def test_acl002_probe_sees_topic_without_acl_fails():
    topics = [topic("orders.created.v1"), topic("lonely.topic.v1")]
    bindings = [acl("User:app", "READ", "TOPIC", "orders.created.v1")]
    unit = cluster(topics=topics, acls=bindings, low_privilege_probe=low_privilege(topics=["lonely.topic.v1"]))
    outcomes = run_rule("KAFKA-ACL-002", unit)
    assert statuses(outcomes) == {CLUSTER: "FAIL"}
    assert outcomes[0].evidence["topics_visible_without_acl"] == ["lonely.topic.v1"]


def test_acl002_topic_granted_to_wildcard_principal_is_explained():
    bindings = [acl("User:*", "DESCRIBE", "TOPIC", "public.", pattern="PREFIXED")]
    unit = cluster(topics=[topic("public.news.v1")], acls=bindings, low_privilege_probe=low_privilege(topics=["public.news.v1"]))
    outcomes = run_rule("KAFKA-ACL-002", unit)
    assert statuses(outcomes) == {CLUSTER: "PASS"}


def test_acl002_blind_probe_passes_and_file_fact_decides():
    unit = cluster(topics=[topic("lonely.topic.v1")], low_privilege_probe=low_privilege())
    outcomes = run_rule("KAFKA-ACL-002", unit)
    assert statuses(outcomes) == {CLUSTER: "PASS"}
    assert outcomes[0].evidence["topics_without_any_acl"] == ["lonely.topic.v1"]

    from_file = cluster([broker(allow_everyone_if_no_acl_found="true")])
    assert statuses(run_rule("KAFKA-ACL-002", from_file)) == {CLUSTER: "FAIL"}
    off = cluster([broker(allow_everyone_if_no_acl_found="false")])
    assert statuses(run_rule("KAFKA-ACL-002", off)) == {CLUSTER: "PASS"}


def test_acl002_nothing_known_not_assessed():
    outcomes = run_rule("KAFKA-ACL-002", cluster(low_privilege_probe=AccessProbe(listener="bootstrap", status=ProbeStatus.DISABLED, reason="not configured")))
    assert statuses(outcomes) == {CLUSTER: "NOT_ASSESSED"}
    assert "sensitive" in outcomes[0].message
    no_authorizer = cluster([broker(authorizer_class_name="")], acl_state=AclState.SECURITY_DISABLED)
    assert statuses(run_rule("KAFKA-ACL-002", no_authorizer)) == {CLUSTER: "NOT_APPLICABLE"}


def test_acl004_wildcard_and_empty_prefix_grants():
    bindings = [
        acl("User:app", "ALL", "TOPIC", "*"),
        acl("User:etl", "WRITE", "TOPIC", "", pattern="PREFIXED"),
        acl("User:reader", "READ", "TOPIC", "*"),
        acl("User:ops", "ALTER", "GROUP", "*"),
        acl("User:team", "WRITE", "TOPIC", "team.", pattern="PREFIXED"),
        acl("User:blocked", "DELETE", "TOPIC", "*"),
        acl("User:blocked", "ALL", "TOPIC", "*", permission="DENY"),
    ]
    outcomes = run_rule("KAFKA-ACL-004", cluster(acls=bindings), admin_principals=["ops"])
    assert statuses(outcomes) == {
        "kafka/prod/acl/TOPIC/LITERAL/*/User:app/*/ALL/ALLOW": "FAIL",
        "kafka/prod/acl/TOPIC/PREFIXED//User:etl/*/WRITE/ALLOW": "FAIL",
    }
    assert outcomes[0].evidence["binding"] == "ALLOW User:app from * ALL on TOPIC:LITERAL:*"


def test_acl004_no_broad_grant_passes():
    assert statuses(run_rule("KAFKA-ACL-004", cluster(acls=[acl("User:app", "READ", "TOPIC", "*")]))) == {CLUSTER: "PASS"}


def test_acl006_cluster_grants():
    bindings = [
        acl("User:app", "ALTER", "CLUSTER", "kafka-cluster"),
        acl("User:ops", "ALL", "CLUSTER", "kafka-cluster"),
        acl("User:scanner", "DESCRIBE", "CLUSTER", "kafka-cluster"),
        acl("User:etl", "ALTER_CONFIGS", "CLUSTER", "kafka-cluster"),
        acl("User:etl", "ALTER_CONFIGS", "CLUSTER", "kafka-cluster", permission="DENY"),
    ]
    outcomes = run_rule("KAFKA-ACL-006", cluster(acls=bindings))
    assert statuses(outcomes) == {
        "kafka/prod/acl/CLUSTER/LITERAL/kafka-cluster/User:app/*/ALTER/ALLOW": "FAIL",
        "kafka/prod/acl/CLUSTER/LITERAL/kafka-cluster/User:ops/*/ALL/ALLOW": "FAIL",
    }
    exempt = run_rule("KAFKA-ACL-006", cluster(acls=bindings), admin_principals=["User:app", "User:ops"])
    assert statuses(exempt) == {CLUSTER: "PASS"}


def test_acl007_super_users():
    few = cluster([broker(super_users="User:admin;User:kafka-broker")])
    outcomes = run_rule("KAFKA-ACL-007", few)
    assert statuses(outcomes) == {CLUSTER: "PASS"}
    assert outcomes[0].evidence["super_users"] == ["User:admin", "User:kafka-broker"]

    many = cluster([broker(super_users="User:a;User:b;User:c;User:d")])
    assert statuses(run_rule("KAFKA-ACL-007", many)) == {CLUSTER: "FAIL"}
    assert statuses(run_rule("KAFKA-ACL-007", many, max_super_users=4)) == {CLUSTER: "PASS"}
    unnamed = run_rule("KAFKA-ACL-007", cluster([broker(super_users="User:admin;User:*")]))
    assert statuses(unnamed) == {CLUSTER: "FAIL"}
    assert "User:* is not a named principal" in unnamed[0].message


def test_acl007_sensitive_value_not_assessed():
    hidden = broker()
    hidden = hidden.model_copy(update={"configs": hidden.configs | {"super.users": hidden.configs["authorizer.class.name"].model_copy(update={"value": None, "sensitive": True})}})
    outcomes = run_rule("KAFKA-ACL-007", cluster([hidden]))
    assert statuses(outcomes) == {CLUSTER: "NOT_ASSESSED"}
    assert "server.properties" in outcomes[0].message
