"""Kafka inventory adapter."""

from scanner.adapters.kafka.collector import collect_kafka

__all__ = ["collect_kafka"]
