"""Scans of real brokers with the behaviour probes on: anonymous access and a principal without ACLs."""

from __future__ import annotations

import secrets

from scanner.localkafka.profiles import NO_ACL_USER
from tests.kafka.live import client_settings, run_scan, write_config

ANONYMOUS = {"probes": {"anonymous": True}}


def _low_privilege(broker, password_env: str) -> dict:
    return {"probes": {"low_privilege": {"client": client_settings(broker, NO_ACL_USER, password_env)}}}


def test_plaintext_anonymous_client_sees_everything(plaintext_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", plaintext_broker, "open", None, None, extra=ANONYMOUS, select=["KAFKA-AUTH-002"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml")

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    [finding] = run.findings("KAFKA-AUTH-002")
    assert finding["resource_id"] == "kafka/open/listener/CLIENT"
    assert finding["status"] == "FAIL"
    assert {"orders.created.v1", "payments.settled.v1"} <= set(finding["evidence"]["topics"])
    assert finding["evidence"]["cluster_described"] is True
    assert finding["evidence"]["principal"] == "User:ANONYMOUS"
    assert "orders.created.v1" in finding["message"]


def test_sasl_ssl_refuses_anonymous_client(sasl_ssl_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", extra=ANONYMOUS, select=["KAFKA-AUTH-002"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": sasl_ssl_broker.scanner_password})

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    assert run.statuses("KAFKA-AUTH-002") == {"kafka/secure/listener/CLIENT": "PASS", "kafka/secure/listener/INTERNAL": "PASS"}
    client = next(f for f in run.findings("KAFKA-AUTH-002") if f["resource_id"].endswith("CLIENT"))
    assert client["evidence"]["refused"] is True
    assert client["evidence"]["topic_count"] == 0
    assert client["evidence"]["addresses"] == [sasl_ssl_broker.bootstrap]


def test_anonymous_probe_off_by_default(sasl_ssl_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", select=["KAFKA-AUTH-002"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": sasl_ssl_broker.scanner_password})

    assert set(run.statuses("KAFKA-AUTH-002").values()) == {"NOT_ASSESSED"}
    assert all("probes.anonymous is false" in f["message"] for f in run.findings("KAFKA-AUTH-002"))
    assert run.exit_code == 0, run.stderr[-3000:]


def test_anonymous_super_user_listener_fails(kafka_broker_factory, tmp_path):
    broker = kafka_broker_factory("anonymous-super")
    files = {"server_properties": [str(broker.work_dir / "server.properties")]}
    write_config(tmp_path / "streamaudit.yaml", broker, "anon", "scanner", "PW", extra=ANONYMOUS | files, select=["KAFKA-AUTH-002", "KAFKA-ACL-007"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": broker.scanner_password})

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    statuses = run.statuses("KAFKA-AUTH-002")
    assert statuses["kafka/anon/listener/ANON"] == "FAIL"
    assert statuses["kafka/anon/listener/CLIENT"] == "PASS"
    assert statuses["kafka/anon/cluster"] == "FAIL"
    super_users = next(f for f in run.findings("KAFKA-ACL-007"))
    assert super_users["status"] == "FAIL"
    assert super_users["evidence"]["by_broker"]["1"]["source"] == str(broker.work_dir / "server.properties")
    assert "User:ANONYMOUS is not a named principal" in super_users["message"]


def test_low_privilege_probe_detects_allow_everyone(kafka_broker_factory, tmp_path):
    broker = kafka_broker_factory("allow-everyone")
    write_config(tmp_path / "streamaudit.yaml", broker, "lenient", "scanner", "PW", extra=_low_privilege(broker, "NOBODY_PW"), select=["KAFKA-ACL-002"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": broker.scanner_password, "NOBODY_PW": broker.passwords[NO_ACL_USER]})

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    [finding] = run.findings("KAFKA-ACL-002")
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["probe_principal"] == "User:nobody"
    assert finding["evidence"]["probe_principal_bindings"] == 0
    assert {"orders.created.v1", "payments.settled.v1"} <= set(finding["evidence"]["topics_visible_without_acl"])


def test_low_privilege_probe_passes_default_deny(sasl_ssl_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", extra=_low_privilege(sasl_ssl_broker, "NOBODY_PW"), select=["KAFKA-ACL-002"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": sasl_ssl_broker.scanner_password, "NOBODY_PW": sasl_ssl_broker.passwords[NO_ACL_USER]})

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    [finding] = run.findings("KAFKA-ACL-002")
    assert finding["status"] == "PASS"
    assert finding["evidence"]["topics_visible"] == 0
    assert finding["evidence"]["probe_principal"] == "User:nobody"


def test_probe_secrets_never_written(sasl_ssl_broker, tmp_path):
    canary = f"canary-{secrets.token_hex(12)}"
    extra = _low_privilege(sasl_ssl_broker, "NOBODY_PW") | {"server_properties": [str(sasl_ssl_broker.work_dir / "server.properties")]}
    extra["probes"]["anonymous"] = True
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", extra=extra)
    run = run_scan(
        tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "snapshot.json", "--format", "json,sarif,html",
        env={"PW": sasl_ssl_broker.scanner_password, "NOBODY_PW": canary},
    )

    errors = run.report["scan"]["targets"][0]["errors"]
    assert [(error["scope"], error["kind"]) for error in errors] == [("low_privilege_probe", "authentication")]
    assert run.exit_code == 3
    key_line = sasl_ssl_broker.server_certificate.key_pem.splitlines()[1]
    for secret in (canary, sasl_ssl_broker.scanner_password, sasl_ssl_broker.admin_password, key_line):
        assert secret not in run.stdout
        assert secret not in run.stderr
        for path in tmp_path.rglob("*"):
            if path.is_file() and path.name != "streamaudit.yaml":
                assert secret not in path.read_text(errors="replace"), path
