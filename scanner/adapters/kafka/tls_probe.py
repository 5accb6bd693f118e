"""Probe one Kafka listener's TLS with direct handshakes (Python ``ssl``, certificate verification off).

For each of TLS 1.0, 1.1, 1.2 and 1.3 the probe first checks that the local
OpenSSL can offer the version at all (a ClientHello into a memory buffer, with
``@SECLEVEL=0`` so OpenSSL 3 offers TLS 1.0 and 1.1), then handshakes with the
server restricted to that version. A version the local side cannot offer is
NOT_TESTED, never "rejected". The leaf certificate is read from a completed
handshake and parsed with ``cryptography``.

Whether the listener demands a client certificate is tested without one:
under TLS 1.2 the handshake fails with a certificate alert, but under TLS 1.3
the server's refusal only arrives after the handshake, so the probe sends a
Kafka ApiVersions v0 request and waits for the response or the alert.
Kafka answers ApiVersions before SASL authentication, so a SASL_SSL listener
without client authentication responds.

The probe only connects to the address it is given, sends nothing besides the
handshake and that one ApiVersions request, and bounds every socket operation
by `timeout` seconds.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import struct
import time
import warnings
from dataclasses import dataclass

from scanner.adapters.kafka.certificates import hostname_matches, parse_certificate
from scanner.model.kafka_probes import TLS_VERSIONS, ProbeStatus, TlsProbe, TlsVersionProbe, VersionResult

log = logging.getLogger(__name__)

_TLS_VERSION = {
    "TLSv1": (ssl.TLSVersion.TLSv1, "HAS_TLSv1"),
    "TLSv1.1": (ssl.TLSVersion.TLSv1_1, "HAS_TLSv1_1"),
    "TLSv1.2": (ssl.TLSVersion.TLSv1_2, "HAS_TLSv1_2"),
    "TLSv1.3": (ssl.TLSVersion.TLSv1_3, "HAS_TLSv1_3"),
}
# OpenSSL reason codes that mean the server chose not to speak the offered version.
_REJECTION_REASONS = (
    "PROTOCOL_VERSION",
    "UNSUPPORTED_PROTOCOL",
    "WRONG_VERSION_NUMBER",
    "VERSION_TOO_LOW",
    "HANDSHAKE_FAILURE",
    "INSUFFICIENT_SECURITY",
    "NO_SHARED_CIPHER",
)
# Alerts a server sends after it negotiated the version and asked for a client certificate.
_CERTIFICATE_REASONS = ("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "HANDSHAKE_FAILURE")
API_VERSIONS_KEY = 18
CLIENT_ID = b"streamaudit-tls-probe"


@dataclass(frozen=True)
class ClientCertificate:
    """A client certificate and key (PEM files) that version handshakes present on mTLS listeners."""

    cert_path: str
    key_path: str | None = None
    password: str | None = None


class _Unreachable(Exception):
    """The TCP connection itself failed, so the listener was not probed."""


def _context(version: str, client_certificate: ClientCertificate | None = None) -> ssl.SSLContext:
    tls_version, _ = _TLS_VERSION[version]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Security level 0 lets OpenSSL 3 offer TLS 1.0 and 1.1 and accept weak server keys,
    # which the probe must see in order to report them.
    context.set_ciphers("ALL:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = tls_version
        context.maximum_version = tls_version
    if client_certificate is not None:
        context.load_cert_chain(client_certificate.cert_path, client_certificate.key_path, client_certificate.password)
    return context


def local_support(version: str) -> str | None:
    """Return None when the local OpenSSL can send a ClientHello for `version`, else the reason it cannot."""
    _, flag = _TLS_VERSION[version]
    if not getattr(ssl, flag, False):
        return f"local OpenSSL ({ssl.OPENSSL_VERSION}) is built without {version}"
    try:
        context = _context(version)
        client = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO())
        client.do_handshake()
    except ssl.SSLWantReadError:
        return None
    except (ssl.SSLError, ValueError) as exc:
        return f"local OpenSSL ({ssl.OPENSSL_VERSION}) cannot offer {version}: {getattr(exc, 'reason', None) or exc}"
    return None


def _reason(exc: BaseException) -> str:
    return (getattr(exc, "reason", None) or type(exc).__name__).upper()


def _connect(host: str, port: int, timeout: float) -> socket.socket:
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise
    except OSError as exc:
        raise _Unreachable(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from exc


def _server_name(host: str) -> str | None:
    """Return `host` for SNI, or None for an IP address (SNI carries DNS names only)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return None


