"""Security posture of Azure Event Hubs namespaces.

The adapter normalises enum values to one casing (``Deny``, ``Enabled``,
``SystemAssigned``…) and keeps what Azure Resource Manager returned in the
matching ``*_raw`` field, so evidence shows the observed value. A list that is
None was not collected; an empty list was collected and is empty. Lists are
sorted by their validators so that two scans of the same estate serialise to
the same bytes. No model contains key material: authorization rules keep their
names and rights only, and no connection string is ever read.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from scanner.model.common import CollectionError, Frozen


def _sorted_by_name(items: list) -> list:
    return sorted(items, key=lambda item: item.name.lower())


class IpRule(Frozen):
    """One IP firewall rule of a namespace's network rule set."""

    ip_mask: str
    action: str | None = None


class VirtualNetworkRule(Frozen):
    """One virtual network (subnet) rule of a namespace's network rule set."""

    subnet_id: str
    ignore_missing_vnet_service_endpoint: bool | None = None


class NetworkRuleSet(Frozen):
    """The ``networkRuleSets/default`` child of a namespace."""

    default_action: str | None = None
    default_action_raw: str | None = None
    public_network_access: str | None = None
    public_network_access_raw: str | None = None
    trusted_service_access_enabled: bool | None = None
    ip_rules: list[IpRule] = Field(default_factory=list)
    virtual_network_rules: list[VirtualNetworkRule] = Field(default_factory=list)

    @field_validator("ip_rules")
    @classmethod
    def _sort_ip_rules(cls, rules: list[IpRule]) -> list[IpRule]:
        return sorted(rules, key=lambda rule: (rule.ip_mask, rule.action or ""))

    @field_validator("virtual_network_rules")
    @classmethod
    def _sort_subnets(cls, rules: list[VirtualNetworkRule]) -> list[VirtualNetworkRule]:
        return sorted(rules, key=lambda rule: rule.subnet_id.lower())


class PrivateEndpointConnection(Frozen):
    """A private endpoint connection and its approval state (Approved, Pending, Rejected, Disconnected)."""

    name: str
    status: str | None = None
    status_raw: str | None = None
    provisioning_state: str | None = None
    private_endpoint_id: str | None = None


class AuthorizationRule(Frozen):
    """A shared access signature rule: its name and rights (Listen, Send, Manage), never its keys."""

    name: str
    rights: list[str] = Field(default_factory=list)

    @field_validator("rights")
    @classmethod
    def _sort_rights(cls, rights: list[str]) -> list[str]:
        return sorted(rights)


class ManagedIdentity(Frozen):
    """The managed identity of a namespace.

    `type` is one of None, SystemAssigned, UserAssigned or
    "SystemAssigned, UserAssigned"; `user_assigned` lists the resource ids
    of the user-assigned identities.
    """

    type: str
    type_raw: str | None = None
    system_assigned: bool = False
    principal_id: str | None = None
    user_assigned: list[str] = Field(default_factory=list)

    @field_validator("user_assigned")
    @classmethod
    def _sort_ids(cls, ids: list[str]) -> list[str]:
        return sorted(ids, key=str.lower)


class KeyVaultKey(Frozen):
    """A customer-managed key reference: where the key lives, never the key itself."""

    key_vault_uri: str | None = None
    key_name: str | None = None
    key_version: str | None = None
    user_assigned_identity: str | None = None


class Encryption(Frozen):
    """Encryption at rest of a namespace. `key_source` is Microsoft.KeyVault for a customer-managed key."""

    key_source: str | None = None
    key_source_raw: str | None = None
    keys: list[KeyVaultKey] = Field(default_factory=list)
    require_infrastructure_encryption: bool | None = None

    @field_validator("keys")
    @classmethod
    def _sort_keys(cls, keys: list[KeyVaultKey]) -> list[KeyVaultKey]:
        return sorted(keys, key=lambda key: ((key.key_vault_uri or "").lower(), key.key_name or ""))

    @property
    def customer_managed(self) -> bool:
        return self.key_source == "Microsoft.KeyVault" and bool(self.keys)


class KeyVaultProtection(Frozen):
    """Management-plane protection of one key vault that contains a customer-managed key.

    `resource_id` is None when no vault with this URI was found in the
    subscription, and `error` states why the vault could not be read.
    """

    vault_uri: str
    resource_id: str | None = None
    soft_delete_enabled: bool | None = None
    purge_protection_enabled: bool | None = None
    error: str | None = None


class Capture(Frozen):
    """Event Hubs Capture settings of one event hub."""

    enabled: bool = False
    destination: str | None = None
    encoding: str | None = None
    interval_seconds: int | None = None
    size_limit_bytes: int | None = None


class EventHub(Frozen):
    """One event hub with the children the rules read."""

    name: str
    partition_count: int | None = None
    message_retention_days: int | None = None
    retention_hours: int | None = None
    cleanup_policy: str | None = None
    status: str | None = None
    capture: Capture | None = None
    authorization_rules: list[AuthorizationRule] | None = None
    consumer_groups: list[str] | None = None
    errors: list[CollectionError] = Field(default_factory=list)

    @field_validator("authorization_rules")
    @classmethod
    def _sort_rules(cls, rules: list[AuthorizationRule] | None) -> list[AuthorizationRule] | None:
        return None if rules is None else _sorted_by_name(rules)

    @field_validator("consumer_groups")
    @classmethod
    def _sort_groups(cls, groups: list[str] | None) -> list[str] | None:
        return None if groups is None else sorted(groups, key=str.lower)


