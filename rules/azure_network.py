"""Azure Event Hubs rules on network exposure and transport security."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from rules._azure import EVENT_HUBS_DOCS, effective_public_network_access, is_basic, namespace_evidence, namespaces
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.azure import AzureSubscription, EventHubNamespace

NETWORK_PRINCIPLE = "Azure Event Hubs §2.5 Security and compliance: apply IP firewall rules and private endpoints"
UPGRADE = "The Basic tier has no IP firewall and no private endpoints: move the namespace to Standard or Premium."


def _perimeter_enforced(namespace: EventHubNamespace) -> bool | None:
    """True when a network security perimeter association is in enforced mode; None when unknown."""
    if namespace.perimeter_configurations is None:
        return None
    return any(config.access_mode == "EnforcedMode" for config in namespace.perimeter_configurations)


def _network_evidence(namespace: EventHubNamespace) -> dict[str, object]:
    rule_set = namespace.network_rule_set
    return namespace_evidence(namespace) | {
        "namespace.publicNetworkAccess": namespace.public_network_access_raw,
        "networkRuleSets/default.publicNetworkAccess": rule_set.public_network_access_raw if rule_set else None,
        "networkRuleSets/default.defaultAction": rule_set.default_action_raw if rule_set else None,
        "trustedServiceAccessEnabled": rule_set.trusted_service_access_enabled if rule_set else None,
    }


@rule(
    id="EVH-NET-001",
    title="Event Hubs public network access is off, or the firewall denies by default",
    severity=Severity.HIGH,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=NETWORK_PRINCIPLE,
    rationale=(
        "A namespace that accepts connections from any address relies on shared keys or tokens alone. The public network "
        "access of the networkRuleSets/default child overrides the namespace's own property, so both are read. "
        "SecuredByPerimeter hands control to a network security perimeter, which protects the namespace only in enforced mode."
    ),
    remediation=(
        "Set publicNetworkAccess to Disabled and connect through private endpoints, or set the network rule set's "
        "defaultAction to Deny with IP and virtual network rules for the allowed sources. On the Basic tier, upgrade to Standard or Premium first."
    ),
    references=[f"{EVENT_HUBS_DOCS}/network-security", f"{EVENT_HUBS_DOCS}/event-hubs-ip-filtering"],
    tags=["network"],
)
def public_access_restricted(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = _network_evidence(namespace)
        if namespace.network_rule_set is None:
            yield not_assessed(resource, namespace.missing("networkRuleSets"), **evidence)
            continue

        access, source = effective_public_network_access(namespace)
        evidence |= {"effective_public_network_access": access, "decided_by": source}
        if access == "Disabled":
            yield passed(resource, f"Namespace {namespace.name} has public network access disabled ({source}).", **evidence)
            continue
        if is_basic(namespace):
            yield failed(resource, f"Namespace {namespace.name} is on the Basic tier and accepts public traffic from any address. {UPGRADE}", **evidence)
            continue

        if access == "SecuredByPerimeter":
            enforced = _perimeter_enforced(namespace)
            evidence["perimeter_access_modes"] = [config.access_mode_raw for config in namespace.perimeter_configurations or []]
            if enforced is None:
                yield not_assessed(resource, namespace.missing("networkSecurityPerimeterConfigurations"), **evidence)
                continue
            if enforced:
                yield passed(resource, f"Namespace {namespace.name} is secured by a network security perimeter in enforced mode.", **evidence)
                continue

        if namespace.network_rule_set.default_action == "Deny":
            yield passed(resource, f"Namespace {namespace.name} allows public access only through its firewall (default action Deny).", **evidence)
        elif access == "SecuredByPerimeter":
            yield failed(resource, f"Namespace {namespace.name} is SecuredByPerimeter, but no perimeter association is enforced and the firewall default action is {namespace.network_rule_set.default_action_raw}.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} accepts public traffic from any address (default action {namespace.network_rule_set.default_action_raw}).", **evidence)


def _ip_network(mask: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(mask.strip(), strict=False)
    except ValueError:
        return None


@rule(
    id="EVH-NET-002",
    title="Event Hubs IP firewall rules are no wider than allowed",
    severity=Severity.HIGH,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=NETWORK_PRINCIPLE,
    rationale="An IP rule such as 0.0.0.0/0 or a /8 range turns a Deny default action back into access from most of the internet.",
    remediation="Replace wide IP rules with the egress addresses of the producers and consumers, or list the approved ranges in allowed_cidrs.",
    references=[f"{EVENT_HUBS_DOCS}/event-hubs-ip-filtering"],
    tags=["network"],
    params={
        "min_ip_prefix_length": Param(
            24, "Smallest IPv4 prefix length an IP rule may have: 24 allows at most a /24 (256 addresses). IPv6 rules must be at least 4 times this value bits long, capped at 128."
        ),
        "allowed_cidrs": Param([], "Ranges that may appear even when wider than the limit, such as a corporate egress range (CIDR notation)."),
    },
)
def ip_rules_narrow(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    minimum = params["min_ip_prefix_length"]
    allowed = [network for network in (_ip_network(cidr) for cidr in params["allowed_cidrs"]) if network is not None]

    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace) | {"min_ip_prefix_length": minimum, "allowed_cidrs": list(params["allowed_cidrs"])}
        if is_basic(namespace):
            yield not_applicable(resource, f"Namespace {namespace.name} is on the Basic tier, which has no IP firewall rules.", **evidence)
            continue
        if namespace.network_rule_set is None:
            yield not_assessed(resource, namespace.missing("networkRuleSets"), **evidence)
            continue
        access, source = effective_public_network_access(namespace)
        if access == "Disabled":
            yield not_applicable(resource, f"Namespace {namespace.name} has public network access disabled ({source}), so its IP rules admit no traffic.", **evidence)
            continue

        masks = [ip_rule.ip_mask for ip_rule in namespace.network_rule_set.ip_rules]
        evidence["ip_rules"] = masks
        too_wide = []
        for mask in masks:
            network = _ip_network(mask)
            if network is None:
                too_wide.append(f"{mask} (not an IP address or range)")
                continue
            limit = minimum if network.version == 4 else min(128, minimum * 4)
            if network.prefixlen < limit and not any(network.version == cidr.version and network.subnet_of(cidr) for cidr in allowed):
                too_wide.append(str(network))

        if too_wide:
            yield failed(resource, f"Namespace {namespace.name} has IP rules wider than /{minimum}: {', '.join(too_wide)}.", too_wide=too_wide, **evidence)
        elif masks:
            yield passed(resource, f"Namespace {namespace.name} has {len(masks)} IP rule(s), none wider than /{minimum}.", **evidence)
        else:
            yield passed(resource, f"Namespace {namespace.name} has no IP rules.", **evidence)


@rule(
    id="EVH-NET-003",
    title="Event Hubs namespace has an approved private endpoint connection",
    severity=Severity.MEDIUM,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=NETWORK_PRINCIPLE,
    rationale="A private endpoint lets clients reach the namespace over a private address in their virtual network instead of the public endpoint.",
    remediation="Create a private endpoint for the namespace and approve its connection; then disable public network access.",
    references=[f"{EVENT_HUBS_DOCS}/private-link-service"],
    tags=["network"],
)
def private_endpoint_approved(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace)
        if is_basic(namespace):
            yield failed(resource, f"Namespace {namespace.name} cannot have a private endpoint. {UPGRADE}", **evidence)
            continue
        if namespace.private_endpoint_connections is None:
            yield not_assessed(resource, namespace.missing("privateEndpointConnections"), **evidence)
            continue

        states = {connection.name: connection.status_raw for connection in namespace.private_endpoint_connections}
        evidence["private_endpoint_connections"] = states
        approved = [connection.name for connection in namespace.private_endpoint_connections if connection.status == "Approved"]
        if approved:
            yield passed(resource, f"Namespace {namespace.name} has {len(approved)} approved private endpoint connection(s).", **evidence)
        elif states:
            yield failed(resource, f"Namespace {namespace.name} has private endpoint connections, but none is approved.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} has no private endpoint connection.", **evidence)


@rule(
    id="EVH-TLS-001",
    title="Event Hubs minimum TLS version is 1.2 or newer",
    severity=Severity.HIGH,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle="Azure Event Hubs §2.5 Security and compliance: enforce encryption in transit",
    rationale="TLS 1.0 and 1.1 have known weaknesses. Namespaces created with old API versions still report a minimum of 1.0 until it is raised.",
    remediation="Set the namespace's minimumTlsVersion to 1.2 after checking that every client supports TLS 1.2.",
    references=[f"{EVENT_HUBS_DOCS}/transport-layer-security-configure-minimum-version"],
    tags=["tls"],
)
def minimum_tls(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        version = namespace.minimum_tls_version
        evidence = namespace_evidence(namespace) | {"minimumTlsVersion": version}
        if version is None:
            yield not_assessed(resource, f"Namespace {namespace.name} reported no minimumTlsVersion.", **evidence)
        elif version in ("1.2", "1.3"):
            yield passed(resource, f"Namespace {namespace.name} requires TLS {version} or newer.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} accepts TLS {version}.", **evidence)
