"""Kafka rules on what the live TLS probe saw: accepted versions and the listener certificate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from rules._kafka import listener_evidence, listener_id, listeners, listeners_not_collected, probe_gap
from rules.base import Outcome, Param, Params, failed, not_applicable, not_assessed, passed, rule
from rules.kafka_tls import KAFKA_SECURITY_DOC
from scanner.findings import Severity
from scanner.model.kafka import Broker, KafkaCluster, Listener
from scanner.model.kafka_probes import CertificateInfo, ProbeStatus, TlsProbe, VersionResult

WEAK_TLS_VERSIONS = ("TLSv1", "TLSv1.1")
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
WEAK_SIGNATURE_HASHES = ("md5", "sha1")


def _probed(cluster: KafkaCluster) -> Iterator[tuple[Broker, Listener, str, dict, TlsProbe | Outcome]]:
    """Yield (broker, listener, resource id, evidence, probe) per listener, or an Outcome in place of the probe.

    The Outcome is NOT_APPLICABLE for listeners without TLS and NOT_ASSESSED
    when the probe did not complete.
    """
    for broker, listener in listeners(cluster):
        resource = listener_id(cluster, broker, listener)
        evidence = listener_evidence(broker, listener)
        probe = listener.tls_probe
        if not listener.security_protocol.encrypted:
            yield broker, listener, resource, evidence, not_applicable(resource, f"Listener {listener.name} does not use TLS.", **evidence)
        elif probe is None:
            yield broker, listener, resource, evidence, not_assessed(resource, f"Listener {listener.name} was not probed.", **evidence)
        elif probe.status != ProbeStatus.COMPLETED:
            outcome = not_assessed(resource, probe_gap("TLS probe", probe.status, probe.reason), probe_status=str(probe.status), **evidence)
            yield broker, listener, resource, evidence, outcome
        else:
            yield broker, listener, resource, evidence | {"address": probe.address}, probe


def _certificate_or_gap(resource: str, listener: Listener, probe: TlsProbe, evidence: dict) -> CertificateInfo | Outcome:
    if probe.certificate is None:
        return not_assessed(resource, f"The certificate of listener {listener.name} was not read: {probe.reason}", **evidence)
    return probe.certificate


def certificate_evidence(certificate: CertificateInfo) -> dict[str, object]:
    return {
        "subject": certificate.subject,
        "issuer": certificate.issuer,
        "serial_number": certificate.serial_number,
        "self_signed": certificate.self_signed,
    }


@rule(
    id="KAFKA-TLS-004",
    title="Listeners accept no TLS version below 1.2 (live probe)",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "ssl.enabled.protocols says what Kafka asks the JVM for, but the JVM's jdk.tls.disabledAlgorithms also decides. "
        "A handshake per version shows what the listener really accepts; TLS 1.0 and 1.1 are deprecated (RFC 8996)."
    ),
    remediation=(
        "Set ssl.enabled.protocols=TLSv1.3,TLSv1.2 (and any listener.name.<listener>.ssl.enabled.protocols), keep "
        "TLSv1 and TLSv1.1 in the broker JVM's jdk.tls.disabledAlgorithms, and restart the broker."
    ),
    references=[f"{KAFKA_SECURITY_DOC}_ssl", "https://www.rfc-editor.org/rfc/rfc8996"],
    tags=["encryption", "in-transit", "tls", "probe"],
)
def no_weak_tls_accepted(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for _, listener, resource, evidence, probe in _probed(cluster):
        if isinstance(probe, Outcome):
            yield probe
            continue

        versions = {entry.version: entry.result.value for entry in probe.versions}
        details = {entry.version: entry.detail for entry in probe.versions if entry.detail}
        accepted = probe.accepted()
        evidence |= {"tls_versions": versions, "accepted": accepted, "details": details}
        weak = [version for version in WEAK_TLS_VERSIONS if version in accepted]
        untested = [entry.version for entry in probe.versions if entry.version in WEAK_TLS_VERSIONS and entry.result == VersionResult.NOT_TESTED]

        if weak:
            yield failed(resource, f"Listener {listener.name} at {probe.address} accepts {', '.join(weak)}.", **evidence)
        elif untested:
            reason = details.get(untested[0], "")
            yield not_assessed(resource, f"{', '.join(untested)} could not be tried against {probe.address}: {reason}", **evidence)
        else:
            shown = ", ".join(accepted) or "no version"
            yield passed(resource, f"Listener {listener.name} at {probe.address} accepts {shown} and rejects TLS 1.0 and 1.1.", **evidence)


@rule(
    id="KAFKA-TLS-005",
    title="Listener certificates are valid and not expiring soon",
    severity=Severity.HIGH,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale="Clients refuse an expired certificate, so expiry stops every producer and consumer of the listener at once.",
    remediation="Issue a new certificate for the listener, install it (ssl.keystore.*), and reload it with kafka-configs --alter or a rolling restart.",
    references=[f"{KAFKA_SECURITY_DOC}_ssl"],
    tags=["encryption", "tls", "probe"],
    params={"cert_expiry_warning_days": Param(30, "A certificate that expires within this many days fails.")},
)
def certificate_not_expiring(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    warning_days = params["cert_expiry_warning_days"]
    now = datetime.now(timezone.utc)
    yield from listeners_not_collected(cluster)
    for _, listener, resource, evidence, probe in _probed(cluster):
        if isinstance(probe, Outcome):
            yield probe
            continue
        certificate = _certificate_or_gap(resource, listener, probe, evidence)
        if isinstance(certificate, Outcome):
            yield certificate
            continue

        days_left = (certificate.not_after - now).total_seconds() / 86400
        evidence |= certificate_evidence(certificate) | {
            "not_before": certificate.not_before.isoformat(),
            "not_after": certificate.not_after.isoformat(),
            "days_left": int(days_left // 1),
            "warning_days": warning_days,
        }
        if days_left < 0:
            yield failed(resource, f"The certificate of listener {listener.name} ({certificate.subject}) expired on {certificate.not_after:%Y-%m-%d}.", **evidence)
        elif certificate.not_before > now:
            yield failed(resource, f"The certificate of listener {listener.name} is not valid before {certificate.not_before:%Y-%m-%d}.", **evidence)
        elif days_left < warning_days:
            yield failed(resource, f"The certificate of listener {listener.name} ({certificate.subject}) expires in {days_left:.1f} days, within {warning_days}.", **evidence)
        else:
            yield passed(resource, f"The certificate of listener {listener.name} is valid until {certificate.not_after:%Y-%m-%d}.", **evidence)


def certificate_weaknesses(certificate: CertificateInfo) -> list[str]:
    """Return why a certificate's key or signature is weak; empty when both are strong."""
    problems = []
    size = certificate.key_size
    if certificate.key_type in ("RSA", "DSA") and (size is None or size < MIN_RSA_BITS):
        problems.append(f"{certificate.key_type} key of {size} bits (minimum {MIN_RSA_BITS})")
    elif certificate.key_type == "EC" and (size is None or size < MIN_EC_BITS):
        problems.append(f"EC key of {size} bits (minimum {MIN_EC_BITS})")
    algorithm = certificate.signature_algorithm.lower()
    hash_name = (certificate.signature_hash or "").lower()
    if hash_name in WEAK_SIGNATURE_HASHES or any(weak in algorithm for weak in WEAK_SIGNATURE_HASHES):
        problems.append(f"signature {certificate.signature_algorithm}")
    return problems


