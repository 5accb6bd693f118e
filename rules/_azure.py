"""Helpers shared by the Azure Event Hubs rule modules."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.model.azure import AzureSubscription, EventHub, EventHubNamespace

EVENT_HUBS_DOCS = "https://learn.microsoft.com/azure/event-hubs"
CMK_SCOPES = ("dedicated", "premium", "all")


def namespaces(subscription: AzureSubscription) -> list[EventHubNamespace]:
    return list(subscription.namespaces or [])


def event_hubs(subscription: AzureSubscription) -> Iterator[tuple[EventHubNamespace, EventHub | None]]:
    """Yield (namespace, event hub) pairs; a namespace whose event hubs were not collected yields (namespace, None)."""
    for namespace in namespaces(subscription):
        if namespace.event_hubs is None:
            yield namespace, None
            continue
        for hub in namespace.event_hubs:
            yield namespace, hub


def tier(namespace: EventHubNamespace) -> str:
    """Return Dedicated for a namespace in a dedicated cluster, else the SKU name."""
    return "Dedicated" if namespace.dedicated else (namespace.sku_name or "unknown")


def is_basic(namespace: EventHubNamespace) -> bool:
    return namespace.sku_name == "Basic" and not namespace.dedicated


def effective_public_network_access(namespace: EventHubNamespace) -> tuple[str | None, str]:
    """Return the public network access in force and where it comes from.

    The ``networkRuleSets/default`` child's value overrides the namespace's
    own property when the rule set sets one.
    """
    rule_set = namespace.network_rule_set
    if rule_set is not None and rule_set.public_network_access:
        return rule_set.public_network_access, "networkRuleSets/default"
    return namespace.public_network_access, "namespace"


def namespace_evidence(namespace: EventHubNamespace) -> dict[str, object]:
    return {"namespace": namespace.name, "resource_group": namespace.resource_group, "tier": tier(namespace)}


def cmk_required(namespace: EventHubNamespace, scope: str) -> bool:
    """True when a customer-managed key is required for the namespace under a `require_cmk_for` value."""
    if scope not in CMK_SCOPES:
        raise ValueError(f"require_cmk_for must be one of {', '.join(CMK_SCOPES)}, not {scope!r}")
    if scope == "all":
        return True
    if scope == "premium":
        return namespace.dedicated or namespace.sku_name == "Premium"
    return namespace.dedicated
