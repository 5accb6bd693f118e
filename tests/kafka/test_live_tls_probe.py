"""Scans of real brokers that exercise the TLS probe rules (KAFKA-TLS-004..007), and the probe's own bounds."""

from __future__ import annotations

import socket
import threading
import time

from scanner.adapters.kafka.config import KafkaTarget
from scanner.adapters.kafka.probes import ProbeRunner
from scanner.adapters.kafka.tls_probe import probe_tls
from scanner.model.kafka_probes import ProbeStatus
from tests.kafka.builders import broker, cluster, listener
from tests.kafka.live import run_scan, write_config

TLS_RULES = ["KAFKA-TLS-004", "KAFKA-TLS-005", "KAFKA-TLS-006", "KAFKA-TLS-007"]
CLIENT = "kafka/{target}/broker/1/listener/CLIENT"


def _scan(broker, tmp_path, target: str, **extra):
    write_config(tmp_path / "streamaudit.yaml", broker, target, "scanner", "PW", extra=extra or None, select=TLS_RULES)
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": broker.scanner_password})
    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    return run


def _finding(run, rule_id: str, resource: str) -> dict:
    return next(f for f in run.findings(rule_id) if f["resource_id"] == resource)


def test_sound_broker_passes_tls_probe_rules(sasl_ssl_broker, tmp_path):
    run = _scan(sasl_ssl_broker, tmp_path, "secure")
    client = CLIENT.format(target="secure")

    for rule_id in TLS_RULES:
        assert _finding(run, rule_id, client)["status"] == "PASS", rule_id
    versions = _finding(run, "KAFKA-TLS-004", client)["evidence"]["tls_versions"]
    assert versions == {"TLSv1": "rejected", "TLSv1.1": "rejected", "TLSv1.2": "accepted", "TLSv1.3": "accepted"}
    internal = _finding(run, "KAFKA-TLS-004", "kafka/secure/broker/1/listener/INTERNAL")
    assert internal["status"] == "PASS"
    assert internal["evidence"]["address"] == sasl_ssl_broker.listeners["INTERNAL"]
    controller = _finding(run, "KAFKA-TLS-004", "kafka/secure/broker/1/listener/CONTROLLER")
    assert controller["status"] == "NOT_ASSESSED"
    assert "not advertised" in controller["message"]


def test_legacy_listener_fails_versions_and_names(kafka_broker_factory, tmp_path):
    broker = kafka_broker_factory("legacy-tls")
    run = _scan(broker, tmp_path, "legacy")
    client = CLIENT.format(target="legacy")

    versions = _finding(run, "KAFKA-TLS-004", client)
    assert versions["status"] == "FAIL"
    assert versions["evidence"]["accepted"] == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    assert versions["evidence"]["address"] == broker.bootstrap
    assert _finding(run, "KAFKA-TLS-004", "kafka/legacy/broker/1/listener/INTERNAL")["status"] == "PASS"

    names = _finding(run, "KAFKA-TLS-007", client)
    assert names["status"] == "FAIL"
    assert names["evidence"]["dns_names"] == ["kafka.example.invalid"]
    assert names["evidence"]["hostname_matches"] is False
    assert names["evidence"]["config"] == "listener.name.client.ssl.endpoint.identification.algorithm"
    assert "hostname verification is off" in names["message"]
    assert "'127.0.0.1'" in names["message"]


def test_expiring_certificate_fails(kafka_broker_factory, tmp_path):
    run = _scan(kafka_broker_factory("sasl-ssl-expiring"), tmp_path, "expiring")
    finding = _finding(run, "KAFKA-TLS-005", CLIENT.format(target="expiring"))

    assert finding["status"] == "FAIL"
    assert finding["evidence"]["days_left"] == 4
    assert finding["evidence"]["subject"] == "CN=kafka-broker,O=streamaudit test"
    assert _finding(run, "KAFKA-TLS-005", "kafka/expiring/broker/1/listener/INTERNAL")["status"] == "PASS"


def test_weak_self_signed_certificate_fails(kafka_broker_factory, tmp_path):
    run = _scan(kafka_broker_factory("weak-cert"), tmp_path, "weak")
    finding = _finding(run, "KAFKA-TLS-006", CLIENT.format(target="weak"))

    assert finding["status"] == "FAIL"
    assert finding["evidence"]["key_size"] == 1024
    assert finding["evidence"]["signature_hash"] == "sha1"
    assert finding["evidence"]["self_signed"] is True
    assert "RSA key of 1024 bits" in finding["message"]
    assert "sha1WithRSAEncryption" in finding["message"]


def test_disabled_tls_probe_not_assessed_and_complete(sasl_ssl_broker, tmp_path):
    run = _scan(sasl_ssl_broker, tmp_path, "noprobe", probes={"tls": False})
    finding = _finding(run, "KAFKA-TLS-004", CLIENT.format(target="noprobe"))

    assert finding["status"] == "NOT_ASSESSED"
    assert "probes.tls is false" in finding["message"]
    assert run.exit_code == 0, run.stderr[-2000:]


def test_mtls_listener_demands_client_certificate(mtls_broker):
    host, port = mtls_broker.bootstrap.split(":")
    probe = probe_tls(host, int(port), timeout=5)

    assert probe.status == ProbeStatus.COMPLETED
    assert probe.client_certificate_required is True
    assert probe.accepted() == ["TLSv1.2", "TLSv1.3"]
    assert "TLSv1.3" in probe.client_certificate_detail
    assert probe.certificate is not None


class _SilentServer:
    """A TCP listener on 127.0.0.1 that accepts connections and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        for connection in self.accepted:
            connection.close()
        self.sock.close()


def test_silent_listener_times_out_as_collection_error():
    server = _SilentServer()
    try:
        started = time.monotonic()
        probe = probe_tls("127.0.0.1", server.port, timeout=0.5)
        assert probe.status == ProbeStatus.TIMED_OUT
        assert time.monotonic() - started < 3

        silent = listener("SSL", "SSL").model_copy(update={"advertised_host": "127.0.0.1", "advertised_port": server.port})
        errors = []
        target = KafkaTarget(name="silent", bootstrap=f"127.0.0.1:{server.port}", probes={"timeout_seconds": 0.5})
        probed = ProbeRunner(target, errors).run(cluster([broker(silent)]))
    finally:
        server.close()

    assert probed.brokers[0].listeners[0].tls_probe.status == ProbeStatus.TIMED_OUT
    assert [(error.scope, error.kind) for error in errors] == [("tls_probe broker 1 listener SSL", "timeout")]
    assert probed.low_privilege_probe.status == ProbeStatus.DISABLED


def test_closed_port_fails_as_collection_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()

    probe = probe_tls("127.0.0.1", port, timeout=1)
    assert probe.status == ProbeStatus.FAILED
    assert "cannot connect" in probe.reason