def _try_version(
    host: str, port: int, version: str, timeout: float, client_certificate: ClientCertificate | None
) -> tuple[TlsVersionProbe, bytes | None]:
    """Handshake with only `version` enabled; return the outcome and the peer certificate (DER) on success."""
    context = _context(version, client_certificate)
    sock = _connect(host, port, timeout)
    try:
        with context.wrap_socket(sock, server_hostname=_server_name(host)) as tls:
            cipher = tls.cipher()
            der = tls.getpeercert(binary_form=True)
            return TlsVersionProbe(version=version, result=VersionResult.ACCEPTED, cipher=cipher[0] if cipher else None), der
    except ssl.SSLError as exc:
        reason = _reason(exc)
        if "CERTIFICATE" in reason:
            detail = f"version negotiated, then the server demanded a client certificate ({reason})"
            return TlsVersionProbe(version=version, result=VersionResult.ACCEPTED, detail=detail), None
        if any(code in reason for code in _REJECTION_REASONS) or "EOF" in reason:
            return TlsVersionProbe(version=version, result=VersionResult.REJECTED, detail=reason), None
        return TlsVersionProbe(version=version, result=VersionResult.REJECTED, detail=f"handshake failed: {exc}"), None
    except (ConnectionResetError, BrokenPipeError) as exc:
        return TlsVersionProbe(version=version, result=VersionResult.REJECTED, detail=f"connection closed: {exc}"), None
    finally:
        sock.close()


def _api_versions_request(correlation_id: int = 1) -> bytes:
    """Return a Kafka ApiVersions v0 request: size, api_key, api_version, correlation_id, client_id."""
    body = struct.pack(">hhih", API_VERSIONS_KEY, 0, correlation_id, len(CLIENT_ID)) + CLIENT_ID
    return struct.pack(">i", len(body)) + body


def _client_certificate_check(host: str, port: int, version: str, timeout: float) -> tuple[bool | None, str]:
    """Connect without a client certificate; return (required, detail). None means undecided (timeout)."""
    sock = _connect(host, port, timeout)
    try:
        with _context(version).wrap_socket(sock, server_hostname=_server_name(host)) as tls:
            tls.sendall(_api_versions_request())
            header = tls.recv(4)
            if len(header) == 4:
                return False, f"{version} handshake without a client certificate completed and ApiVersions was answered"
            return True, f"{version}: the server closed the connection after the handshake without a client certificate"
    except ssl.SSLError as exc:
        reason = _reason(exc)
        if any(code in reason for code in _CERTIFICATE_REASONS) or "EOF" in reason:
            return True, f"{version}: the server refused a client without a certificate ({reason})"
        return None, f"{version}: handshake without a client certificate failed for another reason: {exc}"
    except (ConnectionResetError, BrokenPipeError):
        return True, f"{version}: the server reset the connection of a client without a certificate"
    except TimeoutError:
        return None, f"{version}: no answer to ApiVersions within {timeout:g} s"
    finally:
        sock.close()


def probe_tls(
    host: str, port: int, *, timeout: float, client_certificate: ClientCertificate | None = None
) -> TlsProbe:
    """Probe one listener address and return what it accepts and presents.

    Never raises for network problems: an unreachable address gives status
    FAILED and a timeout TIMED_OUT, each with the reason.
    """
    address = f"{host}:{port}"
    started = time.monotonic()
    versions: list[TlsVersionProbe] = []
    certificates: dict[str, bytes] = {}
    try:
        for version in TLS_VERSIONS:
            local_problem = local_support(version)
            if local_problem is not None:
                versions.append(TlsVersionProbe(version=version, result=VersionResult.NOT_TESTED, detail=local_problem))
                continue
            outcome, der = _try_version(host, port, version, timeout, client_certificate)
            versions.append(outcome)
            if der:
                certificates[version] = der

        accepted = [entry.version for entry in versions if entry.result == VersionResult.ACCEPTED]
        required, detail = (None, "no TLS version was accepted")
        if accepted:
            required, detail = _client_certificate_check(host, port, accepted[-1], timeout)
    except _Unreachable as exc:
        log.warning("TLS probe of %s failed: %s", address, exc)
        return TlsProbe(status=ProbeStatus.FAILED, address=address, reason=str(exc), versions=versions)
    except TimeoutError:
        reason = f"no answer from {address} within {timeout:g} s"
        log.warning("TLS probe of %s timed out: %s", address, reason)
        return TlsProbe(status=ProbeStatus.TIMED_OUT, address=address, reason=reason, versions=versions)

    certificate = None
    reason = None
    if certificates:
        newest = max(certificates, key=TLS_VERSIONS.index)
        certificate = parse_certificate(certificates[newest])
    else:
        reason = "no handshake completed, so the certificate was not read (give the scanning principal's client certificate for mTLS listeners)"
    log.info("TLS probe of %s: accepted %s in %.0f ms", address, ",".join(accepted) or "nothing", (time.monotonic() - started) * 1000)
    return TlsProbe(
        status=ProbeStatus.COMPLETED,
        address=address,
        reason=reason,
        versions=versions,
        certificate=certificate,
        hostname_matches=None if certificate is None else hostname_matches(host, certificate),
        client_certificate_required=required,
        client_certificate_detail=detail,
    )
