"""Model-level tests of the Kafka TLS and authentication rules."""

from scanner.model.kafka import ListenerRole as Role
from tests.kafka.builders import broker, cluster, listener, run_rule, statuses

LISTENER = "kafka/prod/broker/1/listener/"


def test_tls001_plaintext_client_listener_fails():
    unit = cluster([broker(listener("PLAINTEXT", "PLAINTEXT", Role.CLIENT), listener("SSL", "SSL", Role.CLIENT))])
    outcomes = run_rule("KAFKA-TLS-001", unit)
    assert statuses(outcomes) == {LISTENER + "PLAINTEXT": "FAIL", LISTENER + "SSL": "PASS"}
    assert outcomes[0].evidence["security_protocol"] == "PLAINTEXT"


def test_tls001_ignores_controller_listener():
    unit = cluster([broker(listener("CONTROLLER", "PLAINTEXT", Role.CONTROLLER), listener("SASL_SSL", "SASL_SSL"))])
    assert statuses(run_rule("KAFKA-TLS-001", unit)) == {LISTENER + "SASL_SSL": "PASS"}


def test_tls001_broker_without_configs_not_assessed():
    unit = cluster([broker().model_copy(update={"configs": None, "listeners": []})])
    assert statuses(run_rule("KAFKA-TLS-001", unit)) == {"kafka/prod/broker/1": "NOT_ASSESSED"}


def test_tls002_internal_listeners():
    unit = cluster(
        [
            broker(
                listener("CONTROLLER", "PLAINTEXT", Role.CONTROLLER),
                listener("REPLICATION", "SSL", Role.CLIENT, Role.INTER_BROKER),
                listener("CLIENTS", "PLAINTEXT", Role.CLIENT),
            )
        ]
    )
    outcomes = run_rule("KAFKA-TLS-002", unit)
    assert statuses(outcomes) == {LISTENER + "CONTROLLER": "FAIL", LISTENER + "REPLICATION": "PASS"}
    assert "controller" in outcomes[0].message


def test_tls003_base_value_passes():
    unit = cluster([broker(listener("SSL", "SSL", ssl_enabled_protocols=["TLSv1.2", "TLSv1.3"]))])
    outcomes = run_rule("KAFKA-TLS-003", unit)
    assert statuses(outcomes) == {LISTENER + "SSL": "PASS"}
    assert outcomes[0].evidence["config"] == "ssl.enabled.protocols"


def test_tls003_listener_override_fails():
    weak = listener("EXTERNAL", "SASL_SSL", ssl_enabled_protocols=["TLSv1.1", "TLSv1.2"], overrides=["ssl.enabled.protocols"])
    outcomes = run_rule("KAFKA-TLS-003", cluster([broker(weak)]))
    assert statuses(outcomes) == {LISTENER + "EXTERNAL": "FAIL"}
    assert outcomes[0].evidence["config"] == "listener.name.external.ssl.enabled.protocols"
    assert outcomes[0].evidence["value"] == "TLSv1.1,TLSv1.2"


def test_tls003_plaintext_not_applicable_and_unknown_not_assessed():
    unit = cluster([broker(listener("PLAINTEXT", "PLAINTEXT"), listener("SSL", "SSL", ssl_enabled_protocols=None))])
    assert statuses(run_rule("KAFKA-TLS-003", unit)) == {LISTENER + "PLAINTEXT": "NOT_APPLICABLE", LISTENER + "SSL": "NOT_ASSESSED"}


def test_auth001_plaintext_fails():
    outcomes = run_rule("KAFKA-AUTH-001", cluster([broker(listener("PLAINTEXT", "PLAINTEXT"))]))
    assert statuses(outcomes) == {LISTENER + "PLAINTEXT": "FAIL"}
    assert outcomes[0].evidence["authentication_methods"] == []


def test_auth001_scram_unapproved_by_default():
    unit = cluster([broker(listener("SASL_SSL", "SASL_SSL", sasl_mechanisms=["SCRAM-SHA-512"]))])
    assert statuses(run_rule("KAFKA-AUTH-001", unit)) == {LISTENER + "SASL_SSL": "FAIL"}
    approved = run_rule("KAFKA-AUTH-001", unit, approved_methods=["mtls", "GSSAPI", "scram-sha-512"])
    assert statuses(approved) == {LISTENER + "SASL_SSL": "PASS"}


def test_auth001_one_unapproved_mechanism_fails():
    unit = cluster([broker(listener("SASL_SSL", "SASL_SSL", sasl_mechanisms=["GSSAPI", "PLAIN"]))])
    outcomes = run_rule("KAFKA-AUTH-001", unit)
    assert statuses(outcomes) == {LISTENER + "SASL_SSL": "FAIL"}
    assert "PLAIN" in outcomes[0].message


def test_auth001_plain_without_tls_always_fails():
    unit = cluster([broker(listener("SASL_PLAINTEXT", "SASL_PLAINTEXT", sasl_mechanisms=["PLAIN"]))])
    outcomes = run_rule("KAFKA-AUTH-001", unit, approved_methods=["PLAIN"])
    assert statuses(outcomes) == {LISTENER + "SASL_PLAINTEXT": "FAIL"}
    assert "clear text" in outcomes[0].message


def test_auth001_mtls_passes_and_requested_fails():
    unit = cluster(
        [broker(listener("MTLS", "SSL", ssl_client_auth="required"), listener("TLS", "SSL", ssl_client_auth="requested"))]
    )
    assert statuses(run_rule("KAFKA-AUTH-001", unit)) == {LISTENER + "MTLS": "PASS", LISTENER + "TLS": "FAIL"}
