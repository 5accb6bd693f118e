"""Synthetic Azure subscriptions: Event Hubs namespaces with event hubs, SAS rules and diagnostic settings.

Namespaces are Standard (most), Premium or Basic. Each has
`Mix.event_hubs_per_namespace` event hubs, the last of which is a
dead-letter hub. Defects: local (SAS) authentication on, public network
access with default action Allow, TLS 1.0, no private endpoint, no
diagnostic setting, extra SAS rules with Manage, hubs without capture or
consumer groups.
"""

from __future__ import annotations

import random

from benchmarks.estate.common import Mix, split
from scanner.model.azure import (
    AuthorizationRule,
    AzureSubscription,
    Capture,
    DiagnosticSetting,
    EventHub,
    EventHubNamespace,
    ManagedIdentity,
    NetworkRuleSet,
    PrivateEndpointConnection,
)

ROOT_RULE = AuthorizationRule(name="RootManageSharedAccessKey", rights=["Listen", "Manage", "Send"])


def subscriptions(rng: random.Random, budget: int, mix: Mix) -> list[AzureSubscription]:
    """Return subscriptions whose namespaces and event hubs add up to about `budget` resources."""
    if budget <= 0:
        return []
    namespace_count = max(1, round(budget / (1 + mix.event_hubs_per_namespace)))
    result = []
    for index, count in enumerate(split(namespace_count, mix.azure_namespaces_per_subscription)):
        subscription_id = f"{index:08x}-0000-4000-8000-00000000bench"[:36]
        namespaces = [_namespace(rng, subscription_id, number, mix) for number in range(count)]
        result.append(
            AzureSubscription(target=f"azure-{index // 10:02d}", subscription_id=subscription_id, display_name=f"Bench {index}", namespaces=namespaces)
        )
    return result


def _namespace(rng: random.Random, subscription_id: str, number: int, mix: Mix) -> EventHubNamespace:
    name = f"evhns-{number:05d}"
    group = f"rg-{number // 100:03d}"
    arm_id = f"/subscriptions/{subscription_id}/resourceGroups/{group}/providers/Microsoft.EventHub/namespaces/{name}"
    sku = rng.choices(("Standard", "Premium", "Basic"), weights=(80, 15, 5))[0]
    fields: dict = {
        "minimum_tls_version": "1.2",
        "public_network_access": "Enabled",
        "public_network_access_raw": "Enabled",
        "disable_local_auth": True,
        "identity": ManagedIdentity(type="SystemAssigned", type_raw="SystemAssigned", system_assigned=True, principal_id=f"{number:08x}-0000-4000-8000-000000000000"),
        "network_rule_set": NetworkRuleSet(default_action="Deny", default_action_raw="Deny", public_network_access="Enabled", public_network_access_raw="Enabled",
                                           trusted_service_access_enabled=True),
        "private_endpoint_connections": [] if sku == "Basic" else [
            PrivateEndpointConnection(name=f"pe-{name}", status="Approved", status_raw="Approved", provisioning_state="Succeeded",
                                      private_endpoint_id=f"/subscriptions/{subscription_id}/resourceGroups/rg-network/providers/Microsoft.Network/privateEndpoints/pe-{name}"),
        ],
        "authorization_rules": [ROOT_RULE],
        "diagnostic_settings": [
            DiagnosticSetting(name="to-law", enabled_log_categories=["ArchiveLogs", "OperationalLogs", "RuntimeAuditLogs"], enabled_metric_categories=["AllMetrics"],
                              destinations=["logAnalytics"]),
        ],
    }
    if rng.random() < mix.fail_share:
        defect = rng.choice(("local_auth", "public", "tls", "private_endpoint", "diagnostics", "sas"))
        if defect == "local_auth":
            fields["disable_local_auth"] = False
        elif defect == "public":
            fields["network_rule_set"] = NetworkRuleSet(default_action="Allow", default_action_raw="Allow", public_network_access="Enabled", public_network_access_raw="Enabled")
        elif defect == "tls":
            fields["minimum_tls_version"] = "1.0"
        elif defect == "private_endpoint":
            fields["private_endpoint_connections"] = []
        elif defect == "diagnostics":
            fields["diagnostic_settings"] = []
        else:
            fields["authorization_rules"] = [ROOT_RULE, AuthorizationRule(name="app-manage", rights=["Listen", "Manage", "Send"])]

    hubs = [_event_hub(rng, f"{name}-hub-{position:02d}", sku, mix.fail_share) for position in range(mix.event_hubs_per_namespace - 1)]
    hubs.append(_event_hub(rng, "deadletter", sku, 0.0))
    return EventHubNamespace(
        name=name, resource_group=group, arm_id=arm_id, location=rng.choice(("westeurope", "northeurope", "eastus2")),
        sku_name=sku, sku_tier=sku, capacity=rng.choice((1, 2, 4)), zone_redundant=True, kafka_enabled=sku != "Basic",
        auto_inflate_enabled=sku == "Standard" and rng.random() < 0.5, maximum_throughput_units=10 if sku == "Standard" else 0,
        event_hubs=hubs, schema_groups=[], geo_disaster_recovery_aliases=[], **fields,
    )


def _event_hub(rng: random.Random, name: str, sku: str, fail_share: float) -> EventHub:
    bad = rng.random() < fail_share
    capture = None if sku == "Basic" else Capture(
        enabled=not bad, destination="EventHubArchive.AzureBlockBlob", encoding="Avro", interval_seconds=300, size_limit_bytes=314572800,
    )
    return EventHub(
        name=name, partition_count=rng.choice((2, 4, 8, 32)), message_retention_days=7, retention_hours=168, cleanup_policy="Delete", status="Active",
        capture=capture, authorization_rules=[AuthorizationRule(name="send", rights=["Send"])],
        consumer_groups=["$Default"] if bad else ["$Default", "analytics", "archiver"],
    )
