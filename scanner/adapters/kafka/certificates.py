"""Parse a listener's leaf certificate (DER) and match it against the advertised host name."""

from __future__ import annotations

import ipaddress
import logging

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa

from scanner.model.kafka_probes import CertificateInfo

log = logging.getLogger(__name__)


def _key_facts(certificate: x509.Certificate) -> tuple[str, int | None]:
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, None


def _signature_hash(certificate: x509.Certificate) -> str | None:
    try:
        algorithm = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return None
    return None if algorithm is None else algorithm.name


def _self_signed(certificate: x509.Certificate) -> bool:
    """True when the issuer is the subject and the certificate's own key verifies its signature.

    ``verify_directly_issued_by`` rejects SHA-1 signatures (cryptography 48
    raises ValueError), so RSA and EC signatures are then checked with the raw
    verify methods, which still accept SHA-1. Matching names decide when no
    check is possible.
    """
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
        return True
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        pass

    key = certificate.public_key()
    try:
        algorithm = certificate.signature_hash_algorithm
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(algorithm))
        else:
            return True
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        log.debug("cannot check the signature of %s; treating it as self-signed because issuer equals subject", certificate.subject)
    return True


def _sans(certificate: x509.Certificate) -> tuple[list[str], list[str]]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return extension.get_values_for_type(x509.DNSName), [str(ip) for ip in extension.get_values_for_type(x509.IPAddress)]


def parse_certificate(der: bytes) -> CertificateInfo:
    """Return the facts of one DER certificate that the TLS rules read."""
    certificate = x509.load_der_x509_certificate(der)
    key_type, key_size = _key_facts(certificate)
    dns_names, ip_addresses = _sans(certificate)
    signature_oid = certificate.signature_algorithm_oid
    return CertificateInfo(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial_number=format(certificate.serial_number, "x"),
        sha256_fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        dns_names=dns_names,
        ip_addresses=ip_addresses,
        key_type=key_type,
        key_size=key_size,
        signature_algorithm=getattr(signature_oid, "_name", None) or signature_oid.dotted_string,
        signature_hash=_signature_hash(certificate),
        self_signed=_self_signed(certificate),
    )


def _dns_matches(host: str, pattern: str) -> bool:
    """Match per RFC 6125: case-insensitive, a wildcard only as the whole leftmost label, covering one label."""
    host_labels = host.lower().rstrip(".").split(".")
    pattern_labels = pattern.lower().rstrip(".").split(".")
    if len(host_labels) != len(pattern_labels):
        return False
    if pattern_labels[0] == "*":
        return len(pattern_labels) > 2 and host_labels[1:] == pattern_labels[1:]
    return host_labels == pattern_labels


def hostname_matches(host: str, certificate: CertificateInfo) -> bool:
    """True when `host` is among the certificate's SANs of its kind (IP or DNS).

    A certificate without any SAN is matched on its subject CN instead, as
    OpenSSL's X509_check_host (librdkafka) and Java's HostnameChecker do.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None

    if not certificate.dns_names and not certificate.ip_addresses:
        common_name = certificate.common_name or ""
        return common_name == str(address) if address is not None else _dns_matches(host, common_name)
    if address is not None:
        return any(ipaddress.ip_address(value) == address for value in certificate.ip_addresses)
    return any(_dns_matches(host, pattern) for pattern in certificate.dns_names)

