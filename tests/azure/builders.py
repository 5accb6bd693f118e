"""Builders of Azure snapshot models for rule tests, and a runner that evaluates one rule."""

from __future__ import annotations

from typing import Any

from rules import all_rules
from scanner.model.azure import AzureSubscription, EventHub, EventHubNamespace, NetworkRuleSet

SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-111111111111"


def namespace(name: str = "ns", sku: str = "Standard", **fields: Any) -> EventHubNamespace:
    """Return a Standard namespace that every rule can read, with `fields` overriding the defaults."""
    defaults: dict[str, Any] = {
        "name": name,
        "resource_group": "rg",
        "arm_id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/{name}",
        "sku_name": sku,
        "sku_tier": sku,
        "capacity": 1,
        "minimum_tls_version": "1.2",
        "public_network_access": "Enabled",
        "network_rule_set": NetworkRuleSet(default_action="Deny", default_action_raw="Deny", public_network_access="Enabled"),
        "private_endpoint_connections": [],
        "authorization_rules": [],
        "event_hubs": [],
        "diagnostic_settings": [],
    }
    return EventHubNamespace(**(defaults | fields))


def hub(name: str = "orders", **fields: Any) -> EventHub:
    return EventHub(**({"name": name, "authorization_rules": [], "consumer_groups": ["$Default"]} | fields))


def subscription(*namespaces: EventHubNamespace) -> AzureSubscription:
    return AzureSubscription(target="t", subscription_id=SUBSCRIPTION, namespaces=list(namespaces))


def run(rule_id: str, unit: AzureSubscription, **params: Any) -> list[tuple[str, str, str]]:
    """Return (resource id after the subscription, status, message) of each outcome of one rule."""
    rule = all_rules()[rule_id]
    prefix = f"azure/t/{SUBSCRIPTION}/"
    return [
        (outcome.resource_id.removeprefix(prefix), outcome.status.value, outcome.message)
        for outcome in rule.check(unit, rule.defaults | params)
    ]


def statuses(rule_id: str, *namespaces: EventHubNamespace, **params: Any) -> list[str]:
    return [status for _, status, _ in run(rule_id, subscription(*namespaces), **params)]
