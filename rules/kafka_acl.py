"""Kafka rules on authorization: authorizer and ACL bindings."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import user_topics
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.acl import AclIndex
from scanner.findings import Severity
from scanner.model.kafka import AclBinding, AclState, KafkaCluster

WILDCARD_PRINCIPAL = "User:*"


def binding_id(cluster: KafkaCluster, binding: AclBinding) -> str:
    """Return a resource id naming one ACL binding completely."""
    return cluster.resource_id(
        "acl",
        binding.resource_type,
        binding.pattern_type,
        binding.resource_name,
        binding.principal,
        binding.host,
        binding.operation,
        binding.permission,
    )


def binding_evidence(binding: AclBinding) -> dict[str, object]:
    return {"binding": binding.describe()} | binding.model_dump()


def _acls_unavailable(cluster: KafkaCluster) -> Outcome | None:
    """Return the outcome for a cluster whose ACLs were not collected, or None when they were."""
    resource = cluster.resource_id("cluster")
    if cluster.authorizer_configured is False:
        return not_applicable(resource, "No authorizer is configured, so ACLs have no effect (see KAFKA-ACL-001).")
    if cluster.acls is not None:
        return None
    return not_assessed(resource, f"ACL bindings were not collected (DescribeAcls: {cluster.acl_state or 'not run'}).")


@rule(
    id="KAFKA-ACL-001",
    title="An authorizer is configured",
    severity=Severity.CRITICAL,
    provider="kafka",
    resource_type="kafka.cluster",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale="Without an authorizer, every authenticated or anonymous client may read, write, create and delete any topic.",
    remediation=(
        "Set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer (KRaft), "
        "define super.users for the brokers and operators, and grant clients ACLs before the restart."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_authz"],
    tags=["authorization"],
)
def authorizer_configured(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    resource = cluster.resource_id("cluster")
    values = {str(broker.id): broker.config("authorizer.class.name") for broker in cluster.brokers if broker.configs is not None}
    evidence = {"authorizer.class.name": values, "describe_acls": cluster.acl_state}
    configured = cluster.authorizer_configured

    if configured is False:
        missing = sorted(broker for broker, value in values.items() if not value)
        where = f" on broker(s) {', '.join(missing)}" if missing else " (DescribeAcls reports SECURITY_DISABLED)"
        yield failed(resource, f"No authorizer is configured{where}.", **evidence)
    elif configured:
        names = sorted({value for value in values.values() if value})
        yield passed(resource, f"Authorizer configured: {', '.join(names) or 'DescribeAcls returns bindings'}.", **evidence)
    else:
        yield not_assessed(resource, "Neither the broker configuration nor DescribeAcls could be read.", **evidence)


@rule(
    id="KAFKA-ACL-003",
    title="No ALLOW ACL for the wildcard principal User:*",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.acl",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale="An ALLOW binding for User:* grants the operation to every principal, including User:ANONYMOUS on an unauthenticated listener.",
    remediation="Replace the User:* binding with bindings for the principals that need the access (kafka-acls --remove, then --add per principal).",
    references=[f"{KAFKA_SECURITY_DOC}_authz_cli"],
    tags=["authorization"],
    params={
        "wildcard_principal_allowed_operations": Param(
            [], "Operations (such as DESCRIBE) that User:* may be allowed without failing the rule."
        )
    },
)
def no_wildcard_principal(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    unavailable = _acls_unavailable(cluster)
    if unavailable is not None:
        yield unavailable
        return

    tolerated = {operation.upper() for operation in params["wildcard_principal_allowed_operations"]}
    offending = [
        binding
        for binding in cluster.acls or []
        if binding.principal == WILDCARD_PRINCIPAL and binding.permission == "ALLOW" and binding.operation not in tolerated
    ]
    for binding in offending:
        yield failed(binding_id(cluster, binding), f"ACL allows every principal: {binding.describe()}.", **binding_evidence(binding))
    if not offending:
        yield passed(cluster.resource_id("cluster"), f"None of {len(cluster.acls or [])} ACL bindings allows User:*.")


@rule(
    id="KAFKA-ACL-005",
    title="Every non-internal topic has an explicit ACL",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.topic",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale=(
        "A topic that only wildcard bindings (LITERAL '*' or an empty prefix) cover has no owner in the "
        "access model: nobody decided who may produce or consume it."
    ),
    remediation="Grant the topic's producers and consumers LITERAL or PREFIXED ACLs on the topic name, or delete the topic.",
    references=[f"{KAFKA_SECURITY_DOC}_authz_cli"],
    tags=["authorization"],
)
def topics_have_acls(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if cluster.topics is None:
        yield not_assessed(cluster.resource_id("cluster"), "The topic list was not collected.")
        return
    no_authorizer = cluster.authorizer_configured is False
    if cluster.acls is None and not no_authorizer:
        yield not_assessed(cluster.resource_id("cluster"), f"ACL bindings were not collected (DescribeAcls: {cluster.acl_state or 'not run'}).")
        return

    index = AclIndex(cluster.acls or [])
    for topic in user_topics(cluster):
        resource = cluster.resource_id("topic", topic.name)
        bindings = index.matching("TOPIC", topic.name, include_wildcard=False)
        if no_authorizer:
            yield failed(resource, f"Topic {topic.name} has no ACL: the cluster has no authorizer.", authorizer=None)
        elif bindings:
            shown = sorted(binding.describe() for binding in bindings)
            yield passed(resource, f"Topic {topic.name} has {len(bindings)} explicit ACL binding(s).", bindings=shown[:10])
        else:
            yield failed(resource, f"Topic {topic.name} has no LITERAL or PREFIXED ACL binding of its own.", bindings=[])