class SchemaGroup(Frozen):
    name: str
    schema_type: str | None = None
    schema_compatibility: str | None = None


class GeoDisasterRecoveryAlias(Frozen):
    name: str
    role: str | None = None
    partner_namespace: str | None = None
    provisioning_state: str | None = None


class PerimeterConfiguration(Frozen):
    """A network security perimeter association of a namespace. `access_mode` is EnforcedMode, LearningMode, AuditMode or NoAssociationMode."""

    name: str
    access_mode: str | None = None
    access_mode_raw: str | None = None
    perimeter_id: str | None = None
    profile_name: str | None = None
    provisioning_state: str | None = None


class DiagnosticSetting(Frozen):
    """A Microsoft.Insights diagnostic setting: which resource logs go to which destinations."""

    name: str
    enabled_log_categories: list[str] = Field(default_factory=list)
    enabled_metric_categories: list[str] = Field(default_factory=list)
    destinations: list[str] = Field(default_factory=list)

    @field_validator("enabled_log_categories", "enabled_metric_categories", "destinations")
    @classmethod
    def _sort(cls, values: list[str]) -> list[str]:
        return sorted(values)


class EventHubNamespace(Frozen):
    """One Event Hubs namespace and its children.

    `errors` lists the children that could not be read, with `scope` set to
    the child's name as used by :meth:`missing` (``networkRuleSets``,
    ``eventhubs``, ``diagnosticSettings``…).
    """

    name: str
    resource_group: str
    arm_id: str
    location: str | None = None
    sku_name: str | None = None
    sku_tier: str | None = None
    capacity: int | None = None
    cluster_arm_id: str | None = None
    minimum_tls_version: str | None = None
    public_network_access: str | None = None
    public_network_access_raw: str | None = None
    disable_local_auth: bool | None = None
    zone_redundant: bool | None = None
    kafka_enabled: bool | None = None
    auto_inflate_enabled: bool | None = None
    maximum_throughput_units: int | None = None
    identity: ManagedIdentity | None = None
    encryption: Encryption | None = None
    network_rule_set: NetworkRuleSet | None = None
    private_endpoint_connections: list[PrivateEndpointConnection] | None = None
    authorization_rules: list[AuthorizationRule] | None = None
    event_hubs: list[EventHub] | None = None
    schema_groups: list[SchemaGroup] | None = None
    geo_disaster_recovery_aliases: list[GeoDisasterRecoveryAlias] | None = None
    perimeter_configurations: list[PerimeterConfiguration] | None = None
    diagnostic_settings: list[DiagnosticSetting] | None = None
    key_vaults: list[KeyVaultProtection] | None = None
    errors: list[CollectionError] = Field(default_factory=list)

    @field_validator(
        "private_endpoint_connections",
        "authorization_rules",
        "event_hubs",
        "schema_groups",
        "geo_disaster_recovery_aliases",
        "perimeter_configurations",
        "diagnostic_settings",
    )
    @classmethod
    def _sort_children(cls, items: list | None) -> list | None:
        return None if items is None else _sorted_by_name(items)

    @field_validator("key_vaults")
    @classmethod
    def _sort_vaults(cls, vaults: list[KeyVaultProtection] | None) -> list[KeyVaultProtection] | None:
        return None if vaults is None else sorted(vaults, key=lambda vault: vault.vault_uri.lower())

    @field_validator("errors")
    @classmethod
    def _sort_errors(cls, errors: list[CollectionError]) -> list[CollectionError]:
        return sorted(errors, key=lambda error: error.scope)

    @property
    def dedicated(self) -> bool:
        """True for a namespace that runs in an Event Hubs dedicated cluster."""
        return bool(self.cluster_arm_id)

    def missing(self, child: str) -> str:
        """Return why a child was not collected, for a NOT_ASSESSED reason."""
        for error in self.errors:
            if error.scope == child:
                return f"{child} of namespace {self.name} could not be read: {error.message}"
        return f"{child} of namespace {self.name} was not collected."


class AzureSubscription(Frozen):
    """Everything collected from one Azure subscription of a configured target.

    `namespaces` is None when the subscription was not collected, and then
    `collection_error` states why.
    """

    target: str
    collection_error: str | None = None
    subscription_id: str | None = None
    display_name: str | None = None
    namespaces: list[EventHubNamespace] | None = None

    @field_validator("namespaces")
    @classmethod
    def _sort_namespaces(cls, namespaces: list[EventHubNamespace] | None) -> list[EventHubNamespace] | None:
        if namespaces is None:
            return None
        return sorted(namespaces, key=lambda namespace: (namespace.resource_group.lower(), namespace.name.lower()))

    @property
    def resource_root(self) -> str:
        """Return the resource id of the subscription itself, used for findings on the whole unit."""
        return "/".join(["azure", self.target, self.subscription_id or "-"])

    def resource_id(self, namespace: EventHubNamespace, *child: str) -> str:
        """Return ``azure/<target>/<subscription>/<resourceGroup>/<namespace>[/<kind>/<name>…]``."""
        return "/".join(["azure", self.target, self.subscription_id or "-", namespace.resource_group, namespace.name, *child])


class AzureSection(Frozen):
    subscriptions: list[AzureSubscription] = Field(default_factory=list)

    @field_validator("subscriptions")
    @classmethod
    def _sort_subscriptions(cls, subscriptions: list[AzureSubscription]) -> list[AzureSubscription]:
        return sorted(subscriptions, key=lambda unit: (unit.target, unit.subscription_id or ""))
