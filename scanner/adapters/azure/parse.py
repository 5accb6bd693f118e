"""Turn ARM JSON bodies (as returned by Resource Manager) into snapshot models.

Every function takes the plain JSON of one resource, with ARM's camelCase
property names. Enum values are normalised to one casing, lists that ARM
returns as null become empty lists, and nothing that could be key material is
copied.
"""

from __future__ import annotations

from typing import Any

from scanner.model.azure import (
    AuthorizationRule,
    Capture,
    DiagnosticSetting,
    Encryption,
    EventHub,
    GeoDisasterRecoveryAlias,
    IpRule,
    KeyVaultKey,
    KeyVaultProtection,
    ManagedIdentity,
    NetworkRuleSet,
    PerimeterConfiguration,
    PrivateEndpointConnection,
    SchemaGroup,
    VirtualNetworkRule,
)

PUBLIC_NETWORK_ACCESS = ("Enabled", "Disabled", "SecuredByPerimeter")
DEFAULT_ACTIONS = ("Allow", "Deny")
CONNECTION_STATES = ("Approved", "Pending", "Rejected", "Disconnected")
TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
KEY_SOURCES = ("Microsoft.KeyVault",)
IDENTITY_PARTS = ("SystemAssigned", "UserAssigned", "None")
ACCESS_RIGHTS = ("Listen", "Send", "Manage")
SKU_NAMES = ("Basic", "Standard", "Premium")
PERIMETER_MODES = ("EnforcedMode", "LearningMode", "AuditMode", "NoAssociationMode", "UnspecifiedMode")

JSON = dict[str, Any]


def canonical(value: Any, choices: tuple[str, ...]) -> str | None:
    """Return the spelling from `choices` that matches `value` ignoring case, else `value` as a string."""
    if value is None:
        return None
    text = str(value).strip()
    for choice in choices:
        if choice.lower() == text.lower():
            return choice
    return text


def properties(resource: JSON) -> JSON:
    return resource.get("properties") or {}


def items(value: Any) -> list:
    """Return a list for a JSON array that ARM may send as null or leave out."""
    return list(value) if isinstance(value, list) else []


def resource_group(arm_id: str) -> str:
    """Return the resource group named in an ARM resource id."""
    parts = arm_id.strip("/").split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    raise ValueError(f"resource id {arm_id!r} names no resource group")


def identity(body: JSON | None) -> ManagedIdentity | None:
    """Parse a managed identity; ``type`` is normalised part by part ("systemassigned,userassigned" too)."""
    if not body:
        return None
    raw = body.get("type")
    parts = [canonical(part, IDENTITY_PARTS) for part in str(raw or "None").split(",") if part.strip()]
    normalised = ", ".join(part for part in parts if part) or "None"
    return ManagedIdentity(
        type=normalised,
        type_raw=raw,
        system_assigned="SystemAssigned" in parts,
        principal_id=body.get("principalId"),
        user_assigned=list((body.get("userAssignedIdentities") or {}).keys()),
    )


def encryption(body: JSON | None) -> Encryption | None:
    if not body:
        return None
    keys = [
        KeyVaultKey(
            key_vault_uri=key.get("keyVaultUri"),
            key_name=key.get("keyName"),
            key_version=key.get("keyVersion") or None,
            user_assigned_identity=(key.get("identity") or {}).get("userAssignedIdentity"),
        )
        for key in items(body.get("keyVaultProperties"))
    ]
    return Encryption(
        key_source=canonical(body.get("keySource"), KEY_SOURCES),
        key_source_raw=body.get("keySource"),
        keys=keys,
        require_infrastructure_encryption=body.get("requireInfrastructureEncryption"),
    )


def namespace_fields(body: JSON) -> JSON:
    """Return the EventHubNamespace fields held by a namespace resource (children not included)."""
    props = properties(body)
    sku = body.get("sku") or {}
    return {
        "name": body["name"],
        "resource_group": resource_group(body["id"]),
        "arm_id": body["id"],
        "location": body.get("location"),
        "sku_name": canonical(sku.get("name"), SKU_NAMES),
        "sku_tier": canonical(sku.get("tier"), SKU_NAMES),
        "capacity": sku.get("capacity"),
        "cluster_arm_id": props.get("clusterArmId") or None,
        "minimum_tls_version": canonical(props.get("minimumTlsVersion"), TLS_VERSIONS),
        "public_network_access": canonical(props.get("publicNetworkAccess"), PUBLIC_NETWORK_ACCESS),
        "public_network_access_raw": props.get("publicNetworkAccess"),
        "disable_local_auth": props.get("disableLocalAuth"),
        "zone_redundant": props.get("zoneRedundant"),
        "kafka_enabled": props.get("kafkaEnabled"),
        "auto_inflate_enabled": props.get("isAutoInflateEnabled"),
        "maximum_throughput_units": props.get("maximumThroughputUnits"),
        "identity": identity(body.get("identity")),
        "encryption": encryption(props.get("encryption")),
    }


