"""Kafka rules on client authentication."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import broker_values, listener_evidence, listener_id, listeners, listeners_not_collected, not_collected, probe_gap
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from rules.kafka_acl import binding_evidence, binding_id
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.findings import Severity
from scanner.model.kafka import KafkaCluster, Listener, SecurityProtocol
from scanner.model.kafka_probes import AccessProbe, ProbeStatus

MTLS = "mtls"


def authentication_methods(listener: Listener) -> list[str]:
    """Return the ways a client can authenticate on a listener.

    A listener that demands a client certificate is reduced to ``mtls``: a
    client must present the certificate whatever SASL mechanism follows. An
    empty list means a client connects without authenticating.
    """
    if listener.mutual_tls:
        return [MTLS]
    if listener.security_protocol.sasl:
        return list(listener.sasl_mechanisms)
    return []


@rule(
    id="KAFKA-AUTH-001",
    title="Client listeners require authentication by an approved method",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: enable Kerberos or mTLS for authentication; no anonymous consumers",
    rationale=(
        "A listener without authentication gives every client the principal User:ANONYMOUS, which "
        "defeats per-principal ACLs. SASL PLAIN over an unencrypted listener sends passwords in clear "
        "text, so it fails whatever the approved methods are."
    ),
    remediation=(
        "Require an approved method on every client listener: set ssl.client.auth=required on an SSL "
        "listener (mTLS), or limit sasl.enabled.mechanisms (and listener.name.<listener>.sasl.enabled.mechanisms) "
        "to approved mechanisms such as GSSAPI."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_sasl", f"{KAFKA_SECURITY_DOC}_ssl"],
    tags=["authentication"],
    params={
        "approved_methods": Param(
            ["mtls", "GSSAPI"],
            "Accepted methods: 'mtls' for a required client certificate, or SASL mechanism names (GSSAPI, SCRAM-SHA-512, OAUTHBEARER...).",
        )
    },
)
def listeners_authenticate(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    approved = {method.upper() for method in params["approved_methods"]}
    yield from listeners_not_collected(cluster)

    for broker, listener in listeners(cluster):
        if not listener.is_client:
            continue
        resource = listener_id(cluster, broker, listener)
        methods = authentication_methods(listener)
        evidence = listener_evidence(broker, listener) | {
            "authentication_methods": methods,
            "approved_methods": list(params["approved_methods"]),
            "ssl_client_auth": listener.ssl_client_auth,
        }

        if not methods:
            yield failed(resource, f"Client listener {listener.name} ({listener.security_protocol}) accepts clients without authentication.", **evidence)
        elif listener.security_protocol == SecurityProtocol.SASL_PLAINTEXT and "PLAIN" in methods:
            yield failed(resource, f"Client listener {listener.name} accepts SASL PLAIN without TLS, so passwords cross the network in clear text.", **evidence)
        elif unapproved := [method for method in methods if method.upper() not in approved]:
            yield failed(resource, f"Client listener {listener.name} accepts {', '.join(unapproved)}, which is not an approved method.", **evidence)
        else:
            yield passed(resource, f"Client listener {listener.name} requires {', '.join(methods)}.", **evidence)


ANONYMOUS = "User:ANONYMOUS"
SHOWN_TOPICS = 20


def super_users(cluster: KafkaCluster) -> tuple[list[str] | None, dict[str, dict[str, object]]]:
    """Return the union of every broker's ``super.users`` (None when no broker's value is known) and the per-broker values."""
    values = broker_values(cluster, "super.users")
    known = [entry["value"] for entry in values.values() if isinstance(entry["value"], str)]
    if not known:
        return None, values
    principals = {principal.strip() for value in known for principal in value.split(";") if principal.strip()}
    return sorted(principals), values


def access_evidence(probe: AccessProbe) -> dict[str, object]:
    """Return what a probe client could read, with the topic list cut to its first names."""
    topics = probe.topics or []
    return {
        "principal": probe.principal,
        "addresses": probe.addresses,
        "refused": probe.refused,
        "refusal": probe.refusal,
        "brokers_visible": probe.brokers_visible,
        "topic_count": len(topics),
        "topics": topics[:SHOWN_TOPICS],
        "cluster_described": probe.cluster_described,
        "cluster_operations": probe.cluster_operations,
    }


@rule(
    id="KAFKA-AUTH-002",
    title="No anonymous access: a client without credentials is refused or sees nothing",
    severity=Severity.CRITICAL,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: no anonymous consumers",
    rationale=(
        "Kafka gives a client that does not authenticate the principal User:ANONYMOUS. Whatever that principal may do "
        "through ACLs, super.users or a missing authorizer, anyone who reaches the listener may do."
    ),
    remediation=(
        "Require authentication on every listener (SASL or ssl.client.auth=required), remove ALLOW ACLs for "
        "User:ANONYMOUS (kafka-acls --remove --allow-principal User:ANONYMOUS), and remove User:ANONYMOUS from super.users."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_authz", f"{KAFKA_SECURITY_DOC}_sasl"],
    tags=["authentication", "probe"],
)
def no_anonymous_access(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    principals, values = super_users(cluster)
    if principals is not None and ANONYMOUS in principals:
        yield failed(cluster.resource_id("cluster"), "super.users contains User:ANONYMOUS, so unauthenticated clients may do anything.", super_users=values)

    for binding in cluster.acls or []:
        if binding.principal == ANONYMOUS and binding.permission == "ALLOW":
            yield failed(binding_id(cluster, binding), f"An ACL allows unauthenticated clients: {binding.describe()}.", **binding_evidence(binding))

    client_listeners = sorted({listener.name for _, listener in listeners(cluster) if listener.is_client})
    for name in client_listeners:
        resource = cluster.resource_id("listener", name)
        probe = cluster.anonymous_probe(name)
        if probe is None:
            yield not_assessed(resource, f"Listener {name} was not probed without credentials.")
        elif probe.status != ProbeStatus.COMPLETED:
            yield not_assessed(resource, probe_gap("anonymous probe", probe.status, probe.reason), probe_status=str(probe.status))
        elif probe.refused:
            yield passed(resource, f"Listener {name} refused a client without credentials: {probe.refusal}", **access_evidence(probe))
        elif probe.saw_something:
            topics = probe.topics or []
            seen = f"{len(topics)} topic(s) ({', '.join(topics[:5])}{', ...' if len(topics) > 5 else ''})" if topics else "no topic"
            described = "and described the cluster" if probe.cluster_described else "but could not describe the cluster"
            yield failed(resource, f"A client without credentials on listener {name} read {seen} {described}.", **access_evidence(probe))
        else:
            yield passed(resource, f"A client without credentials on listener {name} connected but saw no topic and could not describe the cluster.", **access_evidence(probe))


@rule(
    id="KAFKA-AUTH-003",
    title="SCRAM credentials use SCRAM-SHA-512 with enough iterations",
    severity=Severity.LOW,
    provider="kafka",
    resource_type="kafka.scram_credential",
    principle="Kafka §1.5 Security",
    rationale=(
        "The iteration count sets the cost of guessing a password from a stolen credential; SCRAM-SHA-256 and low "
        "counts make offline guessing cheaper. Kafka's default is 4096 iterations."
    ),
    remediation="Re-create the credential with kafka-configs --alter --add-config 'SCRAM-SHA-512=[iterations=8192,password=...]' and delete the old mechanism.",
    references=[f"{KAFKA_SECURITY_DOC}_sasl_scram"],
    tags=["authentication"],
    params={"min_scram_iterations": Param(8192, "Minimum iteration count of a SCRAM credential.")},
)
def scram_strength(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    minimum = params["min_scram_iterations"]
    if cluster.scram_credentials is None:
        yield not_assessed(cluster.resource_id("cluster"), not_collected(cluster, "DescribeUserScramCredentials"))
        return
    if not cluster.scram_credentials:
        yield not_applicable(cluster.resource_id("cluster"), "The cluster has no SCRAM credentials.")
        return

    for credential in cluster.scram_credentials:
        resource = cluster.resource_id("scram", credential.user, credential.mechanism)
        evidence = {"user": credential.user, "mechanism": credential.mechanism, "iterations": credential.iterations, "min_iterations": minimum}
        problems = []
        if credential.mechanism != "SCRAM-SHA-512":
            problems.append(f"uses {credential.mechanism}")
        if credential.iterations < minimum:
            problems.append(f"has {credential.iterations} iterations, below {minimum}")
        if problems:
            yield failed(resource, f"The SCRAM credential of {credential.user} {' and '.join(problems)}.", **evidence)
        else:
            yield passed(resource, f"The SCRAM credential of {credential.user} uses SCRAM-SHA-512 with {credential.iterations} iterations.", **evidence)
