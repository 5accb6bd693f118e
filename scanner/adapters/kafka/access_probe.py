"""Behaviour probes: what a client with no credentials, or a principal without ACLs, can read.

A probe opens an AdminClient on given addresses and sends only Metadata
(all topics) and DescribeCluster. It never produces, consumes, commits
offsets or creates anything. The result records the topic names the client
saw and whether DescribeCluster was authorized, or how the broker refused it.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient

from scanner import secrets
from scanner.model.kafka import SecurityProtocol
from scanner.model.kafka_probes import AccessProbe, ProbeStatus

log = logging.getLogger(__name__)

ANONYMOUS_PRINCIPAL = "User:ANONYMOUS"
_ATTEMPT_SECONDS = 1.0


def anonymous_settings(protocol: SecurityProtocol) -> dict[str, Any]:
    """Return librdkafka settings of a client without credentials for a listener of `protocol`.

    A SASL listener is approached without SASL, and a TLS listener with TLS but
    no client certificate. Server certificate verification is off because the
    client sends no secret and only asks whether the broker lets it in.
    """
    if not protocol.encrypted:
        return {"security.protocol": "PLAINTEXT"}
    return {
        "security.protocol": "SSL",
        "enable.ssl.certificate.verification": False,
        "ssl.endpoint.identification.algorithm": "none",
        # Security level 0 so that a weak server certificate does not end the probe on our side.
        "ssl.cipher.suites": "DEFAULT:@SECLEVEL=0",
    }


class _Errors:
    """Collects the client-level errors librdkafka reports (refused handshakes, disconnects)."""

    def __init__(self) -> None:
        self.errors: list[KafkaError] = []
        self._lock = threading.Lock()

    def __call__(self, error: KafkaError) -> None:
        with self._lock:
            self.errors.append(error)

    def first(self) -> str | None:
        with self._lock:
            if not self.errors:
                return None
            error = next((e for e in self.errors if e.code() != KafkaError._ALL_BROKERS_DOWN), self.errors[0])
            return f"{error.name()}: {error.str()}"


class _FailureLog(logging.Handler):
    """Keeps librdkafka's connection failure lines (such as "Disconnected: SSL connection closed by peer")
    and passes every record on to the adapter's librdkafka logger."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[str] = []
        self.forward = logging.getLogger("scanner.adapters.kafka.librdkafka")

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(("FAIL", "SSL", "SASL")) or "Disconnected" in message or "authentication" in message.lower():
            self.failures.append(message.split("]: ", 1)[-1])
        self.forward.handle(record)


def _reachable(addresses: list[str], timeout: float) -> str | None:
    """Return None when a TCP connection to any address succeeds, else the last error."""
    problem = "no address to connect to"
    for address in addresses:
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
                return None
        except OSError as exc:
            problem = f"cannot connect to {address}: {exc.strerror or exc}"
    return problem


def probe_access(
    listener: str,
    addresses: list[str],
    settings: dict[str, Any],
    *,
    principal: str | None,
    timeout: float,
    target: str,
) -> AccessProbe:
    """Connect to `addresses` with `settings` and record what the client could read.

    `settings` are librdkafka properties with secrets already resolved; they
    are never logged or stored. Never raises: an unreachable address gives
    FAILED, a broker that neither responds nor rejects the client within `timeout`
    seconds gives TIMED_OUT.
    """
    base = {"listener": listener, "principal": principal, "addresses": addresses}
    unreachable = _reachable(addresses, timeout)
    if unreachable is not None:
        log.warning("kafka target %s: %s probe of listener %s failed: %s", target, principal, listener, unreachable)
        return AccessProbe(**base, status=ProbeStatus.FAILED, reason=unreachable)

    errors = _Errors()
    failures = _FailureLog()
    client_log = logging.Logger("scanner.adapters.kafka.probe.librdkafka", logging.DEBUG)
    client_log.addHandler(failures)
    timeout_ms = int(timeout * 1000)
    conf = {
        "client.id": "streamaudit-probe",
        "socket.timeout.ms": timeout_ms,
        "socket.connection.setup.timeout.ms": timeout_ms,
        "reconnect.backoff.max.ms": 1000,
        **settings,
        "bootstrap.servers": ",".join(addresses),
        "error_cb": errors,
        "logger": client_log,
    }
    log.info("kafka target %s: probing listener %s as %s (%s)", target, listener, principal, secrets.redact(settings))
    admin = AdminClient(conf)

    metadata = None
    deadline = time.monotonic() + timeout
    while metadata is None and time.monotonic() < deadline:
        try:
            metadata = admin.list_topics(timeout=min(_ATTEMPT_SECONDS, max(0.1, deadline - time.monotonic())))
        except KafkaException as exc:
            admin.poll(0.1)
            refusal = failures.failures[0] if failures.failures else errors.first()
            if refusal is not None:
                log.info("kafka target %s: listener %s refused %s: %s", target, listener, principal, refusal)
                return AccessProbe(**base, status=ProbeStatus.COMPLETED, refused=True, refusal=refusal)
            log.debug("kafka target %s: probe metadata attempt failed: %s", target, exc)

    if metadata is None:
        reason = f"listener {listener} neither answered Metadata nor refused the client within {timeout:g} s"
        log.warning("kafka target %s: %s", target, reason)
        return AccessProbe(**base, status=ProbeStatus.TIMED_OUT, reason=reason)

    described, operations = _describe_cluster(admin, timeout, target)
    return AccessProbe(
        **base,
        status=ProbeStatus.COMPLETED,
        refused=False,
        brokers_visible=len(metadata.brokers),
        topics=list(metadata.topics),
        cluster_described=described,
        cluster_operations=operations,
    )


def _describe_cluster(admin: AdminClient, timeout: float, target: str) -> tuple[bool | None, list[str] | None]:
    try:
        description = admin.describe_cluster(request_timeout=timeout, include_authorized_operations=True).result(timeout=timeout + 5)
    except KafkaException as exc:
        error = exc.args[0] if exc.args and isinstance(exc.args[0], KafkaError) else None
        if error is not None and error.code() == KafkaError.CLUSTER_AUTHORIZATION_FAILED:
            return False, None
        log.warning("kafka target %s: probe DescribeCluster failed: %s", target, exc)
        return None, None
    except TimeoutError:
        log.warning("kafka target %s: probe DescribeCluster timed out after %g s", target, timeout)
        return None, None
    return True, [operation.name for operation in description.authorized_operations or []]
