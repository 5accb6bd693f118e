"""Edge cases of the Event Hubs authentication and encryption rules, on snapshot models."""

from __future__ import annotations

import pytest

from rules import all_rules
from scanner.adapters.azure import parse
from scanner.model.azure import AuthorizationRule, Encryption, KeyVaultKey, KeyVaultProtection
from tests.azure.builders import hub, namespace, run, statuses, subscription

CLUSTER = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111111111111/resourceGroups/rg/providers/Microsoft.EventHub/clusters/c1"
ROOT = AuthorizationRule(name="RootManageSharedAccessKey", rights=["Listen", "Manage", "Send"])
CMK = Encryption(key_source="Microsoft.KeyVault", keys=[KeyVaultKey(key_vault_uri="https://kv.vault.azure.net", key_name="k")], require_infrastructure_encryption=True)


def test_auth001_local_auth():
    assert statuses("EVH-AUTH-001", namespace(disable_local_auth=True)) == ["PASS"]
    assert statuses("EVH-AUTH-001", namespace(disable_local_auth=False)) == ["FAIL"]
    assert statuses("EVH-AUTH-001", namespace(disable_local_auth=None)) == ["FAIL"]


def test_auth002_extra_namespace_rule_fails():
    [(_, status, message)] = run("EVH-AUTH-002", subscription(namespace(authorization_rules=[ROOT, AuthorizationRule(name="app", rights=["Send"])])))
    assert status == "FAIL"
    assert "app" in message


def test_auth002_manage_on_hub_rule_fails():
    ns = namespace(authorization_rules=[ROOT], event_hubs=[hub(authorization_rules=[AuthorizationRule(name="admin", rights=["Manage", "Listen", "Send"])])])
    [(_, status, message)] = run("EVH-AUTH-002", subscription(ns))
    assert status == "FAIL"
    assert "orders/admin" in message


def test_auth002_pass_and_not_assessed():
    send_only = hub(authorization_rules=[AuthorizationRule(name="send", rights=["Send"])])
    assert statuses("EVH-AUTH-002", namespace(authorization_rules=[ROOT], event_hubs=[send_only])) == ["PASS"]
    assert statuses("EVH-AUTH-002", namespace(authorization_rules=None)) == ["NOT_ASSESSED"]
    assert statuses("EVH-AUTH-002", namespace(authorization_rules=[ROOT], event_hubs=None)) == ["NOT_ASSESSED"]
    assert statuses("EVH-AUTH-002", namespace(authorization_rules=[ROOT], event_hubs=[hub(authorization_rules=None)])) == ["NOT_ASSESSED"]


def test_auth003_identity_types():
    combined = parse.identity({"type": "systemassigned,userassigned", "userAssignedIdentities": {"/id/u1": {}}})
    assert combined.type == "SystemAssigned, UserAssigned"
    assert combined.system_assigned
    assert combined.user_assigned == ["/id/u1"]
    assert statuses("EVH-AUTH-003", namespace(identity=combined)) == ["PASS"]
    assert statuses("EVH-AUTH-003", namespace(identity=parse.identity({"type": "None"}))) == ["FAIL"]
    assert statuses("EVH-AUTH-003", namespace(identity=None)) == ["FAIL"]


def test_enc001_default_scope_dedicated_only():
    assert statuses("EVH-ENC-001", namespace(sku="Premium")) == ["NOT_APPLICABLE"]
    assert statuses("EVH-ENC-001", namespace(sku="Premium", cluster_arm_id=CLUSTER)) == ["FAIL"]
    assert statuses("EVH-ENC-001", namespace(sku="Premium", cluster_arm_id=CLUSTER, encryption=CMK)) == ["PASS"]


def test_enc001_wider_scopes():
    assert statuses("EVH-ENC-001", namespace(sku="Premium"), require_cmk_for="premium") == ["FAIL"]
    assert statuses("EVH-ENC-001", namespace(sku="Standard"), require_cmk_for="premium") == ["NOT_APPLICABLE"]
    [(_, status, message)] = run("EVH-ENC-001", subscription(namespace(sku="Standard")), require_cmk_for="all")
    assert status == "FAIL"
    assert "Premium tier" in message


def test_enc001_invalid_scope_rejected():
    rule = all_rules()["EVH-ENC-001"]
    with pytest.raises(ValueError, match="require_cmk_for"):
        list(rule.check(subscription(namespace()), {"require_cmk_for": "everything"}))


def test_enc002_infrastructure_encryption():
    off = CMK.model_copy(update={"require_infrastructure_encryption": False})
    assert statuses("EVH-ENC-002", namespace(cluster_arm_id=CLUSTER, encryption=off)) == ["FAIL"]
    assert statuses("EVH-ENC-002", namespace(cluster_arm_id=CLUSTER, encryption=CMK)) == ["PASS"]
    assert statuses("EVH-ENC-002", namespace(encryption=off)) == ["NOT_APPLICABLE"]


def vault(**fields) -> KeyVaultProtection:
    return KeyVaultProtection(**({"vault_uri": "https://kv.vault.azure.net", "resource_id": "/kv", "soft_delete_enabled": True, "purge_protection_enabled": True} | fields))


def test_enc003_vault_protection():
    assert statuses("EVH-ENC-003", namespace(encryption=CMK, key_vaults=[vault()])) == ["PASS"]
    assert statuses("EVH-ENC-003", namespace(encryption=CMK, key_vaults=[vault(purge_protection_enabled=False)])) == ["FAIL"]
    assert statuses("EVH-ENC-003", namespace(encryption=CMK, key_vaults=[vault(purge_protection_enabled=None)])) == ["FAIL"]
    missing = KeyVaultProtection(vault_uri="https://kv.vault.azure.net", error=parse.VAULT_NOT_FOUND)
    assert statuses("EVH-ENC-003", namespace(encryption=CMK, key_vaults=[missing])) == ["NOT_ASSESSED"]
    assert statuses("EVH-ENC-003", namespace(encryption=None)) == ["NOT_APPLICABLE"]
    microsoft_managed = Encryption(key_source=None, keys=[])
    assert statuses("EVH-ENC-003", namespace(encryption=microsoft_managed)) == ["NOT_APPLICABLE"]
