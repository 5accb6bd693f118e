"""Run the configured probes of one Kafka target and attach their results to the cluster model.

Probes connect only to addresses the brokers advertise (``advertised.listeners``
as DescribeConfigs or a server.properties file reports it) and, for the
low-privilege probe, to the configured bootstrap. A disabled or skipped probe
is recorded with its reason and is not a collection error; a probe that
fails or times out is.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scanner import secrets
from scanner.adapters.kafka.access_probe import ANONYMOUS_PRINCIPAL, anonymous_settings, probe_access
from scanner.adapters.kafka.config import KafkaTarget
from scanner.adapters.kafka.tls_probe import ClientCertificate, probe_tls
from scanner.model.common import CollectionError, ErrorKind
from scanner.model.kafka import Broker, KafkaCluster, Listener, SecurityProtocol
from scanner.model.kafka_probes import AccessProbe, ProbeStatus, TlsProbe

log = logging.getLogger(__name__)

MAX_PARALLEL_PROBES = 8
LOW_PRIVILEGE_LISTENER = "bootstrap"
_UNROUTABLE_HOSTS = {"", "0.0.0.0", "::"}


def advertised_address(listener: Listener) -> str | None:
    """Return ``host:port`` that the broker advertises to clients for the listener, or None when it has none."""
    host = listener.advertised_host
    if host is None or host in _UNROUTABLE_HOSTS or listener.advertised_port is None:
        return None
    return f"[{host}]:{listener.advertised_port}" if ":" in host else f"{host}:{listener.advertised_port}"


def client_certificate(target: KafkaTarget) -> ClientCertificate | None:
    """Return the scanning principal's PEM client certificate from its librdkafka settings, if it has one.

    NOTE: only ``ssl.certificate.location`` with ``ssl.key.location`` is read;
    a PKCS#12 keystore or inline PEM is not passed to the TLS probe, so on an
    mTLS listener that accepts only TLS 1.2 the probe then cannot read the certificate.
    """
    settings = secrets.resolve_all(dict(target.client), f"targets.kafka.{target.name}.client")
    cert = settings.get("ssl.certificate.location")
    if not isinstance(cert, str):
        return None
    key = settings.get("ssl.key.location")
    password = settings.get("ssl.key.password")
    return ClientCertificate(cert, key if isinstance(key, str) else None, password if isinstance(password, str) else None)


class ProbeRunner:
    """Runs the probes of one target and collects the collection errors they cause."""

    def __init__(self, target: KafkaTarget, errors: list[CollectionError]) -> None:
        self.target = target
        self.settings = target.probes
        self.errors = errors

    def _error(self, scope: str, status: ProbeStatus, reason: str | None) -> None:
        kind = ErrorKind.TIMEOUT if status == ProbeStatus.TIMED_OUT else ErrorKind.UNREACHABLE
        self.errors.append(CollectionError(scope=scope, kind=kind, message=reason or str(status)))

    def run(self, cluster: KafkaCluster) -> KafkaCluster:
        """Return `cluster` with TLS probe results on its listeners and the behaviour probe results."""
        with ThreadPoolExecutor(max_workers=MAX_PARALLEL_PROBES, thread_name_prefix="probe") as pool:
            brokers = self._tls(cluster.brokers, pool)
            anonymous = self._anonymous(brokers, pool)
            low_privilege = self._low_privilege(brokers)
        return cluster.model_copy(update={"brokers": brokers, "anonymous_probes": anonymous, "low_privilege_probe": low_privilege})

    def _tls(self, brokers: list[Broker], pool: ThreadPoolExecutor) -> list[Broker]:
        certificate = client_certificate(self.target) if self.settings.tls else None
        futures = {}
        results: dict[tuple[int, str], TlsProbe] = {}
        for broker in brokers:
            for listener in broker.listeners:
                if not listener.security_protocol.encrypted:
                    continue
                key = (broker.id, listener.name)
                address = advertised_address(listener)
                if not self.settings.tls:
                    results[key] = TlsProbe(status=ProbeStatus.DISABLED, reason="probes.tls is false in the target configuration")
                elif address is None:
                    reason = f"listener {listener.name} of broker {broker.id} is not advertised, so the probe has no address for it"
                    results[key] = TlsProbe(status=ProbeStatus.SKIPPED, reason=reason)
                else:
                    host, _, port = address.rpartition(":")
                    futures[key] = pool.submit(
                        probe_tls, host.strip("[]"), int(port), timeout=self.settings.timeout_seconds, client_certificate=certificate
                    )

        for key, future in futures.items():
            results[key] = future.result()
            if results[key].status in (ProbeStatus.FAILED, ProbeStatus.TIMED_OUT):
                self._error(f"tls_probe broker {key[0]} listener {key[1]}", results[key].status, results[key].reason)

        updated = []
        for broker in brokers:
            listeners = [
                listener.model_copy(update={"tls_probe": results.get((broker.id, listener.name))}) for listener in broker.listeners
            ]
            updated.append(broker.model_copy(update={"listeners": listeners}))
        return updated

    def _anonymous(self, brokers: list[Broker], pool: ThreadPoolExecutor) -> list[AccessProbe]:
        addresses: dict[str, list[str]] = defaultdict(list)
        protocols: dict[str, SecurityProtocol] = {}
        for broker in brokers:
            for listener in broker.listeners:
                protocols.setdefault(listener.name, listener.security_protocol)
                address = advertised_address(listener)
                if address is not None:
                    addresses[listener.name].append(address)

        results = []
        futures = {}
        for name in sorted(protocols):
            base = {"listener": name, "principal": ANONYMOUS_PRINCIPAL, "addresses": addresses.get(name, [])}
            if not self.settings.anonymous:
                results.append(AccessProbe(**base, status=ProbeStatus.DISABLED, reason="probes.anonymous is false in the target configuration"))
            elif not addresses.get(name):
                results.append(AccessProbe(**base, status=ProbeStatus.SKIPPED, reason=f"listener {name} is not advertised, so the probe has no address for it"))
            else:
                futures[name] = pool.submit(
                    probe_access,
                    name,
                    addresses[name],
                    anonymous_settings(protocols[name]),
                    principal=ANONYMOUS_PRINCIPAL,
                    timeout=self.settings.timeout_seconds,
                    target=self.target.name,
                )
        for name, future in futures.items():
            result = future.result()
            results.append(result)
            if result.status in (ProbeStatus.FAILED, ProbeStatus.TIMED_OUT):
                self._error(f"anonymous_probe listener {name}", result.status, result.reason)
        return results

    def _low_privilege(self, brokers: list[Broker]) -> AccessProbe:
        configured = self.settings.low_privilege
        if configured is None:
            return AccessProbe(
                listener=LOW_PRIVILEGE_LISTENER,
                status=ProbeStatus.DISABLED,
                reason="the low-privilege probe is not configured (probes.low_privilege)",
            )

        bootstrap = configured.bootstrap or self.target.bootstrap or ""
        addresses = [address.strip() for address in bootstrap.split(",") if address.strip()]
        settings: dict[str, Any] = secrets.resolve_all(
            dict(configured.client), f"targets.kafka.{self.target.name}.probes.low_privilege.client"
        )
        result = probe_access(
            _listener_of(brokers, addresses),
            addresses,
            settings,
            principal=configured.principal,
            timeout=self.settings.timeout_seconds,
            target=self.target.name,
        )
        if result.status in (ProbeStatus.FAILED, ProbeStatus.TIMED_OUT):
            self._error("low_privilege_probe", result.status, result.reason)
        elif result.refused:
            message = f"the broker refused the low-privilege principal {configured.principal}: {result.refusal}"
            self.errors.append(CollectionError(scope="low_privilege_probe", kind=ErrorKind.AUTHENTICATION, message=message))
        return result


def _listener_of(brokers: list[Broker], addresses: list[str]) -> str:
    """Return the name of the listener that advertises one of `addresses`, else ``bootstrap``."""
    for broker in brokers:
        for listener in broker.listeners:
            if advertised_address(listener) in addresses:
                return listener.name
    return LOW_PRIVILEGE_LISTENER
