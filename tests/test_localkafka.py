"""Tests of the local Kafka broker harness: TLS material, broker config, and real brokers per profile."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import yaml
from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ResourcePatternType,
    ResourceType,
)
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from scanner.localkafka import LocalBroker, get_profile, maven
from scanner.localkafka.cli import PASSWORD_VARIABLE, example_config
from scanner.localkafka.seed import ORDERS_TOPIC, PAYMENTS_TOPIC
from scanner.localkafka.serverconfig import BrokerTls, render_properties
from scanner.localkafka.tls import CertSpec, client_spec, create_ca, issue_certificate, server_spec

from tests.kafka_broker import BrokerFactory

pytest_plugins = ["tests.kafka_broker"]

SEED_TOPICS = {ORDERS_TOPIC, PAYMENTS_TOPIC}
TIMEOUT = 15.0


def _san(certificate: x509.Certificate) -> x509.SubjectAlternativeName:
    return certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value


def _list_topics(config: dict) -> set[str]:
    metadata = AdminClient(config).list_topics(timeout=TIMEOUT)
    return {name for name in metadata.topics if not name.startswith("__")}


def _served_certificate(address: str) -> tuple[x509.Certificate, str]:
    """Return the certificate that `address` presents in a TLS handshake (unverified) and the TLS version."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as raw, context.wrap_socket(raw) as tls:
        der = tls.getpeercert(binary_form=True)
        return x509.load_der_x509_certificate(der), tls.version() or ""


# -- TLS material ---------------------------------------------------------------------


def test_tls_server_cert_sans_and_validity(tmp_path: Path) -> None:
    ca = create_ca(tmp_path)
    cert = issue_certificate(server_spec(valid_days=5), tmp_path, "server", ca).certificate
    now = dt.datetime.now(dt.timezone.utc)

    assert _san(cert).get_values_for_type(x509.DNSName) == ["localhost"]
    assert _san(cert).get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert dt.timedelta(days=4, hours=23) < cert.not_valid_after_utc - now <= dt.timedelta(days=5)
    assert cert.issuer == ca.certificate.subject
    assert isinstance(cert.public_key(), rsa.RSAPublicKey)
    assert cert.public_key().key_size == 2048
    assert cert.signature_hash_algorithm.name == "sha256"


