"""Scan configuration of Kafka targets."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scanner import secrets

ClientValue = str | int | float | bool


def _no_literal_secrets(client: dict[str, ClientValue]) -> dict[str, ClientValue]:
    for key in secrets.literal_secret_keys(client):
        raise ValueError(
            f"'{key}' contains a literal secret; put it in an environment variable and "
            f"write '{key}: ${{env:VARIABLE_NAME}}'"
        )
    return client


class LowPrivilegeProbe(BaseModel):
    """A principal without ACLs that the low-privilege probe connects as.

    `client` contains the complete librdkafka settings of that principal
    (nothing is inherited from the target's `client`). `principal` is its Kafka
    principal; it defaults to ``User:<sasl.username>`` when `client` sets
    ``sasl.username``. `bootstrap` defaults to the target's bootstrap.
    """

    model_config = ConfigDict(extra="forbid")

    client: dict[str, ClientValue] = Field(default_factory=dict)
    principal: str | None = Field(default=None, pattern=r"^[A-Za-z]+:.+$")
    bootstrap: str | None = None

    @field_validator("client")
    @classmethod
    def _client_secrets(cls, client: dict[str, ClientValue]) -> dict[str, ClientValue]:
        return _no_literal_secrets(client)

    @model_validator(mode="after")
    def _principal_known(self) -> LowPrivilegeProbe:
        if self.principal is None:
            username = self.client.get("sasl.username")
            if not isinstance(username, str) or not username or secrets.is_reference(username):
                raise ValueError(
                    "probes.low_privilege needs 'principal' (such as 'User:probe') unless client sets a literal sasl.username"
                )
            self.principal = f"User:{username}"
        return self


class KafkaProbes(BaseModel):
    """Probe selection, beside the Admin API collection.

    `tls` (on by default) handshakes with every advertised TLS listener.
    `anonymous` (off by default) connects to every advertised listener without
    credentials. `low_privilege` (off unless given) connects as a principal
    without ACLs. `timeout_seconds` bounds each socket operation and each
    behaviour probe.
    """

    model_config = ConfigDict(extra="forbid")

    tls: bool = True
    anonymous: bool = False
    low_privilege: LowPrivilegeProbe | None = None
    timeout_seconds: float = Field(default=5.0, gt=0, le=120)


class KafkaTarget(BaseModel):
    """One Kafka cluster to scan.

    `client` contains librdkafka properties (``security.protocol``,
    ``sasl.mechanism``, ``ssl.ca.location``…) for the scanning principal.
    Sensitive properties must be ``${env:NAME}`` references.
    `server_properties` lists broker configuration files (one per broker,
    paths relative to the working directory) read as static input; a target
    may have them instead of, or beside, `bootstrap`.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._:-]+$")
    bootstrap: str | None = Field(default=None, min_length=1)
    environment: str | None = None
    client: dict[str, ClientValue] = Field(default_factory=dict)
    timeout_seconds: float = Field(default=15.0, gt=0, le=600)
    server_properties: list[Path] = Field(default_factory=list)
    probes: KafkaProbes = Field(default_factory=KafkaProbes)

    @field_validator("client")
    @classmethod
    def _client_secrets(cls, client: dict[str, ClientValue]) -> dict[str, ClientValue]:
        if "bootstrap.servers" in client:
            raise ValueError("'bootstrap.servers' comes from the target's bootstrap key; remove it from client")
        return _no_literal_secrets(client)

    @field_validator("bootstrap")
    @classmethod
    def _host_port(cls, bootstrap: str | None) -> str | None:
        if bootstrap is None:
            return None
        for server in bootstrap.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"'{server}' is not HOST:PORT; write the bootstrap servers as host1:9092,host2:9092")
            if not 1 <= int(port) <= 65535:
                raise ValueError(f"port {port} of '{server}' is out of range; use a port from 1 to 65535")
        return bootstrap

    @model_validator(mode="after")
    def _something_to_scan(self) -> KafkaTarget:
        if self.bootstrap is None and not self.server_properties:
            raise ValueError(
                f"kafka target '{self.name}' has neither bootstrap nor server_properties; give bootstrap "
                "(HOST:PORT,...) for a live scan, server_properties (a list of broker files) for a static scan, or both"
            )
        return self
