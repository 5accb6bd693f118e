"""Render ``server.properties`` for a single-node KRaft broker+controller from a `Profile`."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from scanner.localkafka.profiles import AUTHORIZER_CLASS, SCRAM_MECHANISM, TLS_PROTOCOLS, Profile
from scanner.localkafka.tls import IssuedCertificate

HOST = "127.0.0.1"
NODE_ID = 1

# Maps a certificate subject that contains "CN=name" (an RFC 2253 string such
# as "CN=name,O=org") to the principal "User:name".
PRINCIPAL_MAPPING_RULES = "RULE:^(.*,)?CN=([^,]+)(,.*)?$/$2/,DEFAULT"


@dataclass(frozen=True)
class BrokerTls:
    """TLS material that the broker JVM reads."""

    ca: IssuedCertificate
    internal: IssuedCertificate
    client_listener: IssuedCertificate


def listener_protocols(profile: Profile) -> dict[str, str]:
    """Return listener name → security protocol, in the order the listeners are declared."""
    listeners = {"CLIENT": profile.client_protocol}
    if profile.uses_tls:
        listeners["INTERNAL"] = profile.internal_protocol
    if profile.anonymous_listener is not None:
        listeners["ANON"] = profile.anonymous_listener
    listeners["CONTROLLER"] = profile.internal_protocol
    return listeners


def pick_free_ports(listeners: list[str], client_port: int | None) -> dict[str, int]:
    """Return a free 127.0.0.1 port for each listener (`client_port` for CLIENT when given)."""
    sockets = []
    ports = {}
    try:
        for name in listeners:
            if name == "CLIENT" and client_port is not None:
                ports[name] = client_port
                continue
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
            ports[name] = sock.getsockname()[1]
    finally:
        for sock in sockets:
            sock.close()
    return ports


def render_properties(
    profile: Profile, ports: dict[str, int], data_dir: Path, tls: BrokerTls | None
) -> dict[str, str]:
    """Return the broker properties for `profile` with listeners on `ports` (listener name → port).

    Raises ValueError when a listener has no port or a TLS profile has no `tls`.
    """
    protocols = listener_protocols(profile)
    missing = sorted(set(protocols) - set(ports))
    if missing:
        raise ValueError(f"no port chosen for listener(s) {', '.join(missing)}")
    if profile.uses_tls and tls is None:
        raise ValueError(f"profile {profile.name!r} uses TLS but no TLS material was given")

    advertised = [name for name in protocols if name != "CONTROLLER"]
    props: dict[str, str] = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{HOST}:{ports['CONTROLLER']}",
        "controller.listener.names": "CONTROLLER",
        "listeners": ",".join(f"{name}://{HOST}:{ports[name]}" for name in protocols),
        "advertised.listeners": ",".join(f"{name}://{HOST}:{ports[name]}" for name in advertised),
        "listener.security.protocol.map": ",".join(f"{name}:{protocol}" for name, protocol in protocols.items()),
        "inter.broker.listener.name": "INTERNAL" if "INTERNAL" in protocols else "CLIENT",
        "log.dirs": str(data_dir),
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "3",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "3",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "log.cleaner.threads": "1",
    }
    if profile.auto_create_topics is not None:
        props["auto.create.topics.enable"] = str(profile.auto_create_topics).lower()

    if profile.uses_tls:
        assert tls is not None
        props["ssl.principal.mapping.rules"] = PRINCIPAL_MAPPING_RULES
        props["ssl.enabled.protocols"] = TLS_PROTOCOLS
        for name, protocol in protocols.items():
            if protocol in ("SSL", "SASL_SSL"):
                certificate = tls.client_listener if name == "CLIENT" else tls.internal
                # ANON over SSL encrypts without client certificates, so its principal is User:ANONYMOUS.
                client_auth = protocol == "SSL" and name != "ANON"
                props.update(_listener_tls(name, certificate, tls.ca, client_auth=client_auth))

    if profile.uses_scram:
        props["sasl.enabled.mechanisms"] = SCRAM_MECHANISM
        props["listener.name.client.sasl.enabled.mechanisms"] = SCRAM_MECHANISM
        props[f"listener.name.client.{SCRAM_MECHANISM.lower()}.sasl.jaas.config"] = (
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        )

    if profile.authorizer:
        props["authorizer.class.name"] = AUTHORIZER_CLASS
        props["super.users"] = ";".join(profile.super_users)
        props["allow.everyone.if.no.acl.found"] = str(profile.allow_everyone_if_no_acl_found).lower()

    props.update(profile.extra_properties)
    return props


def _listener_tls(name: str, certificate: IssuedCertificate, ca: IssuedCertificate, client_auth: bool) -> dict[str, str]:
    prefix = f"listener.name.{name.lower()}."
    return {
        prefix + "ssl.keystore.type": "PEM",
        prefix + "ssl.keystore.certificate.chain": certificate.chain_pem,
        prefix + "ssl.keystore.key": certificate.key_pem,
        prefix + "ssl.truststore.type": "PEM",
        prefix + "ssl.truststore.location": str(ca.cert_path),
        prefix + "ssl.client.auth": "required" if client_auth else "none",
        prefix + "ssl.enabled.protocols": TLS_PROTOCOLS,
        prefix + "ssl.endpoint.identification.algorithm": "https",
    }


def write_properties(path: Path, props: dict[str, str]) -> None:
    """Write `props` as a java.util.Properties file, escaping newlines and backslashes in values."""
    lines = ["# Generated by scanner.localkafka for a local test broker."]
    for key, value in props.items():
        escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        if escaped.startswith(" "):
            escaped = "\\" + escaped
        lines.append(f"{key}={escaped}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
