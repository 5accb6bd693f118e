"""Azure Event Hubs rules on encryption at rest: customer-managed keys and their vaults."""

from __future__ import annotations

from collections.abc import Iterator

from rules._azure import CMK_SCOPES, EVENT_HUBS_DOCS, cmk_required, namespace_evidence, namespaces, tier
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.azure import AzureSubscription, EventHubNamespace

AT_REST = "Azure Event Hubs §2.5 Security and compliance: enforce encryption at rest"
CMK_DOC = f"{EVENT_HUBS_DOCS}/configure-customer-managed-key"


def _scope_param() -> Param:
    return Param(
        "dedicated",
        "Namespaces that need a customer-managed key: 'dedicated' (in a dedicated cluster, as Azure Policy applies it), "
        "'premium' (Premium and dedicated) or 'all'.",
    )


def _out_of_scope(namespace: EventHubNamespace, scope: str) -> str:
    return f"Namespace {namespace.name} ({tier(namespace)}) is outside require_cmk_for={scope!r}."


def _check_scope(params: Params) -> str:
    scope = params["require_cmk_for"]
    if scope not in CMK_SCOPES:
        raise ValueError(f"require_cmk_for must be one of {', '.join(CMK_SCOPES)}, not {scope!r}")
    return scope


def _encryption_evidence(namespace: EventHubNamespace, scope: str) -> dict[str, object]:
    encryption = namespace.encryption
    return namespace_evidence(namespace) | {
        "require_cmk_for": scope,
        "keySource": encryption.key_source_raw if encryption else None,
        "key_vault_uris": [key.key_vault_uri for key in encryption.keys] if encryption else [],
        "key_names": [key.key_name for key in encryption.keys] if encryption else [],
        "requireInfrastructureEncryption": encryption.require_infrastructure_encryption if encryption else None,
    }


@rule(
    id="EVH-ENC-001",
    title="Event Hubs namespace encrypts data at rest with a customer-managed key",
    severity=Severity.MEDIUM,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=AT_REST,
    rationale=(
        "With a customer-managed key the organisation controls, rotates and can revoke the key that protects stored events. "
        "Customer-managed keys exist on Premium and dedicated namespaces only."
    ),
    remediation="Give the namespace a managed identity with access to a key vault key and set encryption.keySource to Microsoft.KeyVault.",
    references=[CMK_DOC],
    tags=["encryption"],
    params={"require_cmk_for": _scope_param()},
)
def customer_managed_key(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    scope = _check_scope(params)
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = _encryption_evidence(namespace, scope)
        if not cmk_required(namespace, scope):
            yield not_applicable(resource, _out_of_scope(namespace, scope), **evidence)
        elif namespace.encryption is not None and namespace.encryption.customer_managed:
            keys = ", ".join(f"{key.key_name} in {key.key_vault_uri}" for key in namespace.encryption.keys)
            yield passed(resource, f"Namespace {namespace.name} is encrypted with customer-managed key(s) {keys}.", **evidence)
        else:
            upgrade = " Customer-managed keys need the Premium tier or a dedicated cluster." if tier(namespace) in ("Basic", "Standard") else ""
            yield failed(resource, f"Namespace {namespace.name} uses Microsoft-managed keys.{upgrade}", **evidence)


@rule(
    id="EVH-ENC-002",
    title="Event Hubs infrastructure (double) encryption is on where a customer-managed key is required",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=AT_REST,
    rationale="Infrastructure encryption adds a second layer with a platform key, so one compromised key or algorithm does not expose data.",
    remediation="Create the namespace with requireInfrastructureEncryption set to true; it cannot be turned on for an existing namespace.",
    references=[CMK_DOC],
    tags=["encryption"],
    params={"require_cmk_for": _scope_param()},
)
def infrastructure_encryption(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    scope = _check_scope(params)
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = _encryption_evidence(namespace, scope)
        if not cmk_required(namespace, scope):
            yield not_applicable(resource, _out_of_scope(namespace, scope), **evidence)
        elif namespace.encryption is not None and namespace.encryption.require_infrastructure_encryption:
            yield passed(resource, f"Namespace {namespace.name} has infrastructure encryption on.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} has infrastructure encryption off.", **evidence)


@rule(
    id="EVH-ENC-003",
    title="Key vaults of Event Hubs customer-managed keys have soft delete and purge protection",
    severity=Severity.MEDIUM,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=AT_REST,
    rationale="Deleting or purging the vault or key makes every event in the namespace unreadable; purge protection keeps a deleted key recoverable.",
    remediation="Turn on soft delete and purge protection on the key vault (az keyvault update --enable-purge-protection true).",
    references=[CMK_DOC, "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview"],
    tags=["encryption"],
)
def key_vault_protected(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        encryption = namespace.encryption
        if encryption is None or not encryption.customer_managed:
            yield not_applicable(resource, f"Namespace {namespace.name} uses no customer-managed key.", **namespace_evidence(namespace))
            continue

        vaults = namespace.key_vaults or []
        evidence = namespace_evidence(namespace) | {
            "key_vaults": [
                {"vault_uri": vault.vault_uri, "resource_id": vault.resource_id, "enableSoftDelete": vault.soft_delete_enabled, "enablePurgeProtection": vault.purge_protection_enabled}
                for vault in vaults
            ]
        }
        unprotected = [
            vault.vault_uri for vault in vaults if vault.error is None and not (vault.soft_delete_enabled and vault.purge_protection_enabled)
        ]
        unknown = [f"{vault.vault_uri} ({vault.error})" for vault in vaults if vault.error is not None]
        if unprotected:
            yield failed(resource, f"Key vault(s) {', '.join(unprotected)} of namespace {namespace.name} lack soft delete or purge protection.", **evidence)
        elif unknown or not vaults:
            yield not_assessed(resource, f"The key vault(s) of namespace {namespace.name} could not be read: {'; '.join(unknown) or 'none collected'}.", **evidence)
        else:
            yield passed(resource, f"Every key vault of namespace {namespace.name} has soft delete and purge protection.", **evidence)
