"""Security posture of Kafka clusters, as the Kafka adapter collects it.

A field set to None means "not collected" (the read failed or was not
attempted); an empty list means "collected, and there are none". Rules rely on
that difference to choose between NOT_ASSESSED and PASS.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from scanner.model.common import Frozen
from scanner.model.kafka_probes import AccessProbe, PropertiesFile, TlsProbe


class SecurityProtocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"

    @property
    def encrypted(self) -> bool:
        return self in (SecurityProtocol.SSL, SecurityProtocol.SASL_SSL)

    @property
    def sasl(self) -> bool:
        return self in (SecurityProtocol.SASL_PLAINTEXT, SecurityProtocol.SASL_SSL)


class ListenerRole(StrEnum):
    CLIENT = "client"
    INTER_BROKER = "inter_broker"
    CONTROLLER = "controller"


class ConfigValue(Frozen):
    """One broker or topic configuration entry as DescribeConfigs reports it.

    `value` is None when the broker marks the entry sensitive (it never sends
    those values) or when the entry has no value. `file` is the path of the
    server.properties file the value was read from, when it came from one.
    """

    value: str | None = None
    sensitive: bool = False
    default: bool = False
    source: str | None = None
    file: str | None = None


# Topics of one cluster mostly repeat the same few dozen entries (defaults), so
# equal ConfigValue instances are shared: at 10,000 topics this saves hundreds of MB.
_CONFIG_VALUES: dict[ConfigValue, ConfigValue] = {}
_CONFIG_VALUES_MAX = 100_000


def _shared_configs(configs: dict[str, ConfigValue] | None) -> dict[str, ConfigValue] | None:
    """Return `configs` sorted by key, with each value replaced by an equal shared instance."""
    if configs is None:
        return None
    shared = {}
    for key in sorted(configs):
        value = configs[key]
        existing = _CONFIG_VALUES.get(value)
        if existing is None and len(_CONFIG_VALUES) < _CONFIG_VALUES_MAX:
            _CONFIG_VALUES[value] = value
            existing = value
        shared[key] = existing or value
    return shared


class Listener(Frozen):
    """One listener of one broker, with the settings that apply to it.

    Per-listener overrides (``listener.name.<name>.<key>``) are already applied
    to `sasl_mechanisms`, `ssl_client_auth`, `ssl_enabled_protocols` and
    `ssl_endpoint_identification`; `overrides` lists which keys came from one.
    `tls_probe` is None for listeners that do not use TLS.
    """

    name: str
    security_protocol: SecurityProtocol
    host: str | None = None
    port: int | None = None
    advertised_host: str | None = None
    advertised_port: int | None = None
    roles: list[ListenerRole] = Field(default_factory=list)
    sasl_mechanisms: list[str] = Field(default_factory=list)
    ssl_client_auth: str | None = None
    ssl_enabled_protocols: list[str] | None = None
    ssl_endpoint_identification: str | None = None
    overrides: list[str] = Field(default_factory=list)
    tls_probe: TlsProbe | None = None

    @field_validator("roles", "sasl_mechanisms", "overrides")
    @classmethod
    def _sorted(cls, values: list) -> list:
        return sorted(values)

    @property
    def is_client(self) -> bool:
        return ListenerRole.CLIENT in self.roles

    @property
    def mutual_tls(self) -> bool:
        """True when the listener demands a client certificate."""
        return self.security_protocol.encrypted and (self.ssl_client_auth or "").lower() == "required"


class Broker(Frozen):
    """One broker node with its configuration and parsed listeners.

    `configs` is None when DescribeConfigs on the broker failed. `host` and
    `port` are None for a broker known only from a server.properties file that
    advertises no client listener.
    """

    id: int
    host: str | None = None
    port: int | None = None
    rack: str | None = None
    configs: dict[str, ConfigValue] | None = None
    listeners: list[Listener] = Field(default_factory=list)

    @field_validator("configs")
    @classmethod
    def _sorted_configs(cls, configs: dict | None) -> dict | None:
        return _shared_configs(configs)

    @field_validator("listeners")
    @classmethod
    def _sorted_listeners(cls, listeners: list[Listener]) -> list[Listener]:
        return sorted(listeners, key=lambda listener: listener.name)

    def config(self, key: str) -> str | None:
        """Return the value of one broker config, or None when unset, sensitive or not collected."""
        if self.configs is None or key not in self.configs:
            return None
        return self.configs[key].value


class AclBinding(Frozen):
    """One ACL binding. `resource_type` uses the protocol's names, so CLUSTER, not BROKER."""

    principal: str
    host: str = "*"
    operation: str
    permission: str
    resource_type: str
    resource_name: str
    pattern_type: str = "LITERAL"

    @property
    def sort_key(self) -> tuple[str, ...]:
        return (
            self.resource_type,
            self.pattern_type,
            self.resource_name,
            self.principal,
            self.host,
            self.operation,
            self.permission,
        )

    def describe(self) -> str:
        """Return the binding in the notation of ``kafka-acls --list``."""
        return (
            f"{self.permission} {self.principal} from {self.host} {self.operation} "
            f"on {self.resource_type}:{self.pattern_type}:{self.resource_name}"
        )


