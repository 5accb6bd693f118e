"""Scans of the sasl-ssl broker that make the ACL, SCRAM and governance rules fail and pass,
and a scan from server.properties files alone."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from tests.kafka.live import run_scan, write_config

TIMEOUT = 30


def _admin(broker) -> AdminClient:
    return AdminClient(broker.client_config("admin"))


@contextmanager
def acl_granted(broker, resource_type, name, principal, operation, pattern=ResourcePatternType.LITERAL):
    admin = _admin(broker)
    binding = AclBinding(resource_type, name, pattern, principal, "*", operation, AclPermissionType.ALLOW)
    admin.create_acls([binding])[binding].result(timeout=TIMEOUT)
    try:
        yield
    finally:
        remove = AclBindingFilter(resource_type, name, pattern, principal, "*", operation, AclPermissionType.ALLOW)
        admin.delete_acls([remove])[remove].result(timeout=TIMEOUT)


@contextmanager
def topics_created(broker, *names):
    admin = _admin(broker)
    for future in admin.create_topics([NewTopic(name, 1, 1) for name in names]).values():
        future.result(timeout=TIMEOUT)
    try:
        yield
    finally:
        for future in admin.delete_topics(list(names)).values():
            future.result(timeout=TIMEOUT)


def _scan(broker, tmp_path, *rules, environment="prod"):
    write_config(tmp_path / "streamaudit.yaml", broker, "secure", "scanner", "PW", extra={"environment": environment}, select=list(rules))
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", env={"PW": broker.scanner_password})
    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    return run


def test_wildcard_write_and_cluster_alter_fail(sasl_ssl_broker, tmp_path):
    baseline = _scan(sasl_ssl_broker, tmp_path, "KAFKA-ACL-004", "KAFKA-ACL-006")
    assert baseline.statuses("KAFKA-ACL-004") == {"kafka/secure/cluster": "PASS"}
    assert baseline.statuses("KAFKA-ACL-006") == {"kafka/secure/cluster": "PASS"}

    with acl_granted(sasl_ssl_broker, ResourceType.TOPIC, "*", "User:app", AclOperation.WRITE):
        with acl_granted(sasl_ssl_broker, ResourceType.BROKER, "kafka-cluster", "User:app", AclOperation.ALTER):
            run = _scan(sasl_ssl_broker, tmp_path, "KAFKA-ACL-004", "KAFKA-ACL-006")

    assert run.statuses("KAFKA-ACL-004") == {"kafka/secure/acl/TOPIC/LITERAL/*/User:app/*/WRITE/ALLOW": "FAIL"}
    [cluster_grant] = run.findings("KAFKA-ACL-006")
    assert cluster_grant["status"] == "FAIL"
    assert cluster_grant["evidence"]["binding"] == "ALLOW User:app from * ALTER on CLUSTER:LITERAL:kafka-cluster"


def test_default_scram_iterations_fail_and_strong_credential_passes(sasl_ssl_broker, tmp_path):
    user = f"strong-{uuid.uuid4().hex[:6]}"
    admin = _admin(sasl_ssl_broker)
    upsert = UserScramCredentialUpsertion(user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), b"not-a-real-password")
    for future in admin.alter_user_scram_credentials([upsert]).values():
        future.result(timeout=TIMEOUT)
    try:
        run = _scan(sasl_ssl_broker, tmp_path, "KAFKA-AUTH-003")
    finally:
        delete = UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512)
        for future in admin.alter_user_scram_credentials([delete]).values():
            future.result(timeout=TIMEOUT)

    statuses = run.statuses("KAFKA-AUTH-003")
    assert statuses[f"kafka/secure/scram/{user}/SCRAM-SHA-512"] == "PASS"
    weak = next(f for f in run.findings("KAFKA-AUTH-003") if f["resource_id"] == "kafka/secure/scram/scanner/SCRAM-SHA-512")
    assert weak["status"] == "FAIL"
    assert weak["evidence"]["iterations"] == 4096


def test_topic_names_dlq_and_environment(sasl_ssl_broker, tmp_path):
    rules = ("KAFKA-TOPIC-001", "KAFKA-DLQ-001", "KAFKA-ENV-001")
    baseline = _scan(sasl_ssl_broker, tmp_path, *rules)
    assert baseline.statuses("KAFKA-TOPIC-001")["kafka/secure/topic/orders.created.v1"] == "PASS"
    assert baseline.statuses("KAFKA-DLQ-001") == {"kafka/secure/topic/orders.created.v1": "FAIL"}
    dlq = baseline.findings("KAFKA-DLQ-001")[0]
    assert dlq["evidence"]["consumers"] == ["User:app"]
    assert dlq["evidence"]["dead_letter_topic"] == "orders.created.v1.dlq"
    assert baseline.statuses("KAFKA-ENV-001") == {"kafka/secure/cluster": "PASS"}

    suffix = uuid.uuid4().hex[:6]
    with topics_created(sasl_ssl_broker, "orders.created.v1.dlq", f"Scratch_{suffix}", f"dev.orders.created.v{suffix[:1]}9"):
        run = _scan(sasl_ssl_broker, tmp_path, *rules)

    assert run.statuses("KAFKA-DLQ-001") == {"kafka/secure/topic/orders.created.v1": "PASS"}
    assert run.statuses("KAFKA-TOPIC-001")[f"kafka/secure/topic/Scratch_{suffix}"] == "FAIL"
    [environment] = run.findings("KAFKA-ENV-001")
    assert environment["status"] == "FAIL"
    assert environment["evidence"]["environments_seen"] == {"non-prod": [f"topic dev.orders.created.v{suffix[:1]}9"]}


def test_server_properties_alone_assess_static_rules(sasl_ssl_broker, tmp_path):
    path = str(sasl_ssl_broker.work_dir / "server.properties")
    config = tmp_path / "streamaudit.yaml"
    config.write_text(f"version: 1\ntargets:\n  kafka:\n    - name: files\n      environment: prod\n      server_properties: ['{path}']\n")
    run = run_scan(tmp_path, "--config", "streamaudit.yaml", "--snapshot-out", "snapshot.json")

    assert run.report["scan"]["complete"] is True, run.stderr[-3000:]
    assert run.exit_code == 1
    by_rule = {}
    for finding in run.report["findings"]:
        by_rule.setdefault(finding["rule_id"], set()).add(finding["status"])
    assert by_rule["KAFKA-TLS-001"] == {"PASS"}
    assert by_rule["KAFKA-TLS-003"] == {"PASS"}
    assert by_rule["KAFKA-ACL-001"] == {"PASS"}
    assert by_rule["KAFKA-ACL-002"] == {"PASS"}
    assert by_rule["KAFKA-ACL-007"] == {"PASS"}
    assert by_rule["KAFKA-CLUSTER-001"] == {"PASS"}
    assert by_rule["KAFKA-AUTH-001"] == {"FAIL", "PASS"}
    for rule_id in ("KAFKA-TLS-004", "KAFKA-TLS-005", "KAFKA-AUTH-002", "KAFKA-AUTH-003", "KAFKA-ACL-003", "KAFKA-ACL-005", "KAFKA-TOPIC-002", "KAFKA-DLQ-001"):
        assert "NOT_ASSESSED" in by_rule[rule_id], rule_id
    acl001 = next(f for f in run.report["findings"] if f["rule_id"] == "KAFKA-ACL-001")
    assert acl001["evidence"]["sources"] == {"1": path}
    acl002 = next(f for f in run.report["findings"] if f["rule_id"] == "KAFKA-ACL-002")
    assert path in acl002["message"]
    topics = next(f for f in run.report["findings"] if f["rule_id"] == "KAFKA-TOPIC-002")
    assert "server.properties files only" in topics["message"]

    snapshot = (tmp_path / "snapshot.json").read_text()
    assert sasl_ssl_broker.server_certificate.key_pem.splitlines()[1] not in snapshot
    assert "ScramLoginModule" not in snapshot
