"""Parsing listeners out of broker configuration entries."""

from scanner.adapters.kafka.listeners import parse_listeners
from scanner.model.kafka import ListenerRole
from tests.kafka.builders import configs


def by_name(values: dict[str, str]) -> dict:
    return {listener.name: listener for listener in parse_listeners(configs(values))}


def test_kraft_combined_node():
    listeners = by_name(
        {
            "listeners": "SASL_SSL://0.0.0.0:9093,CONTROLLER://127.0.0.1:9094",
            "advertised.listeners": "SASL_SSL://kafka-1.example:9093",
            "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:SSL",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "SASL_SSL",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "ssl.client.auth": "none",
        }
    )
    client = listeners["SASL_SSL"]
    assert client.roles == [ListenerRole.CLIENT, ListenerRole.INTER_BROKER]
    assert client.advertised_host == "kafka-1.example"
    assert client.sasl_mechanisms == ["SCRAM-SHA-512"]
    assert client.ssl_enabled_protocols == ["TLSv1.2", "TLSv1.3"]
    assert listeners["CONTROLLER"].roles == [ListenerRole.CONTROLLER]
    assert listeners["CONTROLLER"].advertised_port is None


def test_listener_overrides_win():
    listeners = by_name(
        {
            "listeners": "INTERNAL://:9092,EXTERNAL://:9093",
            "listener.security.protocol.map": "INTERNAL:SASL_SSL,EXTERNAL:SSL",
            "ssl.enabled.protocols": "TLSv1.2",
            "listener.name.external.ssl.enabled.protocols": "TLSv1,TLSv1.2",
            "listener.name.external.ssl.client.auth": "required",
            "listener.name.internal.sasl.enabled.mechanisms": "GSSAPI",
        }
    )
    assert listeners["EXTERNAL"].ssl_enabled_protocols == ["TLSv1", "TLSv1.2"]
    assert listeners["EXTERNAL"].overrides == ["ssl.client.auth", "ssl.enabled.protocols"]
    assert listeners["EXTERNAL"].mutual_tls
    assert listeners["INTERNAL"].ssl_enabled_protocols == ["TLSv1.2"]
    assert listeners["INTERNAL"].sasl_mechanisms == ["GSSAPI"]
    assert listeners["EXTERNAL"].advertised_port == 9093


def test_controller_listener_of_broker_only_node():
    listeners = by_name(
        {
            "listeners": "PLAINTEXT://:9092",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        }
    )
    assert sorted(listeners) == ["CONTROLLER", "PLAINTEXT"]
    assert listeners["CONTROLLER"].port is None
    assert listeners["PLAINTEXT"].roles == [ListenerRole.CLIENT, ListenerRole.INTER_BROKER]
