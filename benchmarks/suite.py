"""The benchmark parts: evaluation at several estate sizes, and the three inventory benchmarks."""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import run_worker, summary

log = logging.getLogger(__name__)

FORMATS = ("json", "sarif", "html")
WORKER_TIMEOUT_SECONDS = 600.0


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def evaluation(size: int, runs: int, seed: int, work_dir: Path) -> dict[str, Any]:
    """Measure save, load, evaluation and each report format at one size; each run is one worker process."""
    snapshot = work_dir / f"estate-{size}-{seed}.json"
    common = ["--size", str(size), "--seed", str(seed), "--snapshot", str(snapshot)]
    results: dict[str, list[dict]] = {"save": [], "evaluate": []}
    for _ in range(runs):
        results["save"].append(run_worker(["save", *common], WORKER_TIMEOUT_SECONDS))
    for _ in range(runs):
        results["evaluate"].append(run_worker(["evaluate", *common], WORKER_TIMEOUT_SECONDS))
    for name in FORMATS:
        results[name] = [run_worker(["render", *common, "--format", name], WORKER_TIMEOUT_SECONDS) for _ in range(runs)]

    evaluated = results["evaluate"][0]
    figures = {
        "save_seconds": summary([run["seconds"] for run in results["save"]]),
        "load_seconds": summary([run["load_seconds"] for run in results["evaluate"]]),
        "evaluate_seconds": summary([run["seconds"] for run in results["evaluate"]]),
        "evaluate_rss_mb": summary([run["rss_mb"] for run in results["evaluate"]]),
        "rss_after_load_mb": summary([run["rss_after_load_mb"] for run in results["evaluate"]]),
    }
    for name in FORMATS:
        figures[f"render_{name}_seconds"] = summary([run["seconds"] for run in results[name]])
        figures[f"render_{name}_rss_mb"] = summary([run["rss_mb"] for run in results[name]])
    return {
        "size": size,
        "resources": results["save"][0]["resources"],
        "snapshot_mb": round(results["save"][0]["bytes"] / 2**20, 1),
        "findings": evaluated["findings"],
        "by_status": evaluated["by_status"],
        "report_mb": {name: round(results[name][0]["bytes"] / 2**20, 1) for name in FORMATS},
        "figures": figures,
    }


def _inventory_runs(provider: str, spec: dict, environment: dict[str, str], runs: int, work_dir: Path, count_requests=None) -> list[dict]:
    target = work_dir / f"{provider}-target.json"
    target.write_text(json.dumps(spec))
    results = []
    for _ in range(runs):
        before = count_requests() if count_requests else 0
        result = run_worker([provider, "--target", str(target)], WORKER_TIMEOUT_SECONDS, environment)
        if count_requests:
            result["api_calls"] = count_requests() - before
        results.append(result)
    return results


def _inventory_summary(results: list[dict], setup: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    first = results[0]
    return {
        "setup": setup,
        "figures": {"seconds": summary([run["seconds"] for run in results]), "rss_mb": summary([run["rss_mb"] for run in results])},
        "api_calls": first["api_calls"],
        "errors": first["errors"],
        **{key: first[key] for key in keys if key in first},
    }


def kafka(runs: int, topics: int, bindings: int, work_dir: Path) -> dict[str, Any]:
    """Fill a local broker with `topics` topics and `bindings` ACL bindings, then time `collect_kafka` `runs` times."""
    from benchmarks.inventory import kafka as inventory

    started = time.perf_counter()
    with inventory.prepared(topics, bindings) as (spec, environment, setup):
        setup["seconds"] = time.perf_counter() - started
        results = _inventory_runs("kafka", spec, environment, runs, work_dir)
    return _inventory_summary(results, setup, ("calls_by_operation", "describe_configs_resources", "topics", "acl_bindings"))


def aws(runs: int, streams: int, work_dir: Path) -> dict[str, Any]:
    """Seed moto with `streams` streams and keys, then time the AWS collection `runs` times against its rate-limit floor."""
    from benchmarks.inventory import aws as inventory

    started = time.perf_counter()
    with inventory.prepared(streams) as (spec, environment, setup):
        setup["seconds"] = time.perf_counter() - started
        results = _inventory_runs("aws", spec, environment, runs, work_dir)
    result = _inventory_summary(results, setup, ("calls_by_operation", "floor_seconds", "floor_operation", "floor_seconds_by_operation", "streams", "kms_keys", "streams_with_tags"))
    result["figures"]["floor_multiple"] = summary([run["floor_multiple"] for run in results])
    return result


def azure(runs: int, namespaces: int, work_dir: Path) -> dict[str, Any]:
    """Serve `namespaces` namespaces from the fake ARM server, then time the Azure collection `runs` times."""
    from benchmarks.inventory import azure as inventory

    started = time.perf_counter()
    with inventory.prepared(namespaces) as (spec, environment, server):
        setup = {"namespaces": namespaces, "seconds": time.perf_counter() - started}
        results = _inventory_runs("azure", spec, environment, runs, work_dir, count_requests=lambda: len(server.requests))
    return _inventory_summary(results, setup, ("namespaces", "event_hubs"))


def temporary_work_dir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="streamaudit-bench-")
