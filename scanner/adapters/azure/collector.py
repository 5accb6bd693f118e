"""Collect Event Hubs namespaces of one Azure target into AzureSubscription units.

A target expands to one unit per subscription: the configured list, or
every subscription that the identity can read. Subscriptions run in a
bounded thread pool, and the namespaces of all of them in a second one, so a
target never uses more than ``2 × concurrency`` threads. Every failed read is
logged, recorded in the target's provenance, and leaves a None (not
collected) in the snapshot; the scan goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, TypeVar

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseTimeoutError,
)
from azure.mgmt.eventhub import EventHubManagementClient

from scanner.adapters.azure import parse
from scanner.adapters.azure.arm import (
    DIAGNOSTIC_SETTINGS_API_VERSION,
    SUBSCRIPTIONS_API_VERSION,
    ArmSession,
    get_paged,
)
from scanner.adapters.azure.config import AzureTarget
from scanner.adapters.azure.credentials import build_credential
from scanner.model.azure import AzureSubscription, EventHub, EventHubNamespace, KeyVaultProtection
from scanner.model.common import CollectionError, ErrorKind, TargetProvenance

log = logging.getLogger(__name__)

T = TypeVar("T")


def classify(exc: Exception) -> tuple[ErrorKind, str]:
    """Return the error kind and a one-line description of a failed Azure call, without secrets."""
    if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) is None:
        return ErrorKind.AUTHENTICATION, f"could not get an access token: {exc.message}"
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        code = getattr(exc.error, "code", None) if exc.error is not None else None
        detail = getattr(exc.error, "message", None) if exc.error is not None else None
        text = f"HTTP {exc.status_code}"
        if code:
            text += f" {code}"
        if detail:
            text += f": {detail}"
        elif exc.reason:
            text += f" {exc.reason}"
        kinds = {401: ErrorKind.AUTHENTICATION, 403: ErrorKind.DENIED, 404: ErrorKind.NOT_FOUND, 429: ErrorKind.THROTTLED}
        if exc.status_code == 429:
            text += " (still throttled after the configured retries)"
        return kinds.get(exc.status_code, ErrorKind.ERROR), text
    if isinstance(exc, ServiceResponseTimeoutError):
        return ErrorKind.TIMEOUT, f"timed out: {exc.message}"
    if isinstance(exc, ServiceRequestError):
        return ErrorKind.UNREACHABLE, f"could not connect: {exc.message}"
    return ErrorKind.ERROR, f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"


class _Recorder:
    """Runs reads and turns each AzureError into a logged CollectionError."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.errors: list[CollectionError] = []

    def read(self, scope: str, call: Callable[[], T]) -> T | None:
        """Return `call()`, or None after recording the error under `scope`."""
        try:
            return call()
        except AzureError as exc:
            kind, message = classify(exc)
            log.warning("azure %s: reading %s failed: %s", self.where, scope, message)
            self.errors.append(CollectionError(scope=scope, kind=kind, message=message))
            return None


def _as_json(resources: Iterable[Any]) -> list[dict]:
    return [resource.as_dict() for resource in resources]


def _collect_event_hubs(client: EventHubManagementClient, recorder: _Recorder, group: str, name: str) -> list[EventHub] | None:
    bodies = recorder.read("eventhubs", lambda: _as_json(client.event_hubs.list_by_namespace(group, name)))
    if bodies is None:
        return None

    hubs = []
    for body in bodies:
        hub = body["name"]
        hub_recorder = _Recorder(f"{recorder.where} event hub {hub}")
        rules = hub_recorder.read(
            "authorizationRules",
            lambda: [parse.authorization_rule(rule) for rule in _as_json(client.event_hubs.list_authorization_rules(group, name, hub))],
        )
        groups = hub_recorder.read(
            "consumergroups",
            lambda: [group_body["name"] for group_body in _as_json(client.consumer_groups.list_by_event_hub(group, name, hub))],
        )
        hubs.append(parse.event_hub(body, authorization_rules=rules, consumer_groups=groups, errors=hub_recorder.errors))
        recorder.errors.extend(
            CollectionError(scope=f"eventhubs/{hub}/{error.scope}", kind=error.kind, message=error.message) for error in hub_recorder.errors
        )
    return hubs


