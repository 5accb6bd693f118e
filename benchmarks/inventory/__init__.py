"""Inventory benchmarks against real components on 127.0.0.1: a Kafka 4 broker, a moto server and the fake ARM server.

Each module's `prepare` starts and fills its component in the calling
process and returns a target description; the timed collections then run in
separate worker processes (`benchmarks.worker`) through `collect.collect`.
"""
