"""The timed part of the inventory benchmarks, run inside a worker process.

`collect(provider, spec)` builds the adapter's target from `spec` (written by
the provider's `prepare`), runs the adapter's entry point once, and returns
its wall time, the API requests it sent and what it collected.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

# Kept out of every benchmark process that could create a boto3 client.
AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def collect(provider: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one collection of `provider` ("kafka", "aws" or "azure") and return its figures."""
    return {"kafka": _kafka, "aws": _aws, "azure": _azure}[provider](spec)


def _kafka(spec: dict[str, Any]) -> dict[str, Any]:
    from scanner.adapters.kafka import collector
    from scanner.adapters.kafka.config import KafkaTarget

    counts: Counter[str] = Counter()
    resources: Counter[str] = Counter()

    class CountingAdminClient(collector.AdminClient):
        """Counts each Admin API method call, and the resources of each DescribeConfigs call."""

        def describe_cluster(self, *args, **kwargs):
            counts["DescribeCluster"] += 1
            return super().describe_cluster(*args, **kwargs)

        def list_topics(self, *args, **kwargs):
            counts["Metadata"] += 1
            return super().list_topics(*args, **kwargs)

        def describe_configs(self, configs, *args, **kwargs):
            counts["DescribeConfigs"] += 1
            resources["DescribeConfigs"] += len(configs)
            return super().describe_configs(configs, *args, **kwargs)

        def describe_acls(self, *args, **kwargs):
            counts["DescribeAcls"] += 1
            return super().describe_acls(*args, **kwargs)

        def describe_user_scram_credentials(self, *args, **kwargs):
            counts["DescribeUserScramCredentials"] += 1
            return super().describe_user_scram_credentials(*args, **kwargs)

    collector.AdminClient = CountingAdminClient
    target = KafkaTarget.model_validate(spec["target"])
    started = time.perf_counter()
    clusters, provenance = collector.collect_kafka(target)
    seconds = time.perf_counter() - started
    cluster = clusters[0]
    return {
        "seconds": seconds,
        "api_calls": sum(counts.values()),
        "calls_by_operation": dict(sorted(counts.items())),
        "describe_configs_resources": resources["DescribeConfigs"],
        "topics": len(cluster.topics or []),
        "acl_bindings": len(cluster.acls or []),
        "errors": [error.model_dump(mode="json") for error in provenance.errors],
    }


def _aws(spec: dict[str, Any]) -> dict[str, Any]:
    os.environ.update(AWS_ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    from scanner.adapters.aws.collector import AwsCollector
    from scanner.adapters.aws.config import AwsTarget

    target = AwsTarget.model_validate(spec["target"])
    collector = AwsCollector(target)
    started = time.perf_counter()
    accounts, provenance = collector.collect()
    seconds = time.perf_counter() - started
    counts = dict(sorted(collector.calls.counts.items()))
    floors = operation_floors(collector.limiter)
    bottleneck = max(floors, key=floors.get)
    streams = sum(len(region.streams or []) for account in accounts for region in account.regions)
    keys = sum(len(region.kms_keys or []) for account in accounts for region in account.regions)
    return {
        "seconds": seconds,
        "api_calls": sum(counts.values()),
        "calls_by_operation": counts,
        "floor_seconds": floors[bottleneck],
        "floor_operation": bottleneck,
        "floor_seconds_by_operation": floors,
        "floor_multiple": seconds / floors[bottleneck] if floors[bottleneck] else None,
        "streams": streams,
        "kms_keys": keys,
        "streams_with_tags": sum(1 for account in accounts for region in account.regions for stream in region.streams or [] if stream.tags),
        "errors": [error.model_dump(mode="json") for error in provenance.errors],
    }


def rate_limit_floor(calls: int, rate: float, capacity: float | None = None) -> float:
    """Return the least time, in seconds, that one token bucket allows for `calls` calls at `rate` per second.

    The bucket starts full with `capacity` tokens, max(1, rate) by default (see
    `scanner.adapters.aws.ratelimit.TokenBucket`), so the first calls
    need no wait.
    """
    capacity = max(1.0, rate) if capacity is None else capacity
    return max(0.0, (calls - capacity) / rate)


def operation_floors(limiter: Any) -> dict[str, float]:
    """Return, per operation, the floor of its slowest bucket in the adapter's RateLimiter.

    Each bucket counts the tokens it granted, one per HTTP attempt, so the
    floor follows the buckets the adapter used: one per account, region and
    operation, or one per resource for a per-resource quota. The buckets of
    one operation run in parallel, so its floor is their maximum.
    """
    floors: dict[str, float] = {}
    for (_, _, operation, _), bucket in limiter.buckets().items():
        floor = rate_limit_floor(bucket.granted, bucket.rate, bucket.capacity)
        floors[operation] = max(floors.get(operation, 0.0), floor)
    return dict(sorted(floors.items()))


def _azure(spec: dict[str, Any]) -> dict[str, Any]:
    from scanner.adapters.azure import collect_azure
    from scanner.adapters.azure.config import AzureTarget

    target = AzureTarget.model_validate(spec["target"])
    started = time.perf_counter()
    subscriptions, provenance = collect_azure(target)
    seconds = time.perf_counter() - started
    namespaces = [namespace for unit in subscriptions for namespace in unit.namespaces or []]
    return {
        "seconds": seconds,
        "namespaces": len(namespaces),
        "event_hubs": sum(len(namespace.event_hubs or []) for namespace in namespaces),
        "errors": [error.model_dump(mode="json") for error in provenance.errors],
    }
