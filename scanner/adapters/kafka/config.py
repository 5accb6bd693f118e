"""Scan configuration of Kafka targets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scanner import secrets

ClientValue = str | int | float | bool


class KafkaTarget(BaseModel):
    """One Kafka cluster to scan.

    `client` contains librdkafka properties (``security.protocol``,
    ``sasl.mechanism``, ``ssl.ca.location``…) for the scanning principal.
    Sensitive properties must be ``${env:NAME}`` references.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9._:-]+$")
    bootstrap: str = Field(min_length=1)
    environment: str | None = None
    client: dict[str, ClientValue] = Field(default_factory=dict)
    timeout_seconds: float = Field(default=15.0, gt=0, le=600)

    @field_validator("client")
    @classmethod
    def _no_literal_secrets(cls, client: dict[str, ClientValue]) -> dict[str, ClientValue]:
        for key in secrets.literal_secret_keys(client):
            raise ValueError(
                f"'{key}' contains a literal secret; put it in an environment variable and "
                f"write '{key}: ${{env:VARIABLE_NAME}}'"
            )
        return client

    @field_validator("bootstrap")
    @classmethod
    def _host_port(cls, bootstrap: str) -> str:
        for server in bootstrap.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"'{server}' is not HOST:PORT; write the bootstrap servers as host1:9092,host2:9092")
        return bootstrap
