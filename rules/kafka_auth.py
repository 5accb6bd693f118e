"""Kafka rules on client authentication."""

from __future__ import annotations

from collections.abc import Iterator

from rules._kafka import listener_evidence, listener_id, listeners, listeners_not_collected
from rules.base import Outcome, Param, Params, failed, passed, rule
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.findings import Severity
from scanner.model.kafka import KafkaCluster, Listener, SecurityProtocol

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
