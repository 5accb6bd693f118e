"""Re-sign an X.509 certificate with SHA-1, which the cryptography package no longer does itself.

cryptography 48.0.0 raises ``UnsupportedAlgorithm: Hash algorithm "sha1" not
supported for signatures`` from ``CertificateBuilder.sign``, but its raw
``sign`` methods still accept SHA-1. This module takes a certificate that was
signed with SHA-256, swaps the signature AlgorithmIdentifier inside the
TBSCertificate, signs the new TBSCertificate with SHA-1 and assembles the DER.
Test material only: SHA-1 certificates exist here so that scans can flag them.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

# DER AlgorithmIdentifier values (RFC 3279): sha1WithRSAEncryption with NULL
# parameters, and ecdsa-with-SHA1 without parameters.
_SHA1_WITH_RSA = bytes.fromhex("300d06092a864886f70d0101050500")
_ECDSA_WITH_SHA1 = bytes.fromhex("300906072a8648ce3d0401")


def resign_with_sha1(
    certificate: x509.Certificate, signing_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    """Return `certificate` with the same content, signed by `signing_key` using SHA-1.

    Raises TypeError for keys other than RSA and EC.
    """
    if isinstance(signing_key, rsa.RSAPrivateKey):
        algorithm = _SHA1_WITH_RSA
    elif isinstance(signing_key, ec.EllipticCurvePrivateKey):
        algorithm = _ECDSA_WITH_SHA1
    else:
        raise TypeError(f"cannot sign with SHA-1 using a {type(signing_key).__name__}; use an RSA or EC key")

    tbs_fields = _sequence_elements(certificate.tbs_certificate_bytes)
    # TBSCertificate v3: [0] version, serialNumber, signature AlgorithmIdentifier, ...
    if not tbs_fields or tbs_fields[0][0] != 0xA0:
        raise ValueError("only X.509 v3 certificates (with an explicit version field) can be re-signed")
    tbs_fields[2] = algorithm
    tbs = _encode(0x30, b"".join(tbs_fields))

    if isinstance(signing_key, rsa.RSAPrivateKey):
        signature = signing_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    else:
        signature = signing_key.sign(tbs, ec.ECDSA(hashes.SHA1()))

    der = _encode(0x30, tbs + algorithm + _encode(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(der)


def _sequence_elements(der: bytes) -> list[bytes]:
    """Split the DER SEQUENCE `der` into the complete TLV encodings of its elements."""
    if der[0] != 0x30:
        raise ValueError("expected a DER SEQUENCE")
    header, length = _read_length(der, 1)
    content = der[header : header + length]
    elements = []
    offset = 0
    while offset < len(content):
        start = offset
        header_end, element_length = _read_length(content, offset + 1)
        offset = header_end + element_length
        elements.append(content[start:offset])
    return elements


def _read_length(der: bytes, offset: int) -> tuple[int, int]:
    """Return (offset of the content, content length) for the length octets starting at `offset`."""
    first = der[offset]
    if first < 0x80:
        return offset + 1, first
    count = first & 0x7F
    return offset + 1 + count, int.from_bytes(der[offset + 1 : offset + 1 + count], "big")


def _encode(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content
