"""Azure Event Hubs rules on authentication: shared access keys and managed identities."""

from __future__ import annotations

from collections.abc import Iterator

from rules._azure import EVENT_HUBS_DOCS, namespace_evidence, namespaces
from rules.base import Outcome, Params, failed, not_assessed, passed, rule
from scanner.findings import Severity
from scanner.model.azure import AzureSubscription

IDENTITY_PRINCIPLE = "Azure Event Hubs §2.5 Security and compliance: use managed identities over shared access keys"
ROOT_RULE = "RootManageSharedAccessKey"


@rule(
    id="EVH-AUTH-001",
    title="Event Hubs local (SAS key) authentication is disabled",
    severity=Severity.HIGH,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=IDENTITY_PRINCIPLE,
    rationale=(
        "Shared access keys are long-lived secrets that are copied into connection strings. With local authentication "
        "disabled, clients must use Microsoft Entra ID tokens, which are short-lived and tied to an identity."
    ),
    remediation="Move clients to Microsoft Entra ID (managed identities and role assignments), then set disableLocalAuth to true on the namespace.",
    references=[f"{EVENT_HUBS_DOCS}/authenticate-shared-access-signature#disabling-localsas-key-authentication"],
    tags=["authentication"],
)
def local_auth_disabled(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace) | {"disableLocalAuth": namespace.disable_local_auth}
        if namespace.disable_local_auth is True:
            yield passed(resource, f"Namespace {namespace.name} accepts no SAS keys.", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} accepts shared access signature (SAS) keys.", **evidence)


@rule(
    id="EVH-AUTH-002",
    title="Event Hubs has no SAS rules besides RootManageSharedAccessKey and no Manage right on event hub rules",
    severity=Severity.MEDIUM,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle=IDENTITY_PRINCIPLE,
    rationale=(
        "Every extra namespace authorization rule is another key that grants access to all event hubs of the namespace, and "
        "an event hub rule with Manage lets its holder change the hub and create keys."
    ),
    remediation=(
        "Delete namespace authorization rules other than RootManageSharedAccessKey and give clients Azure roles instead; "
        "remove the Manage right from event hub authorization rules."
    ),
    references=[f"{EVENT_HUBS_DOCS}/authorize-access-shared-access-signature"],
    tags=["authentication"],
)
def sas_rules_minimal(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        evidence = namespace_evidence(namespace) | {"disableLocalAuth": namespace.disable_local_auth}
        if namespace.authorization_rules is None:
            yield not_assessed(resource, namespace.missing("authorizationRules"), **evidence)
            continue

        extra = [sas.name for sas in namespace.authorization_rules if sas.name != ROOT_RULE]
        manage = [
            f"{hub.name}/{sas.name}"
            for hub in namespace.event_hubs or []
            for sas in hub.authorization_rules or []
            if "Manage" in sas.rights
        ]
        evidence |= {"extra_namespace_rules": extra, "event_hub_rules_with_manage": manage}

        problems = []
        if extra:
            problems.append(f"namespace authorization rule(s) {', '.join(extra)}")
        if manage:
            problems.append(f"event hub rule(s) with Manage {', '.join(manage)}")
        if problems:
            yield failed(resource, f"Namespace {namespace.name} has {' and '.join(problems)}.", **evidence)
            continue

        unread = [hub.name for hub in namespace.event_hubs or [] if hub.authorization_rules is None]
        if namespace.event_hubs is None:
            yield not_assessed(resource, namespace.missing("eventhubs"), **evidence)
        elif unread:
            yield not_assessed(resource, f"The authorization rules of event hub(s) {', '.join(unread)} in namespace {namespace.name} could not be read.", **evidence)
        else:
            yield passed(resource, f"Namespace {namespace.name} has only {ROOT_RULE} and no event hub rule with Manage.", **evidence)


@rule(
    id="EVH-AUTH-003",
    title="Event Hubs namespace has a managed identity",
    severity=Severity.LOW,
    provider="azure",
    resource_type="azure.eventhub.namespace",
    principle="Azure Event Hubs §2.3 Integration: federated access through Microsoft Entra ID roles",
    rationale="A managed identity lets the namespace reach a key vault (customer-managed keys) and Capture storage without stored secrets.",
    remediation="Enable a system-assigned identity on the namespace, or assign a user-assigned identity.",
    references=[f"{EVENT_HUBS_DOCS}/configure-customer-managed-key"],
    tags=["identity"],
)
def managed_identity(subscription: AzureSubscription, params: Params) -> Iterator[Outcome]:
    for namespace in namespaces(subscription):
        resource = subscription.resource_id(namespace)
        identity = namespace.identity
        evidence = namespace_evidence(namespace) | {
            "identity.type": identity.type_raw if identity else None,
            "user_assigned_identities": identity.user_assigned if identity else [],
        }
        if identity is not None and identity.type != "None":
            yield passed(resource, f"Namespace {namespace.name} has a managed identity ({identity.type}).", **evidence)
        else:
            yield failed(resource, f"Namespace {namespace.name} has no managed identity.", **evidence)
