"""Collect one Kafka cluster's security posture through the Admin API (read-only).

Only Describe and List requests are sent: DescribeCluster, Metadata,
DescribeConfigs, DescribeAcls and DescribeUserScramCredentials. Every call has
a bounded timeout, and a failed call becomes a CollectionError instead of an
exception, so one cluster never stops the scan. server.properties files given
as input fill what the Admin API hides (see `scanner.adapters.kafka.static`),
and the probes in `scanner.adapters.kafka.probes` run after the collection.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ConfigResource,
    ResourcePatternType,
    ResourceType,
)

from scanner import secrets
from scanner.adapters.kafka.config import KafkaTarget
from scanner.adapters.kafka.listeners import parse_listeners
from scanner.adapters.kafka.probes import LOW_PRIVILEGE_LISTENER, ProbeRunner
from scanner.adapters.kafka.static import FileConfigs, brokers_from_files, merge_files, read_files
from scanner.errors import InputError
from scanner.model.common import CollectionError, ErrorKind, TargetProvenance
from scanner.model.kafka import AclBinding, AclState, Broker, ConfigValue, KafkaCluster, ScramCredential, Topic
from scanner.model.kafka_probes import AccessProbe, ProbeStatus, PropertiesFile, TlsProbe

log = logging.getLogger(__name__)

TOPIC_CONFIG_BATCH = 1000
INTERNAL_TOPIC_PREFIX = "__"

_ERROR_KINDS = {
    KafkaError._TRANSPORT: ErrorKind.UNREACHABLE,
    KafkaError._ALL_BROKERS_DOWN: ErrorKind.UNREACHABLE,
    KafkaError._RESOLVE: ErrorKind.UNREACHABLE,
    KafkaError._TIMED_OUT: ErrorKind.TIMEOUT,
    KafkaError.REQUEST_TIMED_OUT: ErrorKind.TIMEOUT,
    KafkaError._AUTHENTICATION: ErrorKind.AUTHENTICATION,
    KafkaError.SASL_AUTHENTICATION_FAILED: ErrorKind.AUTHENTICATION,
    KafkaError._SSL: ErrorKind.AUTHENTICATION,
    KafkaError.CLUSTER_AUTHORIZATION_FAILED: ErrorKind.DENIED,
    KafkaError.TOPIC_AUTHORIZATION_FAILED: ErrorKind.DENIED,
    KafkaError.GROUP_AUTHORIZATION_FAILED: ErrorKind.DENIED,
    KafkaError.SECURITY_DISABLED: ErrorKind.UNSUPPORTED,
    KafkaError.UNSUPPORTED_VERSION: ErrorKind.UNSUPPORTED,
}


class _ClientErrors:
    """Keeps the last global error librdkafka reported, such as a failed SASL handshake."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.last: KafkaError | None = None
        self._lock = threading.Lock()

    def __call__(self, error: KafkaError) -> None:
        log.debug("kafka target %s: client error %s", self.target, error.str())
        with self._lock:
            if self.last is None or error.code() == KafkaError._AUTHENTICATION:
                self.last = error


def _kafka_error(exc: BaseException) -> KafkaError | None:
    if isinstance(exc, KafkaException) and exc.args and isinstance(exc.args[0], KafkaError):
        return exc.args[0]
    return None


def _classify(exc: BaseException) -> tuple[ErrorKind, str]:
    error = _kafka_error(exc)
    if error is None:
        kind = ErrorKind.TIMEOUT if isinstance(exc, TimeoutError) else ErrorKind.ERROR
        return kind, f"{type(exc).__name__}: {exc}"
    return _ERROR_KINDS.get(error.code(), ErrorKind.ERROR), f"{error.name()}: {error.str()}"