def test_tls_weak_self_signed_cert(tmp_path: Path) -> None:
    spec = server_spec(self_signed=True, rsa_key_size=1024, hash_name="sha1")
    issued = issue_certificate(spec, tmp_path, "weak")
    cert = issued.certificate

    assert cert.public_key().key_size == 1024
    assert cert.signature_hash_algorithm.name == "sha1"
    assert cert.issuer == cert.subject
    assert len(issued.chain) == 1
    result = subprocess.run(
        ["openssl", "verify", "-auth_level", "0", "-CAfile", str(issued.cert_path), str(issued.cert_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_tls_expired_ec_and_wrong_san(tmp_path: Path) -> None:
    ca = create_ca(tmp_path)
    expired = issue_certificate(server_spec(valid_days=-3), tmp_path, "expired", ca).certificate
    ec_cert = issue_certificate(server_spec(key_type="ec"), tmp_path, "ec", ca).certificate
    wrong = issue_certificate(
        server_spec(dns_names=("wrong.example.test",), ip_addresses=()), tmp_path, "wrong", ca
    ).certificate

    assert expired.not_valid_after_utc < dt.datetime.now(dt.timezone.utc)
    assert expired.not_valid_before_utc < expired.not_valid_after_utc
    assert isinstance(ec_cert.public_key(), ec.EllipticCurvePublicKey)
    assert _san(wrong).get_values_for_type(x509.DNSName) == ["wrong.example.test"]
    assert _san(wrong).get_values_for_type(x509.IPAddress) == []


def test_tls_client_cert_and_key_files(tmp_path: Path) -> None:
    ca = create_ca(tmp_path)
    issued = issue_certificate(client_spec("scanner"), tmp_path, "client-scanner", ca)

    assert issued.cert_path.read_text().count("BEGIN CERTIFICATE") == 2
    assert issued.key_path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert issued.key_path.stat().st_mode & 0o077 == 0
    assert issued.certificate.subject.rfc4514_string() == "CN=scanner,O=streamaudit test"


def test_tls_spec_rejects_small_rsa_key() -> None:
    with pytest.raises(ValueError, match="rsa_key_size 512"):
        CertSpec(common_name="x", rsa_key_size=512)


# -- broker configuration ----------------------------------------------------------------


def test_sasl_ssl_properties(tmp_path: Path) -> None:
    profile = get_profile("sasl-ssl")
    ports = {"CLIENT": 1, "INTERNAL": 2, "CONTROLLER": 3}
    ca = create_ca(tmp_path)
    broker_cert = issue_certificate(server_spec(), tmp_path, "broker", ca)
    props = render_properties(profile, ports, tmp_path / "data", BrokerTls(ca, broker_cert, broker_cert))

    assert props["listener.security.protocol.map"] == "CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["ssl.enabled.protocols"] == "TLSv1.2,TLSv1.3"
    assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["super.users"] == "User:admin;User:kafka-broker"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["auto.create.topics.enable"] == "false"
    assert props["listener.name.controller.ssl.client.auth"] == "required"
    assert props["inter.broker.listener.name"] == "INTERNAL"


def test_plaintext_properties_keep_auto_create_default(tmp_path: Path) -> None:
    props = render_properties(get_profile("plaintext"), {"CLIENT": 1, "CONTROLLER": 2}, tmp_path, None)

    assert "auto.create.topics.enable" not in props
    assert "authorizer.class.name" not in props
    assert props["listener.security.protocol.map"] == "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT"


def test_unknown_profile_lists_choices() -> None:
    with pytest.raises(ValueError, match="choose one of: plaintext, sasl-ssl"):
        get_profile("nope")


# -- real brokers ------------------------------------------------------------------------


def test_plaintext_broker_lists_topics(plaintext_broker: LocalBroker) -> None:
    assert plaintext_broker.bootstrap.startswith("127.0.0.1:")
    assert _list_topics(plaintext_broker.client_config(None)) >= SEED_TOPICS
    assert plaintext_broker.log_path.is_file()


def test_sasl_ssl_broker_lists_topics(sasl_ssl_broker: LocalBroker) -> None:
    for user in ("admin", "scanner", "app"):
        config = sasl_ssl_broker.client_config(user)
        assert config["security.protocol"] == "SASL_SSL"
        assert _list_topics(config) >= SEED_TOPICS, user


def test_sasl_ssl_wrong_password_fails(sasl_ssl_broker: LocalBroker) -> None:
    errors: list[KafkaError] = []
    config = sasl_ssl_broker.client_config("scanner")
    config["sasl.password"] = "not-the-password"
    config["error_cb"] = errors.append
    admin = AdminClient(config)

    with pytest.raises(KafkaException):
        admin.list_topics(timeout=5)
    admin.poll(1)
    assert any(error.code() == KafkaError._AUTHENTICATION for error in errors), errors


def test_sasl_ssl_seed_acls(sasl_ssl_broker: LocalBroker) -> None:
    admin = AdminClient(sasl_ssl_broker.client_config("admin"))
    match_all = AclBindingFilter(
        ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY
    )
    bindings = admin.describe_acls(match_all, request_timeout=TIMEOUT).result()
    found = {(b.principal, b.restype, b.name, b.resource_pattern_type, b.operation) for b in bindings}

    expected = {
        ("User:scanner", ResourceType.BROKER, "kafka-cluster", ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        ("User:scanner", ResourceType.BROKER, "kafka-cluster", ResourcePatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS),
        ("User:scanner", ResourceType.TOPIC, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        ("User:scanner", ResourceType.TOPIC, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS),
        ("User:scanner", ResourceType.GROUP, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        ("User:app", ResourceType.TOPIC, ORDERS_TOPIC, ResourcePatternType.LITERAL, AclOperation.READ),
        ("User:app", ResourceType.TOPIC, "payments.", ResourcePatternType.PREFIXED, AclOperation.WRITE),
        ("User:app", ResourceType.GROUP, "app-", ResourcePatternType.PREFIXED, AclOperation.READ),
    }
    assert found == expected


def test_sasl_ssl_example_config(sasl_ssl_broker: LocalBroker) -> None:
    text = example_config(sasl_ssl_broker)
    target = yaml.safe_load(text)["targets"]["kafka"][0]

    assert target["bootstrap"] == sasl_ssl_broker.bootstrap
    assert target["client"]["sasl.password"] == f"${{env:{PASSWORD_VARIABLE}}}"
    assert sasl_ssl_broker.scanner_password not in text


def test_mtls_broker_lists_topics(mtls_broker: LocalBroker) -> None:
    config = mtls_broker.client_config("scanner")

    assert config["security.protocol"] == "SSL"
    assert Path(config["ssl.certificate.location"]).is_file()
    assert _list_topics(config) >= SEED_TOPICS


def test_mtls_without_client_cert_fails(mtls_broker: LocalBroker) -> None:
    config = mtls_broker.client_config(None)

    with pytest.raises(KafkaException):
        AdminClient(config).list_topics(timeout=5)


def test_resolve_cached_skips_maven(plaintext_broker: LocalBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("Maven ran although the jars were cached")

    monkeypatch.setattr(maven.subprocess, "run", fail)

    libs = maven.resolve_kafka(plaintext_broker.kafka_version)
    assert (libs / f"kafka_2.13-{plaintext_broker.kafka_version}.jar").is_file()


def test_weak_cert_broker_serves_sha1_rsa1024(kafka_broker_factory: BrokerFactory) -> None:
    broker = kafka_broker_factory("weak-cert")
    certificate, _ = _served_certificate(broker.bootstrap)

    assert certificate.signature_hash_algorithm.name == "sha1"
    assert certificate.public_key().key_size == 1024
    assert certificate.issuer == certificate.subject
    assert _list_topics(broker.client_config("scanner")) >= SEED_TOPICS


def test_anonymous_super_listener(kafka_broker_factory: BrokerFactory) -> None:
    broker = kafka_broker_factory("anonymous-super")
    admin = AdminClient(broker.client_config(None, listener="ANON"))
    match_all = AclBindingFilter(
        ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY
    )

    assert broker.listener_protocols["ANON"] == "PLAINTEXT"
    assert len(admin.describe_acls(match_all, request_timeout=TIMEOUT).result()) == 8
