"""Local Apache Kafka 4.x broker harness for tests and demos (single node, KRaft, 127.0.0.1 only).

Typical use::

    from scanner.localkafka import LocalBroker

    with LocalBroker("sasl-ssl") as broker:
        admin = AdminClient(broker.client_config("admin"))

Profiles are listed in `scanner.localkafka.profiles.PROFILES`; jars come from
Maven Central through ``mvn`` and are cached (see `scanner.localkafka.maven`).
"""

from scanner.localkafka.broker import LocalBroker
from scanner.localkafka.errors import BrokerStartError, LocalKafkaError, ResolveError, ToolMissingError
from scanner.localkafka.maven import KAFKA_VERSION, resolve_kafka
from scanner.localkafka.profiles import PROFILES, Profile, get_profile

__all__ = [
    "KAFKA_VERSION",
    "PROFILES",
    "BrokerStartError",
    "LocalBroker",
    "LocalKafkaError",
    "Profile",
    "ResolveError",
    "ToolMissingError",
    "get_profile",
    "resolve_kafka",
]
