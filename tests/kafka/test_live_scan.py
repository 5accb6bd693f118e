"""End-to-end scans of real Kafka 4 brokers (KRaft) started by the tests."""

from __future__ import annotations

import json
import secrets
import uuid

from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
)

from scanner.model import Snapshot
from tests.kafka.live import run_scan, write_config
from tests.reporting import assert_reports_valid

SCRAM_APPROVED = {"KAFKA-AUTH-001": {"approved_methods": ["mtls", "GSSAPI", "SCRAM-SHA-512"]}}
CORE_RULES = ("KAFKA-TLS-001", "KAFKA-AUTH-001", "KAFKA-ACL-001")


def test_plaintext_broker_fails_core_rules(plaintext_broker, tmp_path):
    run = run_scan(tmp_path, "--kafka-bootstrap", plaintext_broker.bootstrap)

    assert run.exit_code == 1, run.stderr[-3000:]
    target = plaintext_broker.bootstrap
    assert run.statuses("KAFKA-TLS-001") == {f"kafka/{target}/broker/1/listener/CLIENT": "FAIL"}
    assert run.statuses("KAFKA-AUTH-001") == {f"kafka/{target}/broker/1/listener/CLIENT": "FAIL"}
    assert run.statuses("KAFKA-ACL-001") == {f"kafka/{target}/cluster": "FAIL"}
    assert run.statuses("KAFKA-TLS-002")[f"kafka/{target}/broker/1/listener/CONTROLLER"] == "FAIL"
    assert run.statuses("KAFKA-CLUSTER-001") == {f"kafka/{target}/broker/1": "FAIL"}
    assert_reports_valid(run.output_dir, tmp_path)


def test_sasl_ssl_broker_passes_core_rules(sasl_ssl_broker, tmp_path):
    config = write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "KAFKA_SCANNER_PASSWORD", params=SCRAM_APPROVED)
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"KAFKA_SCANNER_PASSWORD": sasl_ssl_broker.scanner_password})

    assert run.exit_code == 1, run.stderr[-3000:]
    for rule_id in CORE_RULES:
        statuses = run.statuses(rule_id)
        assert statuses and set(statuses.values()) == {"PASS"}, (rule_id, statuses)
    listeners = ("CLIENT", "CONTROLLER", "INTERNAL")
    assert run.statuses("KAFKA-TLS-003") == {f"kafka/secure/broker/1/listener/{name}": "PASS" for name in listeners}
    assert run.statuses("KAFKA-TLS-002") == {"kafka/secure/broker/1/listener/CONTROLLER": "PASS", "kafka/secure/broker/1/listener/INTERNAL": "PASS"}
    assert run.statuses("KAFKA-CLUSTER-001") == {"kafka/secure/broker/1": "PASS"}
    assert run.report["scan"]["complete"] is True

    sarif = json.loads((run.output_dir / "streamaudit.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "streamaudit.yaml"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert_reports_valid(run.output_dir, tmp_path)


def test_sasl_ssl_scram_not_approved_by_default(sasl_ssl_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "KAFKA_SCANNER_PASSWORD", select=["KAFKA-AUTH-001"])
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"KAFKA_SCANNER_PASSWORD": sasl_ssl_broker.scanner_password})

    finding = next(f for f in run.findings("KAFKA-AUTH-001") if f["resource_id"] == "kafka/secure/broker/1/listener/CLIENT")
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["authentication_methods"] == ["SCRAM-SHA-512"]


def test_wildcard_principal_acl_fails(sasl_ssl_broker, tmp_path):
    admin = AdminClient(sasl_ssl_broker.client_config("admin"))
    topic = f"audit.events.{uuid.uuid4().hex[:8]}"
    binding = AclBinding(ResourceType.TOPIC, topic, ResourcePatternType.LITERAL, "User:*", "*", AclOperation.READ, AclPermissionType.ALLOW)
    admin.create_acls([binding])[binding].result(timeout=30)
    try:
        write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", select=["KAFKA-ACL-003"])
        run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": sasl_ssl_broker.scanner_password})
    finally:
        remove = AclBindingFilter(ResourceType.TOPIC, topic, ResourcePatternType.LITERAL, None, None, AclOperation.ANY, AclPermissionType.ANY)
        admin.delete_acls([remove])[remove].result(timeout=30)

    [finding] = run.findings("KAFKA-ACL-003")
    assert finding["status"] == "FAIL"
    assert finding["evidence"]["binding"] == f"ALLOW User:* from * READ on TOPIC:LITERAL:{topic}"
    assert finding["resource_id"] == f"kafka/secure/acl/TOPIC/LITERAL/{topic}/User:*/*/READ/ALLOW"


def test_topic_without_acls_fails_alone(sasl_ssl_broker, tmp_path):
    admin = AdminClient(sasl_ssl_broker.client_config("admin"))
    topic = f"unowned.topic.{uuid.uuid4().hex[:8]}"
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(timeout=30)
    try:
        write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW", select=["KAFKA-ACL-005"])
        run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": sasl_ssl_broker.scanner_password})
    finally:
        admin.delete_topics([topic])[topic].result(timeout=30)

    statuses = run.statuses("KAFKA-ACL-005")
    failing = [resource for resource, status in statuses.items() if status == "FAIL"]
    assert failing == [f"kafka/secure/topic/{topic}"]
    assert statuses["kafka/secure/topic/orders.created.v1"] == "PASS"
    assert statuses["kafka/secure/topic/payments.settled.v1"] == "PASS"