def collect_namespace(
    session: ArmSession,
    client: EventHubManagementClient,
    subscription_id: str,
    body: dict,
    vaults: dict[str, KeyVaultProtection],
) -> EventHubNamespace:
    """Read one namespace's children. Failures are recorded in the namespace's `errors`."""
    fields = parse.namespace_fields(body)
    group, name = fields["resource_group"], fields["name"]
    recorder = _Recorder(f"target {session.target.name} subscription {subscription_id} namespace {name}")
    basic = fields["sku_name"] == "Basic"

    rule_set = recorder.read("networkRuleSets", lambda: parse.network_rule_set(client.namespaces.get_network_rule_set(group, name).as_dict()))
    fields["network_rule_set"] = rule_set

    # Basic namespaces cannot have private endpoints, so there is nothing to list.
    fields["private_endpoint_connections"] = [] if basic else recorder.read(
        "privateEndpointConnections",
        lambda: [parse.private_endpoint_connection(item) for item in _as_json(client.private_endpoint_connections.list(group, name))],
    )
    fields["authorization_rules"] = recorder.read(
        "authorizationRules",
        lambda: [parse.authorization_rule(item) for item in _as_json(client.namespaces.list_authorization_rules(group, name))],
    )
    fields["event_hubs"] = _collect_event_hubs(client, recorder, group, name)

    # The schema registry is a Standard-and-above feature.
    fields["schema_groups"] = [] if basic else recorder.read(
        "schemagroups",
        lambda: [parse.schema_group(item) for item in _as_json(client.schema_registry.list_by_namespace(group, name))],
    )
    fields["geo_disaster_recovery_aliases"] = recorder.read(
        "disasterRecoveryConfigs",
        lambda: [parse.disaster_recovery_alias(item) for item in _as_json(client.disaster_recovery_configs.list(group, name))],
    )

    # Perimeter associations matter only when either access setting hands control to a perimeter.
    access_settings = {fields["public_network_access"], rule_set.public_network_access if rule_set else None}
    if "SecuredByPerimeter" in access_settings:
        fields["perimeter_configurations"] = recorder.read(
            "networkSecurityPerimeterConfigurations",
            lambda: [
                parse.perimeter_configuration(item)
                for item in client.network_security_perimeter_configuration.list(group, name).as_dict().get("value") or []
            ],
        )

    raw = session.raw()
    fields["diagnostic_settings"] = recorder.read(
        "diagnosticSettings",
        lambda: [
            parse.diagnostic_setting(item)
            for item in get_paged(raw, f"{fields['arm_id']}/providers/Microsoft.Insights/diagnosticSettings", DIAGNOSTIC_SETTINGS_API_VERSION)
        ],
    )

    encryption = fields["encryption"]
    if encryption is not None and encryption.customer_managed:
        uris = {parse.normalised_vault_uri(key.key_vault_uri) for key in encryption.keys if key.key_vault_uri}
        fields["key_vaults"] = [vaults[uri] for uri in sorted(uris)]
        for vault in fields["key_vaults"]:
            if vault.error == parse.VAULT_NOT_FOUND:
                recorder.errors.append(CollectionError(scope=f"keyVaults/{vault.vault_uri}", kind=ErrorKind.NOT_FOUND, message=vault.error))

    fields["errors"] = recorder.errors
    return EventHubNamespace(**fields)


def _vault_protection(session: ArmSession, recorder: _Recorder, subscription_id: str, bodies: list[dict]) -> dict[str, KeyVaultProtection]:
    """Return the protection of every key vault that a customer-managed key names, by normalised URI.

    Vaults are found by URI among the subscription's vaults, so a vault in
    another subscription is reported as not found.
    """
    wanted = {
        parse.normalised_vault_uri(key.get("keyVaultUri") or "")
        for body in bodies
        for key in parse.items(((body.get("properties") or {}).get("encryption") or {}).get("keyVaultProperties"))
        if key.get("keyVaultUri")
    }
    if not wanted:
        return {}

    client = session.keyvault(subscription_id)
    vaults = recorder.read("keyVaults", lambda: _as_json(client.vaults.list_by_subscription()))
    if vaults is None:
        reason = recorder.errors[-1].message
        return {uri: parse.key_vault_protection(uri, None, f"key vaults could not be listed: {reason}") for uri in wanted}

    by_uri = {parse.normalised_vault_uri((vault.get("properties") or {}).get("vaultUri") or ""): vault for vault in vaults}
    return {uri: parse.key_vault_protection(uri, by_uri.get(uri)) for uri in wanted}


