"""Results of the Kafka adapter's network probes, as stored in the snapshot.

The TLS probe result is attached to each listener; the behaviour probes
(anonymous and low-privilege clients) are attached to the cluster, one result
per listener name. Every probe result has a `status`: only COMPLETED results
carry observations, the others carry the reason in `reason`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, field_validator

from scanner.model.common import Frozen

TLS_VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")


class ProbeStatus(StrEnum):
    """Final state of a probe.

    DISABLED and SKIPPED are decisions (the configuration turned the probe off,
    or there was nothing to connect to) and are not collection errors.
    FAILED and TIMED_OUT are collection errors.
    """

    COMPLETED = "completed"
    DISABLED = "disabled"
    SKIPPED = "skipped"
    FAILED = "failed"
    TIMED_OUT = "timed_out"


class VersionResult(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NOT_TESTED = "not_tested"


class TlsVersionProbe(Frozen):
    """The outcome of one handshake restricted to a single TLS version.

    NOT_TESTED means the local OpenSSL cannot offer the version, so the
    server's response is unknown. `detail` gives the reason or the server's alert.
    """

    version: str
    result: VersionResult
    detail: str | None = None
    cipher: str | None = None


class CertificateInfo(Frozen):
    """The leaf certificate a listener presents, parsed without trusting it."""

    subject: str
    issuer: str
    serial_number: str
    sha256_fingerprint: str
    not_before: datetime
    not_after: datetime
    dns_names: list[str] = Field(default_factory=list)
    ip_addresses: list[str] = Field(default_factory=list)
    key_type: str
    key_size: int | None = None
    signature_algorithm: str
    signature_hash: str | None = None
    self_signed: bool

    @field_validator("dns_names", "ip_addresses")
    @classmethod
    def _sorted(cls, values: list[str]) -> list[str]:
        return sorted(values)

    @property
    def common_name(self) -> str | None:
        """Return the subject's CN, or None when it has none."""
        for part in self.subject.split(","):
            key, _, value = part.partition("=")
            if key.strip().upper() == "CN":
                return value.strip()
        return None


class TlsProbe(Frozen):
    """Result of a direct TLS handshake with one listener's advertised address.

    `versions` has one entry per version in TLS_VERSIONS. `hostname_matches`
    compares the advertised host with the certificate's SANs (the CN only when
    the certificate has no SAN of the host's kind). `client_certificate_required`
    is True when the listener refused a client that presents no certificate.
    """

    status: ProbeStatus
    address: str | None = None
    reason: str | None = None
    versions: list[TlsVersionProbe] = Field(default_factory=list)
    certificate: CertificateInfo | None = None
    hostname_matches: bool | None = None
    client_certificate_required: bool | None = None
    client_certificate_detail: str | None = None

    def accepted(self) -> list[str]:
        """Return the versions the server accepted, oldest first."""
        return [entry.version for entry in self.versions if entry.result == VersionResult.ACCEPTED]


class AccessProbe(Frozen):
    """Access that a client with given credentials (or none) had through one listener.

    `refused` is True when the broker closed the connection or failed the
    handshake or authentication. `topics` lists the topic names that Metadata
    returned; `cluster_operations` the operations DescribeCluster reported as
    authorized (None when DescribeCluster was refused).
    """

    listener: str
    principal: str | None = None
    addresses: list[str] = Field(default_factory=list)
    status: ProbeStatus
    reason: str | None = None
    refused: bool | None = None
    refusal: str | None = None
    brokers_visible: int | None = None
    topics: list[str] | None = None
    cluster_described: bool | None = None
    cluster_operations: list[str] | None = None

    @field_validator("addresses")
    @classmethod
    def _sorted_addresses(cls, values: list[str]) -> list[str]:
        return sorted(values)

    @field_validator("topics", "cluster_operations")
    @classmethod
    def _sorted_names(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else sorted(values)

    @property
    def saw_something(self) -> bool:
        """True when the client read any topic name or described the cluster."""
        return bool(self.topics) or bool(self.cluster_described)


class PropertiesFile(Frozen):
    """One broker ``server.properties`` file given as scan input.

    `node_id` comes from ``node.id`` (KRaft) or ``broker.id`` (ZooKeeper).
    Values of sensitive keys are dropped before the model is built: such an
    entry has ``value=None`` and ``sensitive=True``, which records only that
    the key is set.
    """

    path: str
    node_id: int
    keys: int
    sensitive_keys: list[str] = Field(default_factory=list)

    @field_validator("sensitive_keys")
    @classmethod
    def _sorted_keys(cls, values: list[str]) -> list[str]:
        return sorted(values)
