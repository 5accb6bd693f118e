"""Errors raised by the local Kafka broker harness."""

from __future__ import annotations


class LocalKafkaError(RuntimeError):
    """Base class: the local broker could not be prepared, started or stopped."""


class ToolMissingError(LocalKafkaError):
    """A required program (java, mvn) is not installed or not on PATH."""


class ResolveError(LocalKafkaError):
    """Maven failed to resolve the Kafka jars."""


class BrokerStartError(LocalKafkaError):
    """The broker JVM exited or did not respond in time; the message ends with the tail of its log."""