def test_wrong_password_not_assessed(sasl_ssl_broker, tmp_path):
    canary = f"canary-{secrets.token_hex(12)}"
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW")
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "snapshot.json", "--format", "json,sarif,html", env={"PW": canary})

    assert run.exit_code == 3, run.stderr[-3000:]
    assert run.seconds < 60
    target = run.report["scan"]["targets"][0]
    assert target["assessed"] is False
    assert target["errors"][0]["kind"] == "authentication"
    assert "SASL authentication" in target["errors"][0]["message"] or "Authentication failed" in target["errors"][0]["message"]
    assert {f["status"] for f in run.report["findings"]} == {"NOT_ASSESSED"}
    _assert_secret_absent(canary, run, tmp_path)


def test_unreachable_bootstrap_not_assessed(tmp_path):
    run = run_scan(tmp_path, "--kafka-bootstrap", "127.0.0.1:1")

    assert run.exit_code == 3
    assert run.seconds < 60
    errors = run.report["scan"]["targets"][0]["errors"]
    assert errors[0]["scope"] == "target"
    assert errors[0]["kind"] == "unreachable"
    assert "Connection refused" in errors[0]["message"]


def test_real_password_never_written(sasl_ssl_broker, tmp_path):
    password = sasl_ssl_broker.scanner_password
    write_config(tmp_path / "streamaudit.yaml", sasl_ssl_broker, "secure", "scanner", "PW")
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "snapshot.json", "--format", "json,sarif,html", env={"PW": password})

    assert run.report["scan"]["complete"] is True
    _assert_secret_absent(password, run, tmp_path)
    admin_password = sasl_ssl_broker.admin_password
    _assert_secret_absent(admin_password, run, tmp_path)


def _assert_secret_absent(secret: str, run, tmp_path) -> None:
    assert secret not in run.stdout
    assert secret not in run.stderr
    written = [path for path in tmp_path.rglob("*") if path.is_file() and path.name != "streamaudit.yaml"]
    assert any(path.name == "snapshot.json" for path in written) or not (tmp_path / "snapshot.json").exists()
    for path in written:
        assert secret not in path.read_text(errors="replace"), path


def test_mtls_broker_passes_with_client_certificate(mtls_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", mtls_broker, "mtls", "admin", None)
    run = run_scan(tmp_path, "--config", "streamaudit.yaml")

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    assert run.statuses("KAFKA-TLS-001") == {"kafka/mtls/broker/1/listener/CLIENT": "PASS", "kafka/mtls/broker/1/listener/INTERNAL": "PASS"}
    auth = next(f for f in run.findings("KAFKA-AUTH-001") if f["resource_id"] == "kafka/mtls/broker/1/listener/CLIENT")
    assert auth["status"] == "PASS"
    assert auth["evidence"]["authentication_methods"] == ["mtls"]


def test_snapshots_identical_apart_from_times(mtls_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", mtls_broker, "mtls", "admin", None)
    run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "first.json")
    run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "second.json")

    first = json.loads((tmp_path / "first.json").read_text())
    second = json.loads((tmp_path / "second.json").read_text())
    for snapshot in (first, second):
        snapshot["provenance"].pop("started_at")
        snapshot["provenance"].pop("finished_at")
    assert json.dumps(first, indent=2) == json.dumps(second, indent=2)
    assert len(first["kafka"]["clusters"][0]["topics"]) >= 2


def test_offline_snapshot_gives_same_findings(mtls_broker, tmp_path):
    write_config(tmp_path / "streamaudit.yaml", mtls_broker, "mtls", "admin", None)
    live = run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "snapshot.json")
    live_findings = live.report["findings"]
    offline = run_scan(tmp_path, "--snapshot", "snapshot.json")

    assert offline.report["findings"] == live_findings
    assert Snapshot.load(tmp_path / "snapshot.json").kafka.clusters[0].cluster_id


READ_METHODS = {"describe_cluster", "list_topics", "describe_configs", "describe_acls", "describe_user_scram_credentials", "poll"}


def test_collector_sends_only_reads(sasl_ssl_broker, monkeypatch):
    from scanner.adapters.kafka import collector
    from scanner.adapters.kafka.config import KafkaTarget

    calls: list[str] = []

    class RecordingAdminClient(AdminClient):
        def __getattribute__(self, name):
            attribute = super().__getattribute__(name)
            if callable(attribute) and not name.startswith("_"):
                calls.append(name)
            return attribute

    monkeypatch.setattr(collector, "AdminClient", RecordingAdminClient)
    monkeypatch.setenv("PW", sasl_ssl_broker.scanner_password)
    client = {key: value for key, value in sasl_ssl_broker.client_config("scanner").items() if key != "bootstrap.servers"}
    client["sasl.password"] = "${env:PW}"
    [cluster], provenance = collector.collect_kafka(KafkaTarget(name="secure", bootstrap=sasl_ssl_broker.bootstrap, client=client))

    assert provenance.errors == []
    assert cluster.acls
    assert set(calls) <= READ_METHODS
    assert {"describe_cluster", "describe_configs", "describe_acls", "list_topics"} <= set(calls)