class AclState(StrEnum):
    """Result of the DescribeAcls request."""

    COLLECTED = "collected"
    SECURITY_DISABLED = "security_disabled"
    DENIED = "denied"
    FAILED = "failed"


class Topic(Frozen):
    """One topic with its effective configuration (None when DescribeConfigs failed)."""

    name: str
    internal: bool = False
    partitions: int
    replication_factor: int
    configs: dict[str, ConfigValue] | None = None

    @field_validator("configs")
    @classmethod
    def _sorted_configs(cls, configs: dict | None) -> dict | None:
        return _shared_configs(configs)

    def config(self, key: str) -> str | None:
        if self.configs is None or key not in self.configs:
            return None
        return self.configs[key].value


class ScramCredential(Frozen):
    """A SCRAM credential's mechanism and iteration count: never the salt or the hash."""

    user: str
    mechanism: str
    iterations: int


class KafkaCluster(Frozen):
    """Everything collected from one Kafka target.

    `target` is the configured target name, which also prefixes every resource
    id. `environment` is the label the configuration gives the target.
    `collection_error` is set when nothing could be collected from the cluster;
    the engine then reports every Kafka rule NOT_ASSESSED for it. `bootstrap`
    is None when the target is assessed from server.properties files only.
    `anonymous_probes` has one entry per advertised listener name.
    """

    target: str
    collection_error: str | None = None
    bootstrap: str | None = None
    environment: str | None = None
    cluster_id: str | None = None
    controller_id: int | None = None
    brokers: list[Broker] = Field(default_factory=list)
    authorized_operations: list[str] | None = None
    acl_state: AclState | None = None
    acls: list[AclBinding] | None = None
    topics: list[Topic] | None = None
    scram_credentials: list[ScramCredential] | None = None
    anonymous_probes: list[AccessProbe] = Field(default_factory=list)
    low_privilege_probe: AccessProbe | None = None
    properties_files: list[PropertiesFile] = Field(default_factory=list)

    @field_validator("brokers")
    @classmethod
    def _sorted_brokers(cls, brokers: list[Broker]) -> list[Broker]:
        return sorted(brokers, key=lambda broker: broker.id)

    @field_validator("acls")
    @classmethod
    def _sorted_acls(cls, acls: list[AclBinding] | None) -> list[AclBinding] | None:
        return None if acls is None else sorted(acls, key=lambda binding: binding.sort_key)

    @field_validator("topics")
    @classmethod
    def _sorted_topics(cls, topics: list[Topic] | None) -> list[Topic] | None:
        return None if topics is None else sorted(topics, key=lambda topic: topic.name)

    @field_validator("scram_credentials")
    @classmethod
    def _sorted_scram(cls, creds: list[ScramCredential] | None) -> list[ScramCredential] | None:
        return None if creds is None else sorted(creds, key=lambda c: (c.user, c.mechanism))

    @field_validator("anonymous_probes")
    @classmethod
    def _sorted_probes(cls, probes: list[AccessProbe]) -> list[AccessProbe]:
        return sorted(probes, key=lambda probe: probe.listener)

    @field_validator("properties_files")
    @classmethod
    def _sorted_files(cls, files: list[PropertiesFile]) -> list[PropertiesFile]:
        return sorted(files, key=lambda file: (file.node_id, file.path))

    @field_validator("authorized_operations")
    @classmethod
    def _sorted_operations(cls, operations: list[str] | None) -> list[str] | None:
        return None if operations is None else sorted(operations)

    @property
    def live(self) -> bool:
        """True when the target was scanned through the Admin API, False for server.properties input only."""
        return self.bootstrap is not None

    def anonymous_probe(self, listener: str) -> AccessProbe | None:
        """Return the anonymous probe result of one listener name, or None when it was not probed."""
        return next((probe for probe in self.anonymous_probes if probe.listener == listener), None)

    @property
    def resource_root(self) -> str:
        """Return the resource id of the target itself, used for findings on the whole unit."""
        return f"kafka/{self.target}"

    def resource_id(self, *parts: str | int) -> str:
        """Build a resource id below this cluster, such as ``kafka/prod/topic/orders``."""
        return "/".join(["kafka", self.target, *(str(part) for part in parts)])

    @property
    def authorizer_configured(self) -> bool | None:
        """True when an authorizer is on, False when one is missing, None when unknown.

        Kafka 4 returns an empty list from DescribeAcls, not SECURITY_DISABLED,
        when no authorizer is configured, so the broker configuration decides
        first: an empty ``authorizer.class.name`` on any broker means no
        authorizer there.
        """
        values = [broker.config("authorizer.class.name") for broker in self.brokers if broker.configs is not None]
        if any(not value for value in values) or self.acl_state == AclState.SECURITY_DISABLED:
            return False
        if values or self.acl_state == AclState.COLLECTED:
            return True
        return None

    def broker_config(self, key: str) -> str | None:
        """Return a broker config's value as the first broker that reports it has it."""
        for broker in self.brokers:
            value = broker.config(key)
            if value is not None:
                return value
        return None


class KafkaSection(Frozen):
    clusters: list[KafkaCluster] = Field(default_factory=list)

    @field_validator("clusters")
    @classmethod
    def _sorted_clusters(cls, clusters: list[KafkaCluster]) -> list[KafkaCluster]:
        return sorted(clusters, key=lambda cluster: cluster.target)