class KafkaCollector:
    """Collects one target. Use `collect()`; the collector is not reusable."""

    def __init__(self, target: KafkaTarget) -> None:
        self.target = target
        self.timeout = target.timeout_seconds
        self.errors: list[CollectionError] = []
        self.client_errors = _ClientErrors(target.name)

    def _client(self) -> AdminClient:
        settings = secrets.resolve_all(dict(self.target.client), f"targets.kafka.{self.target.name}.client")
        timeout_ms = int(self.timeout * 1000)
        conf = {
            "client.id": "streamaudit",
            "socket.timeout.ms": timeout_ms,
            "socket.connection.setup.timeout.ms": timeout_ms,
            "reconnect.backoff.max.ms": 2000,
            **settings,
            "bootstrap.servers": self.target.bootstrap,
            "error_cb": self.client_errors,
            "logger": logging.getLogger("scanner.adapters.kafka.librdkafka"),
        }
        log.debug("kafka target %s: client settings %s", self.target.name, secrets.redact(settings))
        try:
            return AdminClient(conf)
        except KafkaException as exc:
            # librdkafka checks properties and reads CA and key files here, before any connection.
            error = _kafka_error(exc)
            if error is not None and error.code() == KafkaError._INVALID_ARG:
                raise InputError(
                    f"targets.kafka.{self.target.name}.client: {error.str()}. "
                    "Fix the librdkafka property or the file it names."
                ) from exc
            raise

    def _record(self, scope: str, exc: BaseException) -> ErrorKind:
        kind, message = _classify(exc)
        log.warning("kafka target %s: %s failed: %s", self.target.name, scope, message)
        self.errors.append(CollectionError(scope=scope, kind=kind, message=message))
        return kind

    def _wait(self, future: Future):
        return future.result(timeout=self.timeout + 5)

    def collect(self) -> tuple[KafkaCluster, TargetProvenance]:
        """Collect the cluster; return the model and the errors met on the way.

        Raises InputError for an unreadable or malformed server.properties file.
        """
        started = time.monotonic()
        files, file_configs = read_files(self.target.server_properties, self.target.name)
        if self.target.bootstrap is None:
            log.info("kafka target %s: assessing %d server.properties file(s) without live access", self.target.name, len(files))
            return self._static(files, file_configs, "the target has no bootstrap, so it was assessed from server.properties files only"), self._provenance()

        log.info("kafka target %s: collecting from %s", self.target.name, self.target.bootstrap)
        base = {"target": self.target.name, "bootstrap": self.target.bootstrap, "environment": self.target.environment}

        admin = None
        try:
            admin = self._client()
            description = self._wait(admin.describe_cluster(request_timeout=self.timeout, include_authorized_operations=True))
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure here means the target was not reached
            if admin is not None:
                admin.poll(0.5)  # serves error_cb, which carries the handshake or connection error
            reason = self._unreachable_reason(exc)
            log.error("kafka target %s: not collected: %s", self.target.name, reason[1])
            if files:
                # The files still give a static assessment, so only the live part counts as missed.
                self.errors.append(CollectionError(scope="admin_api", kind=reason[0], message=reason[1]))
                return self._static(files, file_configs, f"the Admin API was not reached ({reason[1]})"), self._provenance()
            self.errors.append(CollectionError(scope="target", kind=reason[0], message=reason[1]))
            return KafkaCluster(**base, collection_error=reason[1]), self._provenance()

        metadata = self._metadata(admin)
        brokers = merge_files(self._brokers(admin, description), file_configs, self.target.name)
        topics = self._topics(admin, metadata) if metadata is not None else None
        acl_state, acls = self._acls(admin)
        scram = self._scram(admin)

        cluster = KafkaCluster(
            **base,
            cluster_id=description.cluster_id,
            controller_id=description.controller.id if description.controller is not None else None,
            brokers=brokers,
            authorized_operations=[op.name for op in description.authorized_operations or []],
            acl_state=acl_state,
            acls=acls,
            topics=topics,
            scram_credentials=scram,
            properties_files=files,
        )
        cluster = ProbeRunner(self.target, self.errors).run(cluster)
        log.info(
            "kafka target %s: collected %d broker(s), %s topic(s), %s ACL binding(s), %d error(s) in %.1f s",
            self.target.name,
            len(brokers),
            len(topics) if topics is not None else "no",
            len(acls) if acls is not None else "no",
            len(self.errors),
            time.monotonic() - started,
        )
        return cluster, self._provenance()

    def _static(self, files: list[PropertiesFile], file_configs: FileConfigs, reason: str) -> KafkaCluster:
        """Return a cluster built from server.properties files alone; probes are recorded as skipped."""
        brokers = []
        for broker in brokers_from_files(file_configs):
            listeners = [
                listener.model_copy(update={"tls_probe": TlsProbe(status=ProbeStatus.SKIPPED, reason=reason)})
                if listener.security_protocol.encrypted
                else listener
                for listener in broker.listeners
            ]
            brokers.append(broker.model_copy(update={"listeners": listeners}))
        names = sorted({listener.name for broker in brokers for listener in broker.listeners})
        return KafkaCluster(
            target=self.target.name,
            bootstrap=self.target.bootstrap,
            environment=self.target.environment,
            brokers=brokers,
            properties_files=files,
            anonymous_probes=[AccessProbe(listener=name, status=ProbeStatus.SKIPPED, reason=reason) for name in names],
            low_privilege_probe=AccessProbe(listener=LOW_PRIVILEGE_LISTENER, status=ProbeStatus.SKIPPED, reason=reason),
        )

    def _provenance(self) -> TargetProvenance:
        return TargetProvenance(provider="kafka", target=self.target.name, errors=self.errors)

    def _unreachable_reason(self, exc: BaseException) -> tuple[ErrorKind, str]:
        """Prefer the client's own error (a failed SASL handshake) over the timeout it led to."""
        kind, message = _classify(exc)
        client_error = self.client_errors.last
        if client_error is not None and kind in (ErrorKind.TIMEOUT, ErrorKind.UNREACHABLE, ErrorKind.ERROR):
            kind = _ERROR_KINDS.get(client_error.code(), kind)
            message = f"{client_error.name()}: {client_error.str()}"
        return kind, f"cannot reach {self.target.bootstrap}: {message}"

    def _metadata(self, admin: AdminClient):
        try:
            return admin.list_topics(timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001
            self._record("metadata", exc)
            return None

    def _brokers(self, admin: AdminClient, description) -> list[Broker]:
        nodes = sorted(description.nodes, key=lambda node: node.id)
        resources = [ConfigResource(ResourceType.BROKER, str(node.id)) for node in nodes]
        futures = admin.describe_configs(resources, request_timeout=self.timeout) if resources else {}

        brokers = []
        for node, resource in zip(nodes, resources):
            configs = None
            try:
                configs = _config_values(self._wait(futures[resource]))
            except Exception as exc:  # noqa: BLE001
                self._record(f"describe_configs broker {node.id}", exc)
            brokers.append(
                Broker(
                    id=node.id,
                    host=node.host,
                    port=node.port,
                    rack=node.rack,
                    configs=configs,
                    listeners=parse_listeners(configs) if configs is not None else [],
                )
            )
        return brokers

    def _topics(self, admin: AdminClient, metadata) -> list[Topic]:
        names = sorted(metadata.topics)
        configs: dict[str, dict[str, ConfigValue] | None] = dict.fromkeys(names)
        pending = {}
        for start in range(0, len(names), TOPIC_CONFIG_BATCH):
            batch = [ConfigResource(ResourceType.TOPIC, name) for name in names[start : start + TOPIC_CONFIG_BATCH]]
            pending.update(admin.describe_configs(batch, request_timeout=self.timeout))

        denied = 0
        for resource, future in pending.items():
            try:
                configs[resource.name] = _config_values(self._wait(future))
            except Exception as exc:  # noqa: BLE001
                denied += 1
                if denied <= 5:
                    self._record(f"describe_configs topic {resource.name}", exc)
        if denied > 5:
            self.errors.append(
                CollectionError(scope="describe_configs topics", kind=ErrorKind.ERROR, message=f"{denied - 5} more topic(s) failed the same way")
            )

        topics = []
        for name in names:
            partitions = metadata.topics[name].partitions
            replication = max((len(partition.replicas) for partition in partitions.values()), default=0)
            topics.append(
                Topic(
                    name=name,
                    internal=name.startswith(INTERNAL_TOPIC_PREFIX),
                    partitions=len(partitions),
                    replication_factor=replication,
                    configs=configs[name],
                )
            )
        return topics

    def _acls(self, admin: AdminClient) -> tuple[AclState, list[AclBinding] | None]:
        match_all = AclBindingFilter(
            ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY
        )
        try:
            bindings = self._wait(admin.describe_acls(match_all, request_timeout=self.timeout))
        except Exception as exc:  # noqa: BLE001
            error = _kafka_error(exc)
            if error is not None and error.code() == KafkaError.SECURITY_DISABLED:
                log.info("kafka target %s: DescribeAcls reports SECURITY_DISABLED (no authorizer)", self.target.name)
                return AclState.SECURITY_DISABLED, None
            kind = self._record("describe_acls", exc)
            return (AclState.DENIED if kind == ErrorKind.DENIED else AclState.FAILED), None
        return AclState.COLLECTED, [_binding(binding) for binding in bindings]

    def _scram(self, admin: AdminClient) -> list[ScramCredential] | None:
        try:
            descriptions = self._wait(admin.describe_user_scram_credentials(request_timeout=self.timeout))
        except Exception as exc:  # noqa: BLE001
            self._record("describe_user_scram_credentials", exc)
            return None
        return [
            ScramCredential(user=user, mechanism=info.mechanism.name.replace("_", "-"), iterations=info.iterations)
            for user, description in descriptions.items()
            for info in description.scram_credential_infos
        ]


def _config_values(entries: dict) -> dict[str, ConfigValue]:
    return {
        name: ConfigValue(
            value=None if entry.is_sensitive else entry.value,
            sensitive=bool(entry.is_sensitive),
            default=bool(entry.is_default),
            source=entry.source.name if hasattr(entry.source, "name") else str(entry.source),
        )
        for name, entry in entries.items()
    }


def _binding(binding) -> AclBinding:
    resource_type = binding.restype.name
    return AclBinding(
        principal=binding.principal,
        host=binding.host,
        operation=binding.operation.name,
        permission=binding.permission_type.name,
        resource_type="CLUSTER" if resource_type == "BROKER" else resource_type,
        resource_name=binding.name,
        pattern_type=binding.resource_pattern_type.name,
    )


def collect_kafka(target: KafkaTarget) -> tuple[list[KafkaCluster], TargetProvenance]:
    """Collect one Kafka target.

    Raises only InputError (an unset secret variable, an unreadable
    server.properties file); see TargetProvenance.errors for the rest.
    """
    cluster, provenance = KafkaCollector(target).collect()
    return [cluster], provenance
