"""Generate TLS material (CA, server and client certificates) as PEM files for the local broker.

A `CertSpec` describes each certificate. It sets the validity (already
expired, expiring in N days, or long-lived), the key type and size (RSA 1024+
or EC) and the signature hash (SHA-256 by default). SHA-1 is allowed through
`scanner.localkafka.tls_sha1`. It also sets the SANs (a wrong SAN gives a name
mismatch) and whether the leaf is self-signed instead of CA-issued.

Files written by `issue_certificate` for a certificate named ``NAME``:

- ``NAME.pem``: the certificate followed by the issuing CA (the chain), for
  clients (librdkafka ``ssl.certificate.location``).
- ``NAME-key.pem``: the unencrypted PKCS#8 private key (``ssl.key.location``).

The broker reads the same PEM text inline (``ssl.keystore.type=PEM`` with
``ssl.keystore.certificate.chain`` and ``ssl.keystore.key``) because Kafka's
file-based PEM keystore (``ssl.keystore.location`` with type PEM) requires an
encrypted key and ``ssl.key.password``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from scanner.localkafka.tls_sha1 import resign_with_sha1

log = logging.getLogger(__name__)

KeyType = Literal["rsa", "ec"]
HashName = Literal["sha1", "sha256", "sha384", "sha512"]
Usage = Literal["ca", "server", "client"]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "secp256r1": ec.SECP256R1,
    "secp384r1": ec.SECP384R1,
    "secp521r1": ec.SECP521R1,
}


@dataclass(frozen=True)
class CertSpec:
    """Properties of one certificate to generate.

    `valid_days` counts from now to notAfter: 0 or negative gives an already
    expired certificate, 5 one that expires in five days. notBefore is one day
    before now, or one day before notAfter when that is earlier.
    """

    common_name: str
    usage: Usage = "server"
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    valid_days: int = 365
    key_type: KeyType = "rsa"
    rsa_key_size: int = 2048
    ec_curve: str = "secp256r1"
    hash_name: HashName = "sha256"
    self_signed: bool = False
    organization: str = "streamaudit test"

    def __post_init__(self) -> None:
        if self.key_type == "rsa" and self.rsa_key_size < 1024:
            raise ValueError(f"rsa_key_size {self.rsa_key_size} is too small; use 1024 or more")
        if self.key_type == "ec" and self.ec_curve not in _CURVES:
            raise ValueError(f"ec_curve {self.ec_curve!r} is not supported; use one of {sorted(_CURVES)}")
        if self.hash_name not in _HASHES:
            raise ValueError(f"hash_name {self.hash_name!r} is not supported; use one of {sorted(_HASHES)}")
        for address in self.ip_addresses:
            ipaddress.ip_address(address)


def server_spec(common_name: str = "kafka-broker", **overrides: object) -> CertSpec:
    """Return a server CertSpec with SANs ``localhost`` and ``127.0.0.1``, changed by `overrides`."""
    spec = CertSpec(common_name=common_name, usage="server", dns_names=("localhost",), ip_addresses=("127.0.0.1",))
    return replace(spec, **overrides)  # type: ignore[arg-type]


def client_spec(common_name: str, **overrides: object) -> CertSpec:
    """Return a client CertSpec for principal `common_name`, changed by `overrides`."""
    return replace(CertSpec(common_name=common_name, usage="client"), **overrides)  # type: ignore[arg-type]


@dataclass
class IssuedCertificate:
    """A generated certificate with its key, in memory and as PEM files."""

    spec: CertSpec
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    cert_path: Path
    key_path: Path
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def chain_pem(self) -> str:
        """The certificate and its issuers as concatenated PEM text."""
        return "".join(cert.public_bytes(serialization.Encoding.PEM).decode("ascii") for cert in self.chain)

    @property
    def key_pem(self) -> str:
        """The unencrypted PKCS#8 private key as PEM text."""
        return _key_bytes(self.private_key).decode("ascii")


def generate_key(spec: CertSpec) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """Generate the private key that `spec` describes."""
    if spec.key_type == "ec":
        return ec.generate_private_key(_CURVES[spec.ec_curve]())
    return rsa.generate_private_key(public_exponent=65537, key_size=spec.rsa_key_size)


def create_ca(directory: Path, spec: CertSpec | None = None, name: str = "ca") -> IssuedCertificate:
    """Create a self-signed CA certificate and write ``NAME.pem`` and ``NAME-key.pem`` into `directory`."""
    if spec is None:
        spec = CertSpec(common_name="streamaudit test CA", usage="ca", valid_days=3650)
    if spec.usage != "ca":
        spec = replace(spec, usage="ca")
    return _build(spec, issuer=None, directory=directory, name=name)


def issue_certificate(
    spec: CertSpec, directory: Path, name: str, ca: IssuedCertificate | None = None
) -> IssuedCertificate:
    """Create a leaf certificate signed by `ca` (or by itself when ``spec.self_signed``) and write its PEM files.

    Raises ValueError when the spec is CA-issued but no `ca` is given.
    """
    if not spec.self_signed and ca is None:
        raise ValueError(f"certificate {name!r} needs a CA; pass ca= or set self_signed=True")
    return _build(spec, issuer=None if spec.self_signed else ca, directory=directory, name=name)


def _build(spec: CertSpec, issuer: IssuedCertificate | None, directory: Path, name: str) -> IssuedCertificate:
    key = generate_key(spec)
    # RFC 2253 strings list RDNs in reverse, so this subject reads "CN=name,O=organization".
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, spec.organization),
            x509.NameAttribute(NameOID.COMMON_NAME, spec.common_name),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    not_after = now + dt.timedelta(days=spec.valid_days)
    not_before = min(now, not_after) - dt.timedelta(days=1)

    signing_key = key if issuer is None else issuer.private_key
    issuer_name = subject if issuer is None else issuer.certificate.subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()), critical=False
        )
    builder = _add_usage_extensions(builder, spec)

    if spec.hash_name == "sha1":
        certificate = resign_with_sha1(builder.sign(signing_key, hashes.SHA256()), signing_key)
    else:
        certificate = builder.sign(signing_key, _HASHES[spec.hash_name]())
    chain = [certificate] + ([] if issuer is None else issuer.chain)

    directory.mkdir(parents=True, exist_ok=True)
    cert_path = directory / f"{name}.pem"
    key_path = directory / f"{name}-key.pem"
    issued = IssuedCertificate(spec, certificate, key, cert_path, key_path, chain)
    cert_path.write_text(issued.chain_pem, encoding="ascii")
    key_path.write_bytes(_key_bytes(key))
    key_path.chmod(0o600)
    log.debug("wrote certificate %s (CN=%s, notAfter=%s)", cert_path, spec.common_name, not_after.isoformat())
    return issued


def _add_usage_extensions(builder: x509.CertificateBuilder, spec: CertSpec) -> x509.CertificateBuilder:
    if spec.usage == "ca":
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        return builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )

    builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=spec.key_type == "rsa",
            data_encipherment=False,
            key_agreement=spec.key_type == "ec",
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    # Server certificates also carry clientAuth because the broker presents
    # them when it connects to its own controller and inter-broker listeners.
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH]
    if spec.usage == "server":
        usages.insert(0, ExtendedKeyUsageOID.SERVER_AUTH)
    builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)

    alt_names: list[x509.GeneralName] = [x509.DNSName(name) for name in spec.dns_names]
    alt_names += [x509.IPAddress(ipaddress.ip_address(address)) for address in spec.ip_addresses]
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    return builder


def _key_bytes(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
