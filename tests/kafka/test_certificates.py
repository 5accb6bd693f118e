"""Tests of certificate parsing and host name matching used by the TLS probe."""

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from scanner.adapters.kafka.certificates import hostname_matches, parse_certificate
from scanner.localkafka.tls import create_ca, issue_certificate, server_spec
from tests.kafka.builders import certificate


def _der(issued) -> bytes:
    return issued.certificate.public_bytes(Encoding.DER)


def test_parse_weak_self_signed(tmp_path: Path):
    issued = issue_certificate(server_spec(self_signed=True, rsa_key_size=1024, hash_name="sha1"), tmp_path, "weak")
    info = parse_certificate(_der(issued))
    assert info.key_type == "RSA"
    assert info.key_size == 1024
    assert info.signature_hash == "sha1"
    assert info.signature_algorithm == "sha1WithRSAEncryption"
    assert info.self_signed is True
    assert info.dns_names == ["localhost"]
    assert info.ip_addresses == ["127.0.0.1"]


def test_parse_ca_issued_ec(tmp_path: Path):
    ca = create_ca(tmp_path)
    issued = issue_certificate(server_spec(key_type="ec", valid_days=5), tmp_path, "ec", ca)
    info = parse_certificate(_der(issued))
    assert info.key_type == "EC"
    assert info.key_size == 256
    assert info.self_signed is False
    assert info.issuer == "CN=streamaudit test CA,O=streamaudit test"
    assert info.common_name == "kafka-broker"


@pytest.mark.parametrize(
    ("host", "fields", "expected"),
    [
        ("kafka-1.example.internal", {}, True),
        ("KAFKA-1.Example.Internal", {}, True),
        ("kafka-2.example.internal", {}, False),
        ("kafka-2.example.internal", {"dns_names": ["*.example.internal"]}, True),
        ("a.kafka-2.example.internal", {"dns_names": ["*.example.internal"]}, False),
        ("example.internal", {"dns_names": ["*.example.internal"]}, False),
        ("127.0.0.1", {"ip_addresses": ["127.0.0.1"]}, True),
        ("127.0.0.1", {"dns_names": ["127.0.0.1"]}, False),
        ("kafka-1.example.internal", {"dns_names": [], "subject": "CN=kafka-1.example.internal"}, True),
        ("kafka-1.example.internal", {"dns_names": [], "ip_addresses": ["10.0.0.1"], "subject": "CN=kafka-1.example.internal"}, False),
    ],
)
def test_hostname_matching(host, fields, expected):
    assert hostname_matches(host, certificate(**fields)) is expected
