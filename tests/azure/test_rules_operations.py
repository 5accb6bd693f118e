"""Edge cases of the Event Hubs Capture, architecture, monitoring and quarantine rules, on snapshot models."""

from __future__ import annotations

from scanner.model.azure import Capture, DiagnosticSetting
from tests.azure.builders import hub, namespace, run, statuses, subscription


def test_cap001_capture_states():
    hubs = [hub("on", capture=Capture(enabled=True, destination="EventHubArchive.AzureBlockBlob")), hub("off", capture=Capture(enabled=False)), hub("absent", capture=None)]
    results = {resource: status for resource, status, _ in run("EVH-CAP-001", subscription(namespace(event_hubs=hubs)))}
    assert results == {"rg/ns/eventhub/on": "PASS", "rg/ns/eventhub/off": "FAIL", "rg/ns/eventhub/absent": "FAIL"}


def test_cap001_scope_and_basic():
    ns = namespace(event_hubs=[hub("orders.v1"), hub("scratch")])
    assert statuses("EVH-CAP-001", ns, capture_scope=["orders.*"]) == ["FAIL", "NOT_APPLICABLE"]
    assert statuses("EVH-CAP-001", namespace(sku="Basic", event_hubs=[hub()])) == ["NOT_APPLICABLE"]
    assert statuses("EVH-CAP-001", namespace(event_hubs=None)) == ["NOT_ASSESSED"]


def test_arch001_consumer_groups():
    assert statuses("EVH-ARCH-001", namespace(event_hubs=[hub(consumer_groups=["$Default", "billing"])])) == ["PASS"]
    assert statuses("EVH-ARCH-001", namespace(event_hubs=[hub(consumer_groups=["$Default"])])) == ["FAIL"]
    assert statuses("EVH-ARCH-001", namespace(event_hubs=[hub(consumer_groups=None)])) == ["NOT_ASSESSED"]
    assert statuses("EVH-ARCH-001", namespace(sku="Basic", event_hubs=[hub()])) == ["NOT_APPLICABLE"]


def test_arch002_throughput():
    assert statuses("EVH-ARCH-002", namespace(capacity=1, auto_inflate_enabled=False)) == ["FAIL"]
    assert statuses("EVH-ARCH-002", namespace(capacity=1, auto_inflate_enabled=True, maximum_throughput_units=1)) == ["FAIL"]
    assert statuses("EVH-ARCH-002", namespace(capacity=1, auto_inflate_enabled=True, maximum_throughput_units=8)) == ["PASS"]
    assert statuses("EVH-ARCH-002", namespace(capacity=4, auto_inflate_enabled=False)) == ["PASS"]
    assert statuses("EVH-ARCH-002", namespace(sku="Premium")) == ["NOT_APPLICABLE"]
    assert statuses("EVH-ARCH-002", namespace(sku="Basic")) == ["NOT_APPLICABLE"]


def test_mon001_diagnostic_settings():
    logs = DiagnosticSetting(name="s", enabled_log_categories=["allLogs"], destinations=["workspaceId"])
    no_destination = DiagnosticSetting(name="s", enabled_log_categories=["allLogs"], destinations=[])
    metrics_only = DiagnosticSetting(name="s", enabled_metric_categories=["AllMetrics"], destinations=["workspaceId"])
    assert statuses("EVH-MON-001", namespace(diagnostic_settings=[logs])) == ["PASS"]
    assert statuses("EVH-MON-001", namespace(diagnostic_settings=[no_destination])) == ["FAIL"]
    assert statuses("EVH-MON-001", namespace(diagnostic_settings=[metrics_only])) == ["FAIL"]
    assert statuses("EVH-MON-001", namespace(diagnostic_settings=[])) == ["FAIL"]
    assert statuses("EVH-MON-001", namespace(diagnostic_settings=None)) == ["NOT_ASSESSED"]


def test_res001_quarantine_hub():
    assert statuses("EVH-RES-001", namespace(event_hubs=[hub("orders"), hub("orders-DLQ")])) == ["PASS"]
    assert statuses("EVH-RES-001", namespace(event_hubs=[hub("orders")])) == ["FAIL"]
    assert statuses("EVH-RES-001", namespace(event_hubs=[hub("orders.rejects")]), quarantine_name_pattern=r"\.rejects$") == ["PASS"]
    assert statuses("EVH-RES-001", namespace(event_hubs=None)) == ["NOT_ASSESSED"]
