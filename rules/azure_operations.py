"""Azure Event Hubs rules on architecture, traceability, monitoring and resilience."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from rules._azure import EVENT_HUBS_DOCS, event_hubs, is_basic, namespace_evidence, namespaces, tier
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.azure import AzureSubscription

ARCHITECTURE = "Azure Event Hubs §2.2 Architecture and throughput units"
DEFAULT_CONSUMER_GROUP = "$Default"


@rule(
    id="EVH-CAP-001",
    title="Event Hubs Capture archives raw events",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.eventhub",
    principle=f"{ARCHITECTURE}: use Event Hubs Capture to store raw events in Blob Storage for traceability",
    rationale="Capture keeps every event in Blob Storage or Data Lake beyond the hub's retention, so events can be traced and replayed.",
    remediation="Enable Capture on the event hub with a storage account or Data Lake destination.",
    references=[f"{EVENT_HUBS_DOCS}/event-hubs-capture-overview"],
    tags=["traceability"],
    params={"capture_scope": Param(["*"], "Event hub name patterns (shell-style, as in fnmatch) that must have Capture on; other hubs are NOT_APPLICABLE.")},
)
def capture_enabled(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    patterns = params["capture_scope"]
    for namespace, hub in event_hubs(subscription):
        if hub is None:
            yield not_assessed(subscription.resource_id(namespace), namespace.missing("eventhubs"), **namespace_evidence(namespace))
            continue

        resource = subscription.resource_id(namespace, "eventhub", hub.name)
        capture = hub.capture
        evidence = namespace_evidence(namespace) | {
            "event_hub": hub.name,
            "capture.enabled": capture.enabled if capture else None,
            "capture.destination": capture.destination if capture else None,
        }
        if is_basic(namespace):
            yield not_applicable(resource, f"Event hub {hub.name} is in a Basic namespace, where Capture is not available.", **evidence)
        elif not any(fnmatch.fnmatchcase(hub.name, pattern) for pattern in patterns):
            yield not_applicable(resource, f"Event hub {hub.name} matches no capture_scope pattern.", capture_scope=list(patterns), **evidence)
        elif capture is not None and capture.enabled:
            yield passed(resource, f"Event hub {hub.name} captures events to {capture.destination}.", **evidence)
        else:
            yield failed(resource, f"Event hub {hub.name} does not capture events.", **evidence)


@rule(
    id="EVH-ARCH-001",
    title="Each event hub has consumer groups besides $Default",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.eventhub",
    principle=f"{ARCHITECTURE}: assign event hubs by domain with consumer groups for each microservice",
    rationale="Consumers that share $Default share checkpoints and read limits, so one service's lag or replay disturbs the others.",
    remediation="Create one consumer group per consuming service and point each service at its own group.",
    references=[f"{EVENT_HUBS_DOCS}/event-hubs-features#consumer-groups"],
    tags=["architecture"],
)
def consumer_groups(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace, hub in event_hubs(subscription):
        if hub is None:
            yield not_assessed(subscription.resource_id(namespace), namespace.missing("eventhubs"), **namespace_evidence(namespace))
            continue

        resource = subscription.resource_id(namespace, "eventhub", hub.name)
        evidence = namespace_evidence(namespace) | {"event_hub": hub.name, "consumer_groups": hub.consumer_groups}
        if is_basic(namespace):
            yield not_applicable(resource, f"Event hub {hub.name} is in a Basic namespace, which allows only the $Default consumer group.", **evidence)
        elif hub.consumer_groups is None:
            yield not_assessed(resource, f"The consumer groups of event hub {hub.name} in namespace {namespace.name} could not be read.", **evidence)
        elif [group for group in hub.consumer_groups if group != DEFAULT_CONSUMER_GROUP]:
            yield passed(resource, f"Event hub {hub.name} has {len(hub.consumer_groups)} consumer group(s).", **evidence)
        else:
            yield failed(resource, f"Event hub {hub.name} has no consumer group besides $Default.", **evidence)


@rule(
    id="EVH-ARCH-002",
    title="Standard Event Hubs namespaces size throughput units or auto-inflate",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=f"{ARCHITECTURE}: allocate throughput units based on the expected ingestion rate",
    rationale=(
        "A Standard namespace left at the default single throughput unit without auto-inflate throttles producers "
        "(ServerBusy) as soon as ingress passes 1 MB/s or 1000 events/s."
    ),
    remediation="Turn on auto-inflate with a maximum above the current capacity, or set the capacity to the expected ingestion rate.",
    references=[f"{EVENT_HUBS_DOCS}/event-hubs-auto-inflate", f"{EVENT_HUBS_DOCS}/event-hubs-scalability"],
    tags=["capacity"],
)
def throughput_sized(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace) | {
            "capacity": namespace.capacity,
            "isAutoInflateEnabled": namespace.auto_inflate_enabled,
            "maximumThroughputUnits": namespace.maximum_throughput_units,
        }
        if tier(namespace) != "Standard":
            yield not_applicable(resource, f"Namespace {namespace.name} is {tier(namespace)}; throughput units and auto-inflate apply to the Standard tier.", **evidence)
        elif namespace.auto_inflate_enabled and (namespace.maximum_throughput_units or 0) > (namespace.capacity or 1):
            yield passed(resource, f"Namespace {namespace.name} auto-inflates from {namespace.capacity} to {namespace.maximum_throughput_units} throughput units.", **evidence)
        elif (namespace.capacity or 1) > 1:
            yield passed(resource, f"Namespace {namespace.name} is sized at {namespace.capacity} throughput units.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} runs on one throughput unit without auto-inflate.", **evidence)


@rule(
    id="EVH-MON-001",
    title="Event Hubs diagnostic settings send resource logs to a destination",
    severity=Severity.MEDIUM,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle="Azure Event Hubs §2.4 Resilience and monitoring: use Azure Monitor for ingestion rates, throttling and latency",
    rationale="Without a diagnostic setting, operational, runtime-audit and Kafka logs are not kept anywhere, so incidents cannot be investigated.",
    remediation="Add a diagnostic setting on the namespace that sends the allLogs or audit category group to a Log Analytics workspace, storage account or event hub.",
    references=[f"{EVENT_HUBS_DOCS}/monitor-event-hubs", "https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings"],
    tags=["monitoring"],
)
def diagnostic_logs(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace)
        if namespace.diagnostic_settings is None:
            yield not_assessed(resource, namespace.missing("diagnosticSettings"), **evidence)
            continue

        evidence["diagnostic_settings"] = {
            setting.name: {"logs": setting.enabled_log_categories, "destinations": setting.destinations}
            for setting in namespace.diagnostic_settings
        }
        sending = [setting.name for setting in namespace.diagnostic_settings if setting.enabled_log_categories and setting.destinations]
        if sending:
            yield passed(resource, f"Namespace {namespace.name} sends resource logs through diagnostic setting(s) {', '.join(sending)}.", **evidence)
        elif namespace.diagnostic_settings:
            yield failed(resource, f"Namespace {namespace.name} has diagnostic settings, but none sends resource logs to a destination.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} has no diagnostic setting.", **evidence)


@rule(
    id="EVH-RES-001",
    title="Event Hubs namespace has a quarantine event hub",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle="Azure Event Hubs §2.4 Resilience and monitoring: route malformed or unauthorized events to a separate quarantine hub",
    rationale="Without a quarantine hub, consumers either drop malformed events or stop on them, and the events cannot be inspected later.",
    remediation="Create an event hub for malformed and unauthorized events (named to match quarantine_name_pattern) and route rejected events to it.",
    references=[f"{EVENT_HUBS_DOCS}/event-hubs-features"],
    tags=["resilience"],
    params={"quarantine_name_pattern": Param(r"(?i)(quarantine|dead-?letter|dlq|poison)", "Regular expression searched in event hub names to find the quarantine hub.")},
)
def quarantine_hub(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    pattern = re.compile(params["quarantine_name_pattern"])
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace) | {"quarantine_name_pattern": pattern.pattern}
        if namespace.event_hubs is None:
            yield not_assessed(resource, namespace.missing("eventhubs"), **evidence)
            continue

        evidence["event_hubs"] = [hub.name for hub in namespace.event_hubs]
        matches = [hub.name for hub in namespace.event_hubs if pattern.search(hub.name)]
        if matches:
            yield passed(resource, f"Namespace {namespace.name} has quarantine event hub(s) {', '.join(matches)}.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} has no event hub matching {pattern.pattern}.", **evidence)
