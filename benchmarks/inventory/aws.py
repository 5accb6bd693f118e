"""AWS inventory benchmark: a moto server on 127.0.0.1 with one account of Kinesis streams, each with its own KMS key and tags.

Seeding runs through boto3 against the moto server only (every client gets
its endpoint URL and the fake credentials of `AWS_ENVIRONMENT`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from benchmarks.inventory.collect import AWS_ENVIRONMENT

REGION = "us-east-1"
SEED_THREADS = 8


@contextmanager
def prepared(streams: int) -> Iterator[tuple[dict[str, Any], dict[str, str], dict[str, Any]]]:
    """Start moto, create `streams` encrypted and tagged streams, and yield (spec, environment, setup figures)."""
    os.environ.update(AWS_ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    from moto.server import ThreadedMotoServer

    # The server's request log line per call would cost the server time and flood the benchmark's log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        _seed(endpoint, streams)
        spec = {
            "target": {
                "name": "bench",
                "endpoint_url": endpoint,
                "regions": [REGION],
                "max_attempts": 2,
                "connect_timeout_seconds": 5,
                "read_timeout_seconds": 30,
            }
        }
        yield spec, dict(AWS_ENVIRONMENT), {"streams": streams, "kms_keys": streams, "tags_per_stream": 3}
    finally:
        server.stop()


def _seed(endpoint: str, streams: int) -> None:
    import boto3

    kinesis = boto3.client("kinesis", region_name=REGION, endpoint_url=endpoint)
    kms = boto3.client("kms", region_name=REGION, endpoint_url=endpoint)

    def create(number: int) -> None:
        name = f"stream-{number:05d}"
        key = kms.create_key(Description=f"key of {name}")["KeyMetadata"]["KeyId"]
        if number % 2:
            kms.enable_key_rotation(KeyId=key)
        kinesis.create_stream(StreamName=name, ShardCount=1)
        if number % 4:
            kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key)
        kinesis.add_tags_to_stream(StreamName=name, Tags={"owner": f"team-{number % 20:02d}", "env": "prod", "cost-center": f"cc-{number % 7}"})

    with ThreadPoolExecutor(max_workers=SEED_THREADS) as pool:
        list(pool.map(create, range(streams)))
