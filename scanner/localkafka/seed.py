"""Topics and ACLs that the harness creates as ``admin`` right after a local broker starts.

This is a mutating test-setup step of the harness; the scanner itself never
creates topics or ACLs.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
)

from scanner.localkafka.errors import LocalKafkaError
from scanner.localkafka.profiles import APP_USER, SCANNER_USER

log = logging.getLogger(__name__)

ORDERS_TOPIC = "orders.created.v1"
PAYMENTS_TOPIC = "payments.settled.v1"
SEED_TOPICS = (ORDERS_TOPIC, PAYMENTS_TOPIC)
SEED_PARTITIONS = 3
CLUSTER_RESOURCE = "kafka-cluster"
SEED_TIMEOUT_SECONDS = 30.0


def seed_acl_bindings() -> list[AclBinding]:
    """Return the ALLOW ACLs (host ``*``) granted to the ``scanner`` and ``app`` principals."""
    scanner = f"User:{SCANNER_USER}"
    app = f"User:{APP_USER}"
    entries = [
        (scanner, ResourceType.BROKER, CLUSTER_RESOURCE, ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        (scanner, ResourceType.BROKER, CLUSTER_RESOURCE, ResourcePatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS),
        (scanner, ResourceType.TOPIC, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        (scanner, ResourceType.TOPIC, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS),
        (scanner, ResourceType.GROUP, "*", ResourcePatternType.LITERAL, AclOperation.DESCRIBE),
        (app, ResourceType.TOPIC, ORDERS_TOPIC, ResourcePatternType.LITERAL, AclOperation.READ),
        (app, ResourceType.TOPIC, "payments.", ResourcePatternType.PREFIXED, AclOperation.WRITE),
        (app, ResourceType.GROUP, "app-", ResourcePatternType.PREFIXED, AclOperation.READ),
    ]
    return [
        AclBinding(resource_type, name, pattern, principal, "*", operation, AclPermissionType.ALLOW)
        for principal, resource_type, name, pattern, operation in entries
    ]


def seed(admin_config: dict[str, Any], *, create_acls: bool, timeout: float = SEED_TIMEOUT_SECONDS) -> None:
    """Create the seed topics (RF 1) and, when `create_acls`, the seed ACLs, using `admin_config`.

    Topics that already exist are left as they are. Raises LocalKafkaError
    when a topic or ACL cannot be created.
    """
    admin = AdminClient(admin_config)
    topics = [NewTopic(name, num_partitions=SEED_PARTITIONS, replication_factor=1) for name in SEED_TOPICS]
    for name, future in admin.create_topics(topics, request_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
        except KafkaException as exc:
            error = exc.args[0] if exc.args else None
            if isinstance(error, KafkaError) and error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                log.info("seed topic %s already exists", name)
                continue
            raise LocalKafkaError(f"creating seed topic {name} failed: {exc}") from exc
    log.info("created seed topics %s", ", ".join(SEED_TOPICS))

    bindings = seed_acl_bindings() if create_acls else []
    for binding, future in (admin.create_acls(bindings, request_timeout=timeout).items() if bindings else ()):
        try:
            future.result(timeout=timeout)
        except KafkaException as exc:
            raise LocalKafkaError(f"creating seed ACL {binding} failed: {exc}") from exc
    if bindings:
        log.info("created %d seed ACLs", len(bindings))

    _wait_until_visible(admin, len(bindings), timeout)


def _wait_until_visible(admin: AdminClient, acl_count: int, timeout: float) -> None:
    """Wait until the broker's metadata cache and authorizer show the seed topics and ACLs.

    The controller acknowledges CreateTopics and CreateAcls once the records
    are committed. The broker applies them a moment later, so Metadata and
    DescribeAcls responses sent before that can miss them.
    """
    deadline = time.monotonic() + timeout
    match_all = AclBindingFilter(
        ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY
    )
    missing = "seed topics"
    while time.monotonic() < deadline:
        topics = admin.list_topics(timeout=timeout).topics
        if not set(SEED_TOPICS) <= set(topics):
            missing = "seed topics"
        elif acl_count and len(admin.describe_acls(match_all, request_timeout=timeout).result()) < acl_count:
            missing = "seed ACLs"
        else:
            return
        time.sleep(0.1)
    raise LocalKafkaError(f"the broker did not show the {missing} within {timeout:.0f} s of creating them")