def network_rule_set(body: JSON) -> NetworkRuleSet:
    props = properties(body)
    return NetworkRuleSet(
        default_action=canonical(props.get("defaultAction"), DEFAULT_ACTIONS),
        default_action_raw=props.get("defaultAction"),
        public_network_access=canonical(props.get("publicNetworkAccess"), PUBLIC_NETWORK_ACCESS),
        public_network_access_raw=props.get("publicNetworkAccess"),
        trusted_service_access_enabled=props.get("trustedServiceAccessEnabled"),
        ip_rules=[
            IpRule(ip_mask=rule["ipMask"], action=canonical(rule.get("action"), ("Allow",)))
            for rule in items(props.get("ipRules"))
            if rule.get("ipMask")
        ],
        virtual_network_rules=[
            VirtualNetworkRule(
                subnet_id=(rule.get("subnet") or {})["id"],
                ignore_missing_vnet_service_endpoint=rule.get("ignoreMissingVnetServiceEndpoint"),
            )
            for rule in items(props.get("virtualNetworkRules"))
            if (rule.get("subnet") or {}).get("id")
        ],
    )


def private_endpoint_connection(body: JSON) -> PrivateEndpointConnection:
    props = properties(body)
    state = props.get("privateLinkServiceConnectionState") or {}
    return PrivateEndpointConnection(
        name=body.get("name") or "",
        status=canonical(state.get("status"), CONNECTION_STATES),
        status_raw=state.get("status"),
        provisioning_state=props.get("provisioningState"),
        private_endpoint_id=(props.get("privateEndpoint") or {}).get("id"),
    )


def authorization_rule(body: JSON) -> AuthorizationRule:
    rights = [canonical(right, ACCESS_RIGHTS) or "" for right in items(properties(body).get("rights"))]
    return AuthorizationRule(name=body["name"], rights=rights)


def capture(body: JSON | None) -> Capture | None:
    if body is None:
        return None
    return Capture(
        enabled=bool(body.get("enabled")),
        destination=(body.get("destination") or {}).get("name"),
        encoding=body.get("encoding"),
        interval_seconds=body.get("intervalInSeconds"),
        size_limit_bytes=body.get("sizeLimitInBytes"),
    )


def event_hub_fields(body: JSON) -> JSON:
    """Return the EventHub fields held by an event hub resource (children not included)."""
    props = properties(body)
    retention = props.get("retentionDescription") or {}
    return {
        "name": body["name"],
        "partition_count": props.get("partitionCount"),
        "message_retention_days": props.get("messageRetentionInDays"),
        "retention_hours": retention.get("retentionTimeInHours"),
        "cleanup_policy": retention.get("cleanupPolicy"),
        "status": props.get("status"),
        "capture": capture(props.get("captureDescription")),
    }


def event_hub(body: JSON, **children: Any) -> EventHub:
    return EventHub(**event_hub_fields(body), **children)


def schema_group(body: JSON) -> SchemaGroup:
    props = properties(body)
    return SchemaGroup(name=body["name"], schema_type=props.get("schemaType"), schema_compatibility=props.get("schemaCompatibility"))


def disaster_recovery_alias(body: JSON) -> GeoDisasterRecoveryAlias:
    props = properties(body)
    return GeoDisasterRecoveryAlias(
        name=body["name"],
        role=props.get("role"),
        partner_namespace=props.get("partnerNamespace"),
        provisioning_state=props.get("provisioningState"),
    )


def perimeter_access_mode(value: Any) -> str | None:
    """Normalise an association's access mode; "Enforced" and "EnforcedMode" both occur and mean the same."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.lower().endswith("mode"):
        text += "Mode"
    return canonical(text, PERIMETER_MODES)


def perimeter_configuration(body: JSON) -> PerimeterConfiguration:
    props = properties(body)
    association = props.get("resourceAssociation") or {}
    return PerimeterConfiguration(
        name=body.get("name") or "",
        access_mode=perimeter_access_mode(association.get("accessMode")),
        access_mode_raw=association.get("accessMode"),
        perimeter_id=(props.get("networkSecurityPerimeter") or {}).get("id"),
        profile_name=(props.get("profile") or {}).get("name"),
        provisioning_state=props.get("provisioningState"),
    )


def diagnostic_setting(body: JSON) -> DiagnosticSetting:
    """Parse a diagnostic setting: enabled log categories (or category groups) and non-empty destinations."""
    props = properties(body)
    logs = [
        entry.get("category") or entry.get("categoryGroup") or ""
        for entry in items(props.get("logs"))
        if entry.get("enabled")
    ]
    metrics = [entry.get("category") or "" for entry in items(props.get("metrics")) if entry.get("enabled")]
    destinations = [
        name
        for name in ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId")
        if props.get(name)
    ]
    return DiagnosticSetting(name=body["name"], enabled_log_categories=logs, enabled_metric_categories=metrics, destinations=destinations)


VAULT_NOT_FOUND = "no key vault with this URI in the namespace's subscription"


def normalised_vault_uri(uri: str) -> str:
    return uri.strip().rstrip("/").lower()


def key_vault_protection(vault_uri: str, vault: JSON | None, error: str | None = None) -> KeyVaultProtection:
    """Describe one key vault found by URI, or record why it is unknown."""
    if vault is None:
        return KeyVaultProtection(vault_uri=vault_uri, error=error or VAULT_NOT_FOUND)
    props = properties(vault)
    return KeyVaultProtection(
        vault_uri=vault_uri,
        resource_id=vault.get("id"),
        soft_delete_enabled=props.get("enableSoftDelete"),
        purge_protection_enabled=props.get("enablePurgeProtection"),
    )
