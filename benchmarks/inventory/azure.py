"""Azure inventory benchmark: the fake ARM server of the Azure tests, serving one subscription with many namespaces.

Namespaces are copies of the fixture namespaces of ``tests/azure/fixtures``
under new names, served through the test server's own route builder, so
each one answers the same child requests as in the adapter tests.
"""

from __future__ import annotations

import json
import secrets
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.azure import estate
from tests.azure.fake_arm import FakeArm

SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-111111111111"
TOKEN_VARIABLE = "STREAMAUDIT_BENCH_ARM_TOKEN"
PAGE_SIZE = 100


class BenchFakeArm(FakeArm):
    """The test server with TCP_NODELAY on each connection.

    The handler writes the headers and the body in two sends, so without it
    Nagle's algorithm and the client's delayed ACK hold every response back
    for about 40 ms, which would measure the server, not the adapter.
    """

    def _handler_class(self):
        base = super()._handler_class()

        class Handler(base):
            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        return Handler


def _namespaces(count: int) -> tuple[list[dict], list[dict]]:
    """Return `count` namespace fixtures renamed ``bench-00000``…, and the subscription's key vaults."""
    data = estate.load("production.json")
    templates = [namespace for namespace in data["namespaces"] if namespace["resource"]["name"] != "ns-lowercase"]
    result = []
    for number in range(count):
        template = templates[number % len(templates)]
        old = template["resource"]["name"]
        text = json.dumps(template).replace(f"/namespaces/{old}", f"/namespaces/bench-{number:05d}")
        namespace = json.loads(text)
        namespace["resource"]["name"] = f"bench-{number:05d}"
        result.append(namespace)
    return result, data.get("vaults") or []


def routes(base_url: str, count: int) -> dict:
    """Return the fake server's routes for one subscription with `count` namespaces, listed in pages of PAGE_SIZE."""
    namespaces, vaults = _namespaces(count)
    table: dict = {}
    subscription = {"id": f"/subscriptions/{SUBSCRIPTION}", "subscriptionId": SUBSCRIPTION, "displayName": "Bench", "state": "Enabled"}
    estate.add_list(table, base_url, "/subscriptions", [subscription])
    prefix = f"/subscriptions/{SUBSCRIPTION}"
    pages = [[namespace["resource"] for namespace in namespaces[start : start + PAGE_SIZE]] for start in range(0, len(namespaces), PAGE_SIZE)]
    estate.add_list(table, base_url, f"{prefix}/{estate.NAMESPACE_PROVIDER}", {"pages": pages})
    estate.add_list(table, base_url, f"{prefix}/providers/Microsoft.KeyVault/vaults", vaults)
    for namespace in namespaces:
        estate._namespace_routes(table, base_url, namespace)
    return table


@contextmanager
def prepared(namespaces: int) -> Iterator[tuple[dict[str, Any], dict[str, str], FakeArm]]:
    """Start the fake ARM server with `namespaces` namespaces and yield (spec, environment, server)."""
    token = "bench-token-" + secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="streamaudit-bench-arm-") as folder:
        with BenchFakeArm(Path(folder), token) as server:
            server.routes = routes(server.url, namespaces)
            spec = {
                "target": {
                    "name": "bench",
                    "auth": "access_token",
                    "access_token_env": TOKEN_VARIABLE,
                    "resource_manager_url": server.url,
                    "ca_bundle": str(server.ca_path),
                    "timeout_seconds": 30,
                    "max_retries": 2,
                    "retry_backoff_seconds": 0.01,
                }
            }
            yield spec, {TOKEN_VARIABLE: token}, server
