"""pytest plugin: session-scoped local Kafka brokers (see `scanner.localkafka`).

Load it with ``pytest_plugins = ["tests.kafka_broker"]``. Fixtures:

- ``plaintext_broker``, ``sasl_ssl_broker``, ``mtls_broker``: a started
  `LocalBroker` in that profile.
- ``kafka_broker_factory``: a callable ``factory(profile_name) -> LocalBroker``
  for any profile in `scanner.localkafka.PROFILES`.

Each profile starts at most once per session and stops when the session ends.
A start failure is remembered, so later requests for that profile fail or skip
at once. When the environment variable ``CI`` is set (and is not ``0`` or
``false``) a broker that cannot start fails the test, otherwise the test is
skipped with the reason. Tests that use these fixtures get the ``kafka`` marker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator

import pytest

from scanner.localkafka import PROFILES, LocalBroker, LocalKafkaError

log = logging.getLogger(__name__)

BrokerFactory = Callable[[str], LocalBroker]

BROKER_FIXTURES = ("plaintext_broker", "sasl_ssl_broker", "mtls_broker", "kafka_broker_factory")


def running_in_ci() -> bool:
    """True when ``CI`` is set to a value other than empty, ``0`` or ``false``."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


class _BrokerPool:
    """Started brokers and start failures of one test session, keyed by profile name."""

    def __init__(self) -> None:
        self.brokers: dict[str, LocalBroker] = {}
        self.failures: dict[str, str] = {}

    def get(self, profile_name: str) -> LocalBroker:
        if profile_name not in PROFILES:
            raise ValueError(f"unknown broker profile {profile_name!r}; choose one of: {', '.join(PROFILES)}")
        if profile_name not in self.brokers and profile_name not in self.failures:
            broker = LocalBroker(profile_name)
            try:
                self.brokers[profile_name] = broker.start()
            except (LocalKafkaError, OSError) as exc:
                log.error("local Kafka broker %s did not start: %s", profile_name, exc)
                self.failures[profile_name] = f"local Kafka broker '{profile_name}' did not start: {exc}"
        if profile_name in self.failures:
            _unavailable(self.failures[profile_name])
        return self.brokers[profile_name]

    def stop_all(self) -> None:
        for name, broker in self.brokers.items():
            try:
                broker.stop()
            except (LocalKafkaError, OSError) as exc:
                log.error("stopping local Kafka broker %s failed: %s", name, exc)
        self.brokers.clear()


def _unavailable(reason: str) -> None:
    if running_in_ci():
        pytest.fail(reason, pytrace=False)
    # A skip reason is shown on one line, so only the first line of the error goes there.
    pytest.skip(reason.splitlines()[0] + " (set CI=true to fail instead of skipping)")


@pytest.fixture(scope="session")
def kafka_broker_factory() -> Iterator[BrokerFactory]:
    """Callable that returns the session's started broker for a profile name, starting it on first use."""
    pool = _BrokerPool()
    yield pool.get
    pool.stop_all()


@pytest.fixture(scope="session")
def plaintext_broker(kafka_broker_factory: BrokerFactory) -> LocalBroker:
    """Broker with PLAINTEXT listeners and no authorizer."""
    return kafka_broker_factory("plaintext")


@pytest.fixture(scope="session")
def sasl_ssl_broker(kafka_broker_factory: BrokerFactory) -> LocalBroker:
    """Broker with a SASL_SSL (SCRAM-SHA-512) CLIENT listener, StandardAuthorizer and seed ACLs."""
    return kafka_broker_factory("sasl-ssl")


@pytest.fixture(scope="session")
def mtls_broker(kafka_broker_factory: BrokerFactory) -> LocalBroker:
    """Broker with an SSL CLIENT listener that requires client certificates, StandardAuthorizer and seed ACLs."""
    return kafka_broker_factory("mtls")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the ``kafka`` marker to every test that uses a broker fixture."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in BROKER_FIXTURES):
            item.add_marker(pytest.mark.kafka)
