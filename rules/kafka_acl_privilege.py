"""Kafka rules on broad privileges: wildcard grants, cluster-level grants and super users."""

from __future__ import annotations

from collections.abc import Iterator

from rules.base import Outcome, Param, Params, failed, not_assessed, passed, rule
from rules.kafka_acl import acls_unavailable, binding_evidence, binding_id
from rules.kafka_auth import super_users
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.acl import ALL, WILDCARD, WILDCARD_PRINCIPAL, AclIndex, normalize_principal
from scanner.findings import Severity
from scanner.model.kafka import AclBinding, KafkaCluster

# Operations that change data or configuration, or create resources, when granted on every resource of a type.
BROAD_OPERATIONS = frozenset({ALL, "WRITE", "ALTER", "ALTER_CONFIGS", "DELETE", "CREATE"})
CLUSTER_ADMIN_OPERATIONS = frozenset({ALL, "ALTER", "ALTER_CONFIGS", "CLUSTER_ACTION"})
UNNAMED_PRINCIPALS = {WILDCARD_PRINCIPAL, "User:ANONYMOUS"}

ADMIN_PRINCIPALS = Param(
    [], "Principals (such as 'User:kafka-admin') exempt from the rule; a bare name means 'User:name'."
)


def _admins(params: Params) -> set[str]:
    return {normalize_principal(principal) for principal in params["admin_principals"]}


def _covers_everything(binding: AclBinding) -> bool:
    """True for a LITERAL ``*`` or a PREFIXED empty-name binding: it matches every resource of its type."""
    if binding.pattern_type == "PREFIXED":
        return binding.resource_name == ""
    return binding.resource_name == WILDCARD


def _denied_everywhere(binding: AclBinding, denies: list[AclBinding]) -> bool:
    """True when a wildcard DENY for the same principal, type, host and operation cancels the ALLOW on every resource."""
    for deny in denies:
        same_principal = deny.principal in (binding.principal, WILDCARD_PRINCIPAL)
        same_host = deny.host in (WILDCARD, binding.host)
        same_operation = deny.operation in (binding.operation, ALL)
        if same_principal and same_host and same_operation and deny.resource_type == binding.resource_type:
            return True
    return False


@rule(
    id="KAFKA-ACL-004",
    title="No non-admin principal may write or alter every resource of a type",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.acl",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale=(
        "An ALLOW of ALL, WRITE, ALTER, ALTER_CONFIGS, DELETE or CREATE on the LITERAL resource '*' or an empty "
        "PREFIXED name covers every current and future topic, group or transactional id, so one leaked "
        "credential can alter or delete all of them."
    ),
    remediation="Replace the wildcard binding with LITERAL or PREFIXED bindings on the resources the principal owns, or list the principal in admin_principals.",
    references=[f"{KAFKA_SECURITY_DOC}_authz_cli"],
    tags=["authorization"],
    params={"admin_principals": ADMIN_PRINCIPALS},
)
def no_wildcard_write(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if (unavailable := acls_unavailable(cluster)) is not None:
        yield unavailable
        return

    admins = _admins(params)
    bindings = cluster.acls or []
    denies = [b for b in bindings if b.permission == "DENY" and _covers_everything(b)]
    offending = [
        binding
        for binding in bindings
        if binding.permission == "ALLOW"
        and binding.resource_type != "CLUSTER"
        and binding.operation in BROAD_OPERATIONS
        and _covers_everything(binding)
        and binding.principal not in admins
        and not _denied_everywhere(binding, denies)
    ]
    for binding in offending:
        target = "every" if binding.pattern_type == "LITERAL" else "every (empty prefix)"
        message = f"{binding.principal} may {binding.operation} {target} {binding.resource_type.lower()}: {binding.describe()}."
        yield failed(binding_id(cluster, binding), message, **binding_evidence(binding))
    if not offending:
        yield passed(cluster.resource_id("cluster"), f"No non-admin principal holds {', '.join(sorted(BROAD_OPERATIONS))} on a wildcard resource.", admin_principals=sorted(admins))


@rule(
    id="KAFKA-ACL-006",
    title="Non-admin principals hold no cluster-level ALTER, ALTER_CONFIGS or CLUSTER_ACTION",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.acl",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale=(
        "ALTER on the cluster lets a principal create and delete ACLs, ALTER_CONFIGS change broker settings, and "
        "CLUSTER_ACTION act as a broker (replication, controller requests). ALL includes the three."
    ),
    remediation="Remove the cluster binding (kafka-acls --remove --cluster ...), or list the principal in admin_principals if it administers the cluster.",
    references=[f"{KAFKA_SECURITY_DOC}_authz_primitives"],
    tags=["authorization"],
    params={"admin_principals": ADMIN_PRINCIPALS},
)
def no_cluster_admin_grants(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    if (unavailable := acls_unavailable(cluster)) is not None:
        yield unavailable
        return

    admins = _admins(params)
    index = AclIndex(cluster.acls or [])
    offending = []
    for binding in cluster.acls or []:
        if binding.resource_type != "CLUSTER" or binding.permission != "ALLOW" or binding.principal in admins:
            continue
        if binding.operation not in CLUSTER_ADMIN_OPERATIONS:
            continue
        operation = "ALTER" if binding.operation == ALL else binding.operation
        decision = index.authorize(binding.principal, operation, "CLUSTER", binding.resource_name, binding.host)
        if decision.allowed:
            offending.append(binding)

    for binding in offending:
        yield failed(binding_id(cluster, binding), f"{binding.principal} holds cluster-level {binding.operation}: {binding.describe()}.", **binding_evidence(binding))
    if not offending:
        yield passed(cluster.resource_id("cluster"), "No non-admin principal holds cluster-level ALTER, ALTER_CONFIGS, CLUSTER_ACTION or ALL.", admin_principals=sorted(admins))


@rule(
    id="KAFKA-ACL-007",
    title="Super users are few and named",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.cluster",
    principle="Kafka §1.5 Security: configure ACLs per topic and role",
    rationale=(
        "A super user bypasses every ACL. User:* or User:ANONYMOUS in super.users turns the authorizer off for "
        "everyone; a long list makes each of those credentials a master key."
    ),
    remediation="Keep super.users to the broker principal and one or two named operators; grant everyone else ACLs.",
    references=["https://kafka.apache.org/documentation/#brokerconfigs_super.users"],
    tags=["authorization"],
    params={"max_super_users": Param(3, "Maximum number of principals in super.users.")},
)
def super_users_few(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    resource = cluster.resource_id("cluster")
    maximum = params["max_super_users"]
    principals, values = super_users(cluster)
    if principals is None:
        yield not_assessed(
            resource,
            "super.users is not known: DescribeConfigs reports it as sensitive, so give the brokers' server.properties files as input.",
            super_users=values,
        )
        return

    unnamed = sorted(principal for principal in principals if principal in UNNAMED_PRINCIPALS or principal.endswith(":*"))
    evidence = {"super_users": principals, "count": len(principals), "max_super_users": maximum, "by_broker": values}
    problems = []
    if unnamed:
        problems.append(f"{', '.join(unnamed)} is not a named principal")
    if len(principals) > maximum:
        problems.append(f"{len(principals)} super users, more than {maximum}")
    if problems:
        yield failed(resource, f"super.users: {'; '.join(problems)}.", **evidence)
    else:
        yield passed(resource, f"super.users names {len(principals)} principal(s): {', '.join(principals) or 'none'}.", **evidence)
