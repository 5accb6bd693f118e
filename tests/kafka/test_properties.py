"""Tests of server.properties parsing, redaction and the static (files-only) collection."""

from pathlib import Path

import pytest

from scanner.adapters.kafka.collector import collect_kafka
from scanner.adapters.kafka.config import KafkaTarget
from scanner.adapters.kafka.properties import parse_properties, read_properties_file
from scanner.errors import InputError

CANARY = "canary-9f1c2e7d"

BROKER_FILE = f"""\
# Managed by Ansible
node.id=1
process.roles = broker,controller
listeners : SASL_SSL://0.0.0.0:9093,CONTROLLER://10.0.0.1:9094,\\
    REPLICATION://10.0.0.1:9095
advertised.listeners=SASL_SSL://kafka-1.prod.example:9093,REPLICATION://10.0.0.1:9095
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL,REPLICATION:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=REPLICATION
sasl.enabled.mechanisms=GSSAPI
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=true
ssl.keystore.password={CANARY}
listener.name.sasl_ssl.gssapi.sasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required password="{CANARY}";
ssl.keystore.key=-----BEGIN PRIVATE KEY-----\\n{CANARY}\\n-----END PRIVATE KEY-----
my.custom.secret.token={CANARY}
ssl.truststore.location=/etc/kafka/truststore.jks
"""


def test_parse_java_properties_syntax():
    text = "# c\n ! c\na=1\nb : 2\nc 3\nd=x\\\n   y\ne\\ f=g\nh=\\u0041\\t\ni=\nj\nk=a\\\\\nl=z\nkey\\=x=val\n"
    assert parse_properties(text) == {
        "a": "1", "b": "2", "c": "3", "d": "xy", "e f": "g", "h": "A\t", "i": "", "j": "", "k": "a\\", "l": "z", "key=x": "val",
    }


def test_parse_last_value_wins_and_bad_escape():
    assert parse_properties("a=1\na=2\n") == {"a": "2"}
    with pytest.raises(InputError, match=r"line 2.*\\uXXXX"):
        parse_properties("a=1\nb=\\u12\n", "broker.properties")


def test_sensitive_values_dropped(tmp_path: Path):
    path = tmp_path / "server.properties"
    path.write_text(BROKER_FILE)
    described, configs = read_properties_file(path)

    assert described.node_id == 1
    assert described.sensitive_keys == [
        "listener.name.sasl_ssl.gssapi.sasl.jaas.config",
        "my.custom.secret.token",
        "ssl.keystore.key",
        "ssl.keystore.password",
    ]
    assert configs["ssl.keystore.password"].value is None
    assert configs["ssl.keystore.password"].sensitive is True
    assert configs["ssl.truststore.location"].value == "/etc/kafka/truststore.jks"
    assert configs["super.users"].file == str(path)
    assert configs["auto.create.topics.enable"].default is True
    assert CANARY not in described.model_dump_json()
    assert all(CANARY not in value.model_dump_json() for value in configs.values())


def test_file_without_node_id_and_missing_file(tmp_path: Path):
    path = tmp_path / "server.properties"
    path.write_text("listeners=PLAINTEXT://:9092\n")
    with pytest.raises(InputError, match="neither node.id nor broker.id"):
        read_properties_file(path)
    with pytest.raises(InputError, match="cannot read server.properties file"):
        read_properties_file(tmp_path / "missing.properties")


def test_static_target_builds_brokers_from_files(tmp_path: Path):
    first = tmp_path / "broker-1.properties"
    first.write_text(BROKER_FILE)
    second = tmp_path / "broker-2.properties"
    second.write_text(BROKER_FILE.replace("node.id=1", "broker.id=2").replace("kafka-1", "kafka-2"))
    [cluster], provenance = collect_kafka(KafkaTarget(name="files", server_properties=[first, second]))

    assert provenance.errors == []
    assert cluster.bootstrap is None
    assert [broker.id for broker in cluster.brokers] == [1, 2]
    assert cluster.brokers[1].host == "kafka-2.prod.example"
    names = {listener.name: listener for listener in cluster.brokers[0].listeners}
    assert set(names) == {"CONTROLLER", "REPLICATION", "SASL_SSL"}
    assert names["SASL_SSL"].advertised_host == "kafka-1.prod.example"
    assert names["SASL_SSL"].tls_probe.status == "skipped"
    assert {probe.status for probe in cluster.anonymous_probes} == {"skipped"}
    assert cluster.topics is None
    assert CANARY not in cluster.model_dump_json()


def test_static_target_rejects_duplicate_nodes(tmp_path: Path):
    path = tmp_path / "a.properties"
    path.write_text(BROKER_FILE)
    copy = tmp_path / "b.properties"
    copy.write_text(BROKER_FILE)
    with pytest.raises(InputError, match="both describe node 1"):
        collect_kafka(KafkaTarget(name="files", server_properties=[path, copy]))


def test_target_needs_bootstrap_or_files():
    with pytest.raises(ValueError, match="neither bootstrap nor server_properties"):
        KafkaTarget(name="empty")
    with pytest.raises(ValueError, match="needs 'principal'"):
        KafkaTarget(name="x", bootstrap="h:1", probes={"low_privilege": {"client": {"security.protocol": "SSL"}}})
