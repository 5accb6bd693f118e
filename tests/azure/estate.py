"""Expand the JSON fixtures of the fake estate into the fake ARM server's routes.

`fixtures/estate.json` lists subscriptions. Each readable subscription names
a fixture file that contains its namespaces: the ARM body of each namespace
under ``resource`` and the bodies of its children under the child's ARM
name (``networkRuleSets/default``, ``eventhubs``, ``diagnosticSettings``…).
A list written as ``{"pages": [[...], [...]]}`` is served in pages linked by
``nextLink``. ``faults`` maps a path below the subscription to the replies
served in turn instead of the data (403, 429 with Retry-After, 5xx); the
entry ``"data"`` serves the fixture's own response.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.azure.fake_arm import Reply, arm_error, route_key

FIXTURES = Path(__file__).parent / "fixtures"
NAMESPACE_PROVIDER = "providers/Microsoft.EventHub/namespaces"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _pages(value: object) -> list[list]:
    if isinstance(value, dict) and "pages" in value:
        return value["pages"]
    return [value or []]


def add_list(routes: dict[str, list[Reply]], base_url: str, path: str, value: object) -> None:
    """Add a list route, split into pages linked by absolute nextLink URLs."""
    pages = _pages(value)
    for number, page in enumerate(pages):
        key = route_key(path) + (f"?$skiptoken={number}" if number else "")
        body: dict = {"value": page}
        if number + 1 < len(pages):
            body["nextLink"] = f"{base_url.rstrip('/')}{path}?api-version=ignored&$skiptoken={number + 1}"
        routes[key] = [Reply(200, body)]


def _fault(spec: dict) -> Reply:
    headers = {"Retry-After": str(spec["retry_after"])} if "retry_after" in spec else {}
    return arm_error(spec["status"], spec["code"], spec["message"], **headers)


def _namespace_routes(routes: dict[str, list[Reply]], base_url: str, namespace: dict) -> None:
    arm_id = namespace["resource"]["id"]
    routes[route_key(f"{arm_id}/networkRuleSets/default")] = [Reply(200, namespace["networkRuleSets/default"])]
    for child in ("privateEndpointConnections", "authorizationRules", "schemagroups", "disasterRecoveryConfigs"):
        if child in namespace:
            add_list(routes, base_url, f"{arm_id}/{child}", namespace[child])
    if "networkSecurityPerimeterConfigurations" in namespace:
        routes[route_key(f"{arm_id}/networkSecurityPerimeterConfigurations")] = [
            Reply(200, {"value": namespace["networkSecurityPerimeterConfigurations"]})
        ]
    add_list(routes, base_url, f"{arm_id}/providers/Microsoft.Insights/diagnosticSettings", namespace.get("diagnosticSettings"))

    hubs = namespace.get("eventhubs", [])
    add_list(routes, base_url, f"{arm_id}/eventhubs", [hub["resource"] for hub in hubs])
    for hub in hubs:
        hub_id = hub["resource"]["id"]
        add_list(routes, base_url, f"{hub_id}/authorizationRules", hub.get("authorizationRules"))
        add_list(routes, base_url, f"{hub_id}/consumergroups", hub.get("consumergroups"))


def routes(base_url: str, estate: dict | None = None) -> dict[str, list[Reply]]:
    """Return every route of the fake estate, faults included."""
    estate = estate or load("estate.json")
    table: dict[str, list[Reply]] = {}
    add_list(table, base_url, "/subscriptions", estate["subscriptions"])

    for subscription in estate["data"]:
        prefix = f"/subscriptions/{subscription['subscriptionId']}"
        data = load(subscription["fixture"])
        namespaces = data["namespaces"]
        resources = {"pages": [[namespaces[i]["resource"] for i in page] for page in data["pages"]]}
        add_list(table, base_url, f"{prefix}/{NAMESPACE_PROVIDER}", resources)
        add_list(table, base_url, f"{prefix}/providers/Microsoft.KeyVault/vaults", data.get("vaults"))
        for namespace in namespaces:
            _namespace_routes(table, base_url, namespace)

    for path, specs in estate["faults"].items():
        key = route_key(path)
        table[key] = [table[key][0] if spec == "data" else _fault(spec) for spec in specs]
    return table