@rule(
    id="KAFKA-TLS-006",
    title="Certificate keys and signatures are strong",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "RSA keys below 2048 bits and EC keys below 256 bits can be broken with current means (NIST SP 800-131A), and "
        "SHA-1 or MD5 signatures allow forged certificates through collisions."
    ),
    remediation="Issue the listener certificate with an RSA key of 2048 bits or more or an EC P-256 or larger key, signed with SHA-256 or stronger.",
    references=["https://csrc.nist.gov/pubs/sp/800/131/a/r2/final"],
    tags=["encryption", "tls", "probe"],
)
def certificate_strong(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for _, listener, resource, evidence, probe in _probed(cluster):
        if isinstance(probe, Outcome):
            yield probe
            continue
        certificate = _certificate_or_gap(resource, listener, probe, evidence)
        if isinstance(certificate, Outcome):
            yield certificate
            continue

        evidence |= certificate_evidence(certificate) | {
            "key_type": certificate.key_type,
            "key_size": certificate.key_size,
            "signature_algorithm": certificate.signature_algorithm,
            "signature_hash": certificate.signature_hash,
        }
        problems = certificate_weaknesses(certificate)
        if problems:
            yield failed(resource, f"The certificate of listener {listener.name} has a weak {' and a weak '.join(problems)}.", **evidence)
        else:
            yield passed(resource, f"The certificate of listener {listener.name} has a {certificate.key_type}-{certificate.key_size} key and a {certificate.signature_algorithm} signature.", **evidence)


@rule(
    id="KAFKA-TLS-007",
    title="Certificate names match the advertised host and hostname verification stays on",
    severity=Severity.MEDIUM,
    provider="kafka",
    resource_type="kafka.listener",
    principle="Kafka §1.5 Security: use TLS for encryption in transit",
    rationale=(
        "Clients verify that the certificate names the host they connect to; a mismatch makes them turn verification off, "
        "which allows a man in the middle. An empty ssl.endpoint.identification.algorithm turns that check off for the broker's own connections."
    ),
    remediation=(
        "Issue the certificate with a SAN for every advertised host name or address, and set "
        "ssl.endpoint.identification.algorithm=https (also in listener.name.<listener>. overrides)."
    ),
    references=["https://kafka.apache.org/documentation/#brokerconfigs_ssl.endpoint.identification.algorithm"],
    tags=["encryption", "tls", "probe"],
)
def certificate_names_match(cluster: KafkaCluster, params: Params) -> Iterator[Outcome]:
    yield from listeners_not_collected(cluster)
    for broker, listener in listeners(cluster):
        if not listener.security_protocol.encrypted:
            continue
        resource = listener_id(cluster, broker, listener)
        key = "ssl.endpoint.identification.algorithm"
        if key in listener.overrides:
            key = f"listener.name.{listener.name.lower()}.{key}"
        algorithm = listener.ssl_endpoint_identification
        probe = listener.tls_probe
        certificate = probe.certificate if probe is not None and probe.status == ProbeStatus.COMPLETED else None
        evidence = listener_evidence(broker, listener) | {"config": key, "value": algorithm}

        problems = []
        if algorithm is not None and not algorithm.strip():
            problems.append(f"{key} is empty, so hostname verification is off")
        if certificate is not None:
            evidence |= {"subject": certificate.subject, "dns_names": certificate.dns_names, "ip_addresses": certificate.ip_addresses, "hostname_matches": probe.hostname_matches}
            if probe.hostname_matches is False:
                problems.append(f"the certificate names neither SAN nor CN {listener.advertised_host!r}, the advertised host")

        if problems:
            yield failed(resource, f"Listener {listener.name}: {'; '.join(problems)}.", **evidence)
        elif certificate is None:
            if probe is None:
                reason = f"Listener {listener.name} was not probed."
            elif probe.status != ProbeStatus.COMPLETED:
                reason = probe_gap("TLS probe", probe.status, probe.reason)
            else:
                reason = f"The certificate of listener {listener.name} was not read: {probe.reason}"
            yield not_assessed(resource, reason, **evidence)
        else:
            yield passed(resource, f"The certificate of listener {listener.name} names {listener.advertised_host} and {key}={algorithm}.", **evidence)
