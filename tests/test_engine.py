"""Rule selection, parameters, waivers, unit errors and exit codes."""

from datetime import date, datetime, timedelta, timezone

import pytest

from scanner.config import RuleSelection
from scanner.engine import evaluate, exit_code, select_rules
from scanner.errors import InputError
from scanner.findings import Severity, Status, Waiver, fingerprint
from scanner.model import CollectionError, ErrorKind, Provenance, Snapshot, TargetProvenance
from scanner.model.kafka import KafkaCluster, KafkaSection
from tests.kafka.builders import broker, cluster, listener

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def snapshot(*clusters: KafkaCluster, errors: list[CollectionError] | None = None) -> Snapshot:
    targets = [TargetProvenance(provider="kafka", target=unit.target, errors=errors or []) for unit in clusters]
    provenance = Provenance(tool_version="test", started_at=NOW, finished_at=NOW, targets=targets)
    return Snapshot(provenance=provenance, kafka=KafkaSection(clusters=list(clusters)))


def ids(selection: RuleSelection) -> list[str]:
    return [evaluated.rule.id for evaluated in select_rules(selection)]


def test_select_by_pattern_skip_and_severity():
    assert ids(RuleSelection(select=["KAFKA-TLS-*"], skip=["KAFKA-TLS-002"])) == ["KAFKA-TLS-001", "KAFKA-TLS-003", "KAFKA-TLS-004", "KAFKA-TLS-005", "KAFKA-TLS-006", "KAFKA-TLS-007"]
    critical = ids(RuleSelection(providers=["kafka"], min_severity=Severity.CRITICAL))
    assert "KAFKA-ACL-001" in critical
    assert "KAFKA-TLS-001" not in critical


def test_select_by_provider_excludes_others():
    assert ids(RuleSelection(providers=["azure"], select=["KAFKA-*"])) == []


def test_unknown_selection_and_params_rejected():
    with pytest.raises(InputError, match="matches no rule"):
        select_rules(RuleSelection(select=["KAFKA-NOPE-*"]))
    with pytest.raises(InputError, match="unknown rule 'KAFKA-XYZ-001'"):
        select_rules(RuleSelection(params={"KAFKA-XYZ-001": {}}))
    with pytest.raises(InputError, match="unknown parameter 'min_rf'.*min_replication_factor"):
        select_rules(RuleSelection(params={"KAFKA-TOPIC-002": {"min_rf": 2}}))


def test_param_types_checked():
    with pytest.raises(InputError, match="must be of type int, like 3, not 'three'"):
        select_rules(RuleSelection(params={"KAFKA-TOPIC-002": {"min_replication_factor": "three"}}))
    with pytest.raises(InputError, match="must be of type list"):
        select_rules(RuleSelection(params={"KAFKA-AUTH-001": {"approved_methods": "mtls"}}))
    selected = select_rules(RuleSelection(select=["KAFKA-TOPIC-002"], params={"KAFKA-TOPIC-002": {"min_replication_factor": 2}}))
    assert selected[0].params == {"min_replication_factor": 2}


def test_uncollected_unit_is_not_assessed_for_every_rule():
    down = KafkaCluster(target="down", bootstrap="h:1", collection_error="cannot reach h:1")
    errors = [CollectionError(scope="target", kind=ErrorKind.UNREACHABLE, message="cannot reach h:1")]
    shot = snapshot(down, errors=errors)
    rules = select_rules(RuleSelection(providers=["kafka"]))
    evaluation = evaluate(shot, rules)
    assert {finding.status for finding in evaluation.findings} == {Status.NOT_ASSESSED}
    assert len(evaluation.findings) == len(rules)
    assert evaluation.findings[0].resource_id == "kafka/down"
    assert "cannot reach h:1" in evaluation.findings[0].message
    assert exit_code(evaluation, shot, Severity.LOW) == 3
    assert exit_code(evaluation, shot, Severity.LOW, allow_partial=True) == 0


def test_exit_codes_follow_fail_on():
    plaintext = cluster([broker(listener("PLAINTEXT", "PLAINTEXT"), auto_create_topics_enable="true")])
    shot = snapshot(plaintext)
    evaluation = evaluate(shot, select_rules(RuleSelection(select=["KAFKA-CLUSTER-001"])))
    assert evaluation.count(Status.FAIL) == 1
    assert exit_code(evaluation, shot, Severity.LOW) == 1
    assert exit_code(evaluation, shot, Severity.MEDIUM) == 0


def test_waiver_suppresses_until_expiry():
    unit = cluster([broker(listener("PLAINTEXT", "PLAINTEXT"), auto_create_topics_enable="true")])
    rules = select_rules(RuleSelection(select=["KAFKA-CLUSTER-001"]))
    valid = Waiver(rule="KAFKA-CLUSTER-001", resource="kafka/prod/broker/1", reason="legacy", owner="team-a", expires=date.today())
    expired = valid.model_copy(update={"expires": date.today() - timedelta(days=1)})

    suppressed = evaluate(snapshot(unit), rules, [valid]).findings[0]
    assert suppressed.status == Status.SUPPRESSED
    assert suppressed.waiver == valid
    assert evaluate(snapshot(unit), rules, [expired]).findings[0].status == Status.FAIL


def test_failing_rule_becomes_not_assessed(monkeypatch):
    rules = select_rules(RuleSelection(select=["KAFKA-TOPIC-002"]))
    broken = rules[0].rule.__class__(**{**rules[0].rule.__dict__, "check": lambda unit, params: 1 / 0})
    evaluation = evaluate(snapshot(cluster()), [rules[0].__class__(broken, rules[0].params)])
    assert [finding.status for finding in evaluation.findings] == [Status.NOT_ASSESSED]
    assert "ZeroDivisionError" in evaluation.findings[0].message


def test_fingerprint_is_stable():
    assert fingerprint("KAFKA-TLS-001", "kafka/prod/broker/1/listener/SSL") == fingerprint("KAFKA-TLS-001", "kafka/prod/broker/1/listener/SSL")
    assert fingerprint("A", "b") != fingerprint("A", "c")
    assert len(fingerprint("A", "b")) == 32
