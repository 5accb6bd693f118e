"""Kafka rules on authorization: authorizer and ACL bindings."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import broker_values, config_source, not_collected, probe_gap, user_topics
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.acl import WILDCARD_PRINCIPAL, AclIndex
from scanner.findings import Severity
from scanner.model.kafka import AclBinding, AclState, KafkaCluster
from scanner.model.kafka_probes import ProbeStatus

ALLOW_EVERYONE_KEY = "allow.everyone.if.no.acl.found"


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


def acls_unavailable(cluster: KafkaCluster) -> Outcome | None:
    """Return the outcome for a cluster whose ACLs were not collected, or None when they were."""
    resource = cluster.resource_id("cluster")
    if cluster.authorizer_configured is False:
        return not_applicable(resource, "No authorizer is configured, so ACLs have no effect (see KAFKA-ACL-001).")
    if cluster.acls is not None:
        return None
    return not_assessed(resource, acls_not_collected(cluster))


def acls_not_collected(cluster: KafkaCluster) -> str:
    """Return the reason ACL bindings are missing."""
    if not cluster.live:
        return "ACL bindings need live Admin API access (DescribeAcls); the target was assessed from server.properties files only."
    return f"ACL bindings were not collected (DescribeAcls: {cluster.acl_state or 'not run'})."


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
    sources = {str(broker.id): config_source(broker, "authorizer.class.name") for broker in cluster.brokers if broker.configs is not None}
    evidence = {"authorizer.class.name": values, "sources": sources, "describe_acls": cluster.acl_state}
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
    unavailable = acls_unavailable(cluster)
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
        yield not_assessed(cluster.resource_id("cluster"), not_collected(cluster, "The topic list"))
        return
    no_authorizer = cluster.authorizer_configured is False
    if cluster.acls is None and not no_authorizer:
        yield not_assessed(cluster.resource_id("cluster"), acls_not_collected(cluster))
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


def allow_everyone_fact(cluster: KafkaCluster) -> tuple[str | None, dict[str, dict[str, object]]]:
    """Return ``true``/``false`` when any broker's allow.everyone.if.no.acl.found is known (``true`` wins), and the per-broker values."""
    values = broker_values(cluster, ALLOW_EVERYONE_KEY)
    known = [str(entry["value"]).strip().lower() for entry in values.values() if isinstance(entry["value"], str)]
    if not known:
        return None, values
    return ("true" if "true" in known else "false"), values


@rule(
    id="KAFKA-ACL-002",
    title="Access is denied when no ACL matches",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.cluster",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale=(
        "With allow.everyone.if.no.acl.found=true every principal may use every resource that no ACL binding matches, "
        "such as a newly created topic. DescribeConfigs reports the setting as sensitive, so the scan reads it from "
        "server.properties input or observes it with a principal that has no ACLs."
    ),
    remediation="Set allow.everyone.if.no.acl.found=false (the default) on every broker, after granting ACLs to every client that relied on it.",
    references=[f"{KAFKA_SECURITY_DOC}_authz"],
    tags=["authorization", "probe"],
)
def deny_without_acl(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    resource = cluster.resource_id("cluster")
    if cluster.authorizer_configured is False:
        yield not_applicable(resource, "No authorizer is configured, so ACLs have no effect (see KAFKA-ACL-001).")
        return

    fact, values = allow_everyone_fact(cluster)
    evidence: dict[str, object] = {ALLOW_EVERYONE_KEY: values}
    probe = cluster.low_privilege_probe
    observed = None
    if probe is not None and probe.status == ProbeStatus.COMPLETED and not probe.refused:
        index = AclIndex(cluster.acls or [])
        principal = probe.principal or ""
        visible = sorted(name for name in probe.topics or [] if not name.startswith("__"))
        unexplained = [name for name in visible if not index.authorize(principal, "DESCRIBE", "TOPIC", name).allowed]
        uncovered = [topic.name for topic in user_topics(cluster) if not index.has_acls("TOPIC", topic.name)]
        observed = bool(unexplained)
        evidence |= {
            "probe_principal": principal,
            "probe_principal_bindings": len(index.for_principal(principal)),
            "topics_visible_without_acl": unexplained[:20],
            "topics_visible": len(visible),
            "topics_without_any_acl": uncovered[:20],
        }
    elif probe is not None and probe.status != ProbeStatus.DISABLED:
        evidence["probe"] = probe.reason or probe.refusal

    if observed:
        topics = evidence["topics_visible_without_acl"]
        yield failed(resource, f"Principal {probe.principal}, which no ACL allows, read metadata of {len(topics)} topic(s): {', '.join(topics[:5])}.", **evidence)
    elif fact == "true":
        sources = sorted({str(entry["source"]) for entry in values.values() if str(entry["value"]).lower() == "true"})
        yield failed(resource, f"allow.everyone.if.no.acl.found=true ({', '.join(sources)}).", **evidence)
    elif observed is False:
        note = "" if evidence["topics_without_any_acl"] else " Every topic matches some ACL binding, so the setting had no topic to act on."
        yield passed(resource, f"Principal {probe.principal}, which has no ACLs, could not read metadata of any topic its ACLs do not grant.{note}", **evidence)
    elif fact == "false":
        sources = sorted({str(entry["source"]) for entry in values.values()})
        yield passed(resource, f"allow.everyone.if.no.acl.found=false ({', '.join(sources)}).", **evidence)
    else:
        reason = "Needs the low-privilege probe or server.properties input: DescribeConfigs reports allow.everyone.if.no.acl.found as sensitive."
        if probe is not None and probe.status != ProbeStatus.COMPLETED:
            reason += " " + probe_gap("low-privilege probe", probe.status, probe.reason)
        elif probe is not None and probe.refused:
            reason += f" The low-privilege principal was refused: {probe.refusal}"
        yield not_assessed(resource, reason, **evidence)
