"""Keep the benchmark scripts working: generator, worker and table, at a tiny size. No timings are asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import budgets
from benchmarks.estate import count_resources, generate
from benchmarks.table import render
from scanner.engine import evaluate, select_rules
from scanner.config import RuleSelection
from scanner.findings import Status
from scanner.model import Snapshot

ROOT = Path(__file__).resolve().parent.parent


def test_generator_is_deterministic():
    first = generate(500, seed=7).to_json()
    second = generate(500, seed=7).to_json()
    assert first == second


def test_generator_seed_changes_estate():
    assert generate(500, seed=7).to_json() != generate(500, seed=8).to_json()


def test_generator_hits_requested_size():
    counts = count_resources(generate(2000, seed=1))
    assert abs(counts["total"] - 2000) <= 40
    assert counts["kafka.topic"] > 0
    assert counts["kafka.acl"] > 0
    assert counts["aws.kinesis.stream"] > 0
    assert counts["aws.kms.key"] > 0
    assert counts["azure.namespace"] > 0
    assert counts["azure.eventhub"] > 0


def test_generated_acls_include_prefixed_and_wildcard():
    cluster = generate(2000, seed=1).kafka.clusters[0]
    patterns = {binding.pattern_type for binding in cluster.acls}
    names = {binding.resource_name for binding in cluster.acls}
    assert "PREFIXED" in patterns
    assert "*" in names


def test_generated_snapshot_round_trips():
    snapshot = generate(500, seed=3)
    assert Snapshot.from_json(snapshot.to_json()) == snapshot


def test_evaluation_has_pass_and_fail():
    evaluation = evaluate(generate(1000, seed=1), select_rules(RuleSelection()))
    assert evaluation.count(Status.FAIL) > 0
    assert evaluation.count(Status.PASS) > evaluation.count(Status.FAIL)
    assert evaluation.count(Status.NOT_ASSESSED) == 0


def test_worker_save_and_evaluate(tmp_path: Path):
    snapshot = tmp_path / "estate.json"
    common = ["--size", "300", "--seed", "2", "--snapshot", str(snapshot)]
    saved = _worker("save", *common)
    evaluated = _worker("evaluate", *common)
    rendered = _worker("render", *common, "--format", "sarif")

    assert saved["resources"] == count_resources(Snapshot.load(snapshot))["total"]
    assert evaluated["findings"] == sum(evaluated["by_status"].values())
    assert rendered["bytes"] > 0
    assert evaluated["rss_mb"] > 0


def test_table_and_budgets_render():
    figure = {"median": 1.0, "min": 0.5, "max": 2.0, "runs": [0.5, 1.0, 2.0]}
    keys = ["save_seconds", "load_seconds", "evaluate_seconds", "evaluate_rss_mb", "rss_after_load_mb"]
    keys += [f"render_{name}_{unit}" for name in ("json", "sarif", "html") for unit in ("seconds", "rss_mb")]
    entry = {"resources": 10, "findings": 20, "figures": dict.fromkeys(keys, figure)}
    results = {"machine": {"cpu_count": 2, "cpu_model": "x", "memory_gib": 1, "python": "3.11", "pydantic": "2", "commit": "abc"},
               "evaluation": {"10k": entry, "100k": entry}, "inventory": {}}
    results["budgets"] = budgets.check(results)

    table = render(results)
    assert "| rule evaluation, s | 1.00 (0.50–2.00) | 1.00 (0.50–2.00) |" in table
    assert [check["met"] for check in results["budgets"]] == [True, True, True]


def _worker(*arguments: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])
