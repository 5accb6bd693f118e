"""Kafka inventory benchmark: a local Kafka 4 broker (sasl-ssl) with thousands of topics and ACL bindings.

Setup creates the topics (1 partition, replication factor 1) and the
bindings as ``admin``; this mutates only the benchmark's own broker. The
bindings come from the synthetic estate generator, so they include PREFIXED
and LITERAL ``*`` ones. The timed collection runs as the read-only
``scanner`` principal, as a real scan would.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from confluent_kafka.admin import AclBinding, AclOperation, AclPermissionType, AdminClient, NewTopic, ResourcePatternType, ResourceType

from benchmarks.estate.kafka import acl_bindings, topic_name
from scanner.localkafka import LocalBroker

log = logging.getLogger(__name__)

PASSWORD_VARIABLE = "STREAMAUDIT_BENCH_KAFKA_PASSWORD"
BATCH = 500
SETUP_TIMEOUT_SECONDS = 120.0


@contextmanager
def prepared(topics: int, bindings: int, heap: str = "1g") -> Iterator[tuple[dict[str, Any], dict[str, str], dict[str, Any]]]:
    """Start a broker, create `topics` topics and `bindings` ACL bindings, and yield (spec, environment, setup figures).

    The broker stops when the context ends. Raises RuntimeError when a
    creation fails or the bindings do not all become visible in time.
    """
    with LocalBroker("sasl-ssl", heap=heap) as broker:
        admin = AdminClient(broker.client_config("admin"))
        started = time.perf_counter()
        names = [topic_name(number) for number in range(topics)]
        _create_topics(admin, names)
        topics_seconds = time.perf_counter() - started

        started = time.perf_counter()
        existing = len(admin.describe_acls(_match_all()).result(timeout=60))
        wanted = [_to_admin(binding) for binding in acl_bindings(names, set(names[::20]), bindings - existing, wildcard_principal=True)]
        _create_acls(admin, wanted)
        _wait_for_acls(admin, existing + len(wanted))
        acls_seconds = time.perf_counter() - started

        # Drop the admin client now, so that it does not log reconnection failures when the broker stops.
        del admin
        client = {key: value for key, value in broker.client_config("scanner").items() if key != "bootstrap.servers"}
        client["sasl.password"] = f"${{env:{PASSWORD_VARIABLE}}}"
        spec = {"target": {"name": "bench", "bootstrap": broker.bootstrap, "timeout_seconds": 60, "client": client}}
        setup = {"topics": topics, "acl_bindings": existing + len(wanted), "create_topics_seconds": topics_seconds, "create_acls_seconds": acls_seconds}
        yield spec, {PASSWORD_VARIABLE: broker.scanner_password or ""}, setup


def _match_all():
    from confluent_kafka.admin import AclBindingFilter

    return AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY)


def _to_admin(binding) -> AclBinding:
    resource_type = ResourceType.BROKER if binding.resource_type == "CLUSTER" else ResourceType[binding.resource_type]
    return AclBinding(
        resource_type, binding.resource_name, ResourcePatternType[binding.pattern_type], binding.principal, binding.host,
        AclOperation[binding.operation], AclPermissionType[binding.permission],
    )


def _create_topics(admin: AdminClient, names: list[str]) -> None:
    for start in range(0, len(names), BATCH):
        futures = admin.create_topics([NewTopic(name, 1, 1) for name in names[start : start + BATCH]], request_timeout=60)
        for name, future in futures.items():
            try:
                future.result(timeout=SETUP_TIMEOUT_SECONDS)
            except Exception as exc:  # noqa: BLE001 - re-raised with the topic name
                if "TOPIC_ALREADY_EXISTS" not in str(exc):
                    raise RuntimeError(f"creating topic {name} failed: {exc}") from exc
        log.info("created %d of %d topics", min(start + BATCH, len(names)), len(names))


def _create_acls(admin: AdminClient, bindings: list[AclBinding]) -> None:
    for start in range(0, len(bindings), BATCH * 2):
        futures = admin.create_acls(bindings[start : start + BATCH * 2], request_timeout=60)
        for binding, future in futures.items():
            try:
                future.result(timeout=SETUP_TIMEOUT_SECONDS)
            except Exception as exc:  # noqa: BLE001 - re-raised with the binding
                raise RuntimeError(f"creating ACL binding {binding} failed: {exc}") from exc


def _wait_for_acls(admin: AdminClient, expected: int) -> None:
    deadline = time.monotonic() + SETUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if len(admin.describe_acls(_match_all()).result(timeout=60)) >= expected:
            return
        time.sleep(0.5)
    raise RuntimeError(f"the broker did not show {expected} ACL bindings within {SETUP_TIMEOUT_SECONDS:.0f} s")