def collect_subscription(session: ArmSession, subscription_id: str, display_name: str | None, pool: Executor) -> tuple[AzureSubscription, list[CollectionError]]:
    """Collect one subscription. An unreadable namespace list makes the unit not collected."""
    target = session.target.name
    recorder = _Recorder(f"target {target} subscription {subscription_id}")
    client = session.eventhub(subscription_id)

    bodies = recorder.read(f"subscription {subscription_id}", lambda: _as_json(client.namespaces.list()))
    if bodies is None:
        error = recorder.errors[-1]
        unit = AzureSubscription(
            target=target,
            subscription_id=subscription_id,
            display_name=display_name,
            collection_error=f"subscription {subscription_id}: Event Hubs namespaces could not be listed: {error.message}",
        )
        return unit, recorder.errors

    vaults = _vault_protection(session, recorder, subscription_id, bodies)
    namespaces = list(pool.map(lambda body: collect_namespace(session, client, subscription_id, body, vaults), bodies))
    errors = list(recorder.errors)
    for namespace in namespaces:
        errors.extend(
            CollectionError(scope=f"subscription {subscription_id} namespace {namespace.name}: {error.scope}", kind=error.kind, message=error.message)
            for error in namespace.errors
        )
    unit = AzureSubscription(target=target, subscription_id=subscription_id, display_name=display_name, namespaces=namespaces)
    return unit, errors


def list_subscriptions(session: ArmSession) -> list[tuple[str, str | None]]:
    """Return (id, display name) of the configured subscriptions, or of every enabled one the identity reads."""
    configured = session.target.subscriptions
    if configured != "all":
        return [(subscription, None) for subscription in configured]

    found = []
    for body in get_paged(session.raw(), "/subscriptions", SUBSCRIPTIONS_API_VERSION):
        state = str(body.get("state") or "Enabled")
        if state.lower() in ("disabled", "deleted"):
            log.info("azure target %s: skipping subscription %s in state %s", session.target.name, body.get("subscriptionId"), state)
            continue
        found.append((str(body["subscriptionId"]).lower(), body.get("displayName")))
    return sorted(found)


def collect_azure(target: AzureTarget) -> tuple[list[AzureSubscription], TargetProvenance]:
    """Collect one Azure target. Raises only InputError (an unset token variable); see the module docstring."""
    session = ArmSession(target, build_credential(target))
    log.info("azure target %s: collection started (Resource Manager %s)", target.name, session.endpoint.resource_manager_url)

    try:
        subscriptions = list_subscriptions(session)
    except AzureError as exc:
        kind, message = classify(exc)
        log.warning("azure target %s: listing subscriptions failed: %s", target.name, message)
        unit = AzureSubscription(target=target.name, collection_error=f"subscriptions could not be listed: {message}")
        return [unit], TargetProvenance(provider="azure", target=target.name, errors=[CollectionError(scope="target", kind=kind, message=message)])

    if not subscriptions:
        log.warning("azure target %s: the identity can read no subscription", target.name)

    units: list[AzureSubscription] = []
    errors: list[CollectionError] = []
    with ThreadPoolExecutor(target.concurrency, thread_name_prefix=f"azure-{target.name}-sub") as subscription_pool, ThreadPoolExecutor(
        target.concurrency, thread_name_prefix=f"azure-{target.name}-ns"
    ) as namespace_pool:
        results = subscription_pool.map(lambda item: collect_subscription(session, item[0], item[1], namespace_pool), subscriptions)
        for unit, unit_errors in results:
            units.append(unit)
            errors.extend(unit_errors)

    log.info("azure target %s: %d subscription(s) collected, %d read error(s)", target.name, len(units), len(errors))
    return units, TargetProvenance(provider="azure", target=target.name, errors=errors)
