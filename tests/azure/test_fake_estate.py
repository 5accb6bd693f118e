"""End-to-end scans of the fake estate: adapter, real SDK clients, fake ARM server and every EVH rule."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from scanner.adapters.azure import collect_azure
from scanner.config import RuleSelection
from scanner.engine import evaluate, select_rules
from scanner.model import Provenance, Snapshot
from scanner.model.azure import AzureSection
from tests.azure.conftest import target_for
from tests.azure.fake_arm import arm_error

pytestmark = pytest.mark.azure

PRODUCTION = "0b1f6471-1bf0-4dda-aec3-111111111111"
SANDBOX = "5c6a2f2e-9d7b-4a39-8f43-222222222222"
ANALYTICS = "9e3c1d4b-7a8f-4c2e-b6d5-333333333333"

NAMESPACES = {
    "secure": f"azure/contoso/{PRODUCTION}/rg-streaming/ns-secure",
    "legacy": f"azure/contoso/{PRODUCTION}/rg-legacy/ns-legacy",
    "basic": f"azure/contoso/{PRODUCTION}/rg-edge/ns-basic",
    "perimeter": f"azure/contoso/{PRODUCTION}/rg-edge/ns-perimeter",
    "lowercase": f"azure/contoso/{PRODUCTION}/rg-streaming/ns-lowercase",
    "analytics": f"azure/contoso/{ANALYTICS}/rg-analytics/ns-analytics",
}

# One line per expected finding: rule, namespace (with /eventhub/<name> for hub rules), status.
# The sandbox subscription cannot be read, so every rule reports it NOT_ASSESSED at the target root.
EXPECTED = """
EVH-AUTH-001 secure PASS | legacy FAIL | basic FAIL | perimeter PASS | lowercase PASS | analytics PASS
EVH-AUTH-002 secure PASS | legacy FAIL | basic PASS | perimeter PASS | lowercase NOT_ASSESSED | analytics PASS
EVH-AUTH-003 secure PASS | legacy FAIL | basic FAIL | perimeter PASS | lowercase PASS | analytics PASS
EVH-NET-001 secure PASS | legacy FAIL | basic FAIL | perimeter PASS | lowercase PASS | analytics PASS
EVH-NET-002 secure NOT_APPLICABLE | legacy FAIL | basic NOT_APPLICABLE | perimeter PASS | lowercase PASS | analytics NOT_APPLICABLE
EVH-NET-003 secure PASS | legacy FAIL | basic FAIL | perimeter FAIL | lowercase FAIL | analytics PASS
EVH-TLS-001 secure PASS | legacy FAIL | basic PASS | perimeter PASS | lowercase PASS | analytics PASS
EVH-ENC-001 secure PASS | legacy NOT_APPLICABLE | basic NOT_APPLICABLE | perimeter NOT_APPLICABLE | lowercase NOT_APPLICABLE | analytics NOT_APPLICABLE
EVH-ENC-002 secure PASS | legacy NOT_APPLICABLE | basic NOT_APPLICABLE | perimeter NOT_APPLICABLE | lowercase NOT_APPLICABLE | analytics NOT_APPLICABLE
EVH-ENC-003 secure PASS | legacy NOT_APPLICABLE | basic NOT_APPLICABLE | perimeter NOT_APPLICABLE | lowercase NOT_APPLICABLE | analytics NOT_ASSESSED
EVH-CAP-001 secure/eventhub/orders.created.v1 PASS | secure/eventhub/orders.quarantine PASS | legacy/eventhub/telemetry FAIL | basic/eventhub/sensor-readings NOT_APPLICABLE | perimeter/eventhub/payments.v1 FAIL | lowercase NOT_ASSESSED | analytics/eventhub/clickstream PASS | analytics/eventhub/clickstream-deadletter PASS
EVH-ARCH-001 secure/eventhub/orders.created.v1 PASS | secure/eventhub/orders.quarantine PASS | legacy/eventhub/telemetry FAIL | basic/eventhub/sensor-readings NOT_APPLICABLE | perimeter/eventhub/payments.v1 PASS | lowercase NOT_ASSESSED | analytics/eventhub/clickstream PASS | analytics/eventhub/clickstream-deadletter PASS
EVH-ARCH-002 secure NOT_APPLICABLE | legacy FAIL | basic NOT_APPLICABLE | perimeter NOT_APPLICABLE | lowercase PASS | analytics NOT_APPLICABLE
EVH-MON-001 secure PASS | legacy FAIL | basic FAIL | perimeter PASS | lowercase PASS | analytics NOT_ASSESSED
EVH-RES-001 secure PASS | legacy FAIL | basic FAIL | perimeter FAIL | lowercase NOT_ASSESSED | analytics PASS
"""


def expected_table() -> set[tuple[str, str, str]]:
    table = set()
    for line in EXPECTED.strip().splitlines():
        rule_id, rest = line.split(" ", 1)
        for cell in rest.split(" | "):
            where, status = cell.rsplit(" ", 1)
            alias, _, child = where.partition("/")
            resource = NAMESPACES[alias] + (f"/{child}" if child else "")
            table.add((rule_id, resource, status))
        table.add((rule_id, f"azure/contoso/{SANDBOX}", "NOT_ASSESSED"))
    return table


def scan(target) -> tuple[Snapshot, list]:
    units, provenance = collect_azure(target)
    now = datetime.now(timezone.utc)
    snapshot = Snapshot(
        provenance=Provenance(tool_version="test", started_at=now, finished_at=now, targets=[provenance]),
        azure=AzureSection(subscriptions=units),
    )
    evaluation = evaluate(snapshot, select_rules(RuleSelection(providers=["azure"])))
    return snapshot, evaluation.findings


def test_fake_estate_result_table(fake_arm):
    snapshot, findings = scan(target_for(fake_arm))

    table = {(finding.rule_id, finding.resource_id, finding.status.value) for finding in findings}
    expected = expected_table()
    assert sorted(table - expected) == [], "unexpected findings"
    assert sorted(expected - table) == [], "missing findings"
    assert len(findings) == len(expected), "a resource was reported twice by one rule"


def test_fake_estate_sends_only_reads(fake_arm):
    scan(target_for(fake_arm))

    methods = {request.method for request in fake_arm.requests}
    assert methods == {"GET"}
    assert not [request.path for request in fake_arm.requests if "listkeys" in request.path.lower()]
    assert all(request.authorization == f"Bearer {fake_arm.token}" for request in fake_arm.requests)


def test_fake_estate_api_versions(fake_arm):
    scan(target_for(fake_arm))

    versions = {}
    for request in fake_arm.requests:
        path = request.path.lower()
        kind = (
            "insights" if "microsoft.insights" in path
            else "keyvault" if "microsoft.keyvault" in path
            else "eventhub" if "microsoft.eventhub" in path
            else "subscriptions"
        )
        versions.setdefault(kind, set()).update(request.query["api-version"])
    assert versions == {
        "subscriptions": {"2022-12-01"},
        "eventhub": {"2026-01-01"},
        "keyvault": {"2026-05-15"},
        "insights": {"2021-05-01-preview"},
    }


def test_fake_estate_follows_next_links(fake_arm):
    snapshot, _ = scan(target_for(fake_arm))

    production = next(unit for unit in snapshot.azure.subscriptions if unit.subscription_id == PRODUCTION)
    assert [namespace.name for namespace in production.namespaces] == ["ns-basic", "ns-perimeter", "ns-legacy", "ns-lowercase", "ns-secure"]
    legacy = next(namespace for namespace in production.namespaces if namespace.name == "ns-legacy")
    assert [rule.name for rule in legacy.authorization_rules] == ["legacy-app", "RootManageSharedAccessKey"]
    assert any("$skiptoken" in request.query for request in fake_arm.requests if request.path == "/subscriptions")


def test_fake_estate_throttled_list_retried(fake_arm):
    snapshot, _ = scan(target_for(fake_arm))

    listing = f"/subscriptions/{ANALYTICS}/providers/Microsoft.EventHub/namespaces"
    assert len([request for request in fake_arm.requests if request.path == listing]) == 2
    analytics = next(unit for unit in snapshot.azure.subscriptions if unit.subscription_id == ANALYTICS)
    assert analytics.collection_error is None
    assert [namespace.name for namespace in analytics.namespaces] == ["ns-analytics"]


def test_fake_estate_errors_recorded(fake_arm):
    snapshot, _ = scan(target_for(fake_arm))

    errors = {error.scope: error for error in snapshot.provenance.targets[0].errors}
    assert errors[f"subscription {SANDBOX}"].kind == "denied"
    assert "AuthorizationFailed" in errors[f"subscription {SANDBOX}"].message
    assert errors[f"subscription {PRODUCTION} namespace ns-lowercase: eventhubs"].kind == "denied"
    assert errors[f"subscription {ANALYTICS} namespace ns-analytics: diagnosticSettings"].kind == "error"
    assert "503" in errors[f"subscription {ANALYTICS} namespace ns-analytics: diagnosticSettings"].message
    sandbox = next(unit for unit in snapshot.azure.subscriptions if unit.subscription_id == SANDBOX)
    assert sandbox.namespaces is None
    assert SANDBOX in sandbox.collection_error


def test_fake_estate_snapshot_deterministic(fake_arm):
    first, _ = scan(target_for(fake_arm))
    second, _ = scan(target_for(fake_arm, concurrency=1))

    assert first.azure.model_dump_json() == second.azure.model_dump_json()


def test_fake_estate_normalises_casing(fake_arm):
    snapshot, _ = scan(target_for(fake_arm))

    production = next(unit for unit in snapshot.azure.subscriptions if unit.subscription_id == PRODUCTION)
    by_name = {namespace.name: namespace for namespace in production.namespaces}
    lowercase = by_name["ns-lowercase"]
    assert lowercase.network_rule_set.default_action == "Deny"
    assert lowercase.network_rule_set.default_action_raw == "deny"
    assert lowercase.public_network_access == "Enabled"
    assert lowercase.identity.type == "UserAssigned"
    assert by_name["ns-secure"].identity.type == "SystemAssigned, UserAssigned"
    assert by_name["ns-secure"].identity.system_assigned
    assert by_name["ns-perimeter"].perimeter_configurations[0].access_mode == "EnforcedMode"
    assert by_name["ns-basic"].network_rule_set.ip_rules == []
    assert by_name["ns-legacy"].minimum_tls_version == "1.0"


def test_wrong_token_not_assessed(fake_arm, monkeypatch):
    monkeypatch.setenv("STREAMAUDIT_TEST_ARM_TOKEN", "not-the-token")
    units, provenance = collect_azure(target_for(fake_arm))

    assert len(units) == 1
    assert units[0].collection_error is not None
    assert "401" in units[0].collection_error
    assert [error.scope for error in provenance.errors] == ["target"]
    assert provenance.errors[0].kind == "authentication"
    assert "not-the-token" not in units[0].collection_error


def test_long_retry_after_capped(fake_arm):
    listing = f"/subscriptions/{SANDBOX}/providers/microsoft.eventhub/namespaces"
    fake_arm.routes[listing] = [arm_error(429, "TooManyRequests", "The request is being throttled.", **{"Retry-After": "3600"})]
    started = time.monotonic()
    units, provenance = collect_azure(target_for(fake_arm, subscriptions=[SANDBOX], max_retries=1, max_retry_after_seconds=0.2))

    assert time.monotonic() - started < 30
    assert len([request for request in fake_arm.requests if request.path.lower() == listing]) == 2
    assert provenance.errors[0].kind == "throttled"
    assert "still throttled" in units[0].collection_error
