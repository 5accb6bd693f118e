"""One measurement in its own process: ``python -m benchmarks.worker TASK ...`` prints one JSON object.

Tasks:

- ``save``: generate the estate (not timed), then time ``Snapshot.to_json``
  and the atomic write of the file.
- ``evaluate``: time ``Snapshot.load`` and then rule evaluation (all rules,
  default parameters plus `RULE_PARAMS`).
- ``render``: load and evaluate (not timed), then time one report format.
- ``kafka``, ``aws``, ``azure``: time one inventory collection of a target
  given as a JSON file (see `benchmarks.inventory`).

Every result has ``seconds`` (the timed step, from ``time.perf_counter``)
and ``rss_mb``, the peak resident set size of this process
(``getrusage(RUSAGE_SELF).ru_maxrss``), which includes the untimed steps.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

RULE_PARAMS = {"KIN-TAG-001": {"required_tag_keys": ["owner", "env"]}}


def peak_rss_mb() -> float:
    """Return this process's peak resident set size in MiB (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _import_rules() -> None:
    """Import every rule module, so that the timed evaluation does not include the imports."""
    from rules import all_rules

    all_rules()


def _evaluate(snapshot):
    from scanner.config import RuleSelection
    from scanner.engine import evaluate, select_rules

    return evaluate(snapshot, select_rules(RuleSelection(params=RULE_PARAMS)))


def task_save(args: argparse.Namespace) -> dict:
    from benchmarks.estate import count_resources, generate
    from scanner.output import write_atomic

    snapshot = generate(args.size, args.seed)
    started = time.perf_counter()
    text = snapshot.to_json()
    write_atomic(args.snapshot, text)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": len(text.encode()), "resources": count_resources(snapshot)["total"]}


def task_evaluate(args: argparse.Namespace) -> dict:
    from scanner.findings import Status
    from scanner.model import Snapshot

    started = time.perf_counter()
    snapshot = Snapshot.load(args.snapshot)
    loaded = time.perf_counter()
    rss_loaded = peak_rss_mb()
    _import_rules()
    loaded_and_imported = time.perf_counter()
    evaluation = _evaluate(snapshot)
    finished = time.perf_counter()
    return {
        "seconds": finished - loaded_and_imported,
        "load_seconds": loaded - started,
        "rss_after_load_mb": rss_loaded,
        "findings": len(evaluation.findings),
        "by_status": {status.value: evaluation.count(status) for status in Status},
    }


def task_render(args: argparse.Namespace) -> dict:
    from reports import FORMATS, ReportInput
    from scanner.model import Snapshot

    snapshot = Snapshot.load(args.snapshot)
    report = ReportInput(evaluation=_evaluate(snapshot), snapshot=snapshot)
    started = time.perf_counter()
    text = FORMATS[args.format].render(report)
    return {"seconds": time.perf_counter() - started, "bytes": len(text.encode())}


def task_inventory(args: argparse.Namespace) -> dict:
    from benchmarks.inventory.collect import collect

    return collect(args.task, json.loads(args.target.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker", description="Run one benchmark measurement and print it as JSON.")
    parser.add_argument("task", choices=["save", "evaluate", "render", "kafka", "aws", "azure"])
    parser.add_argument("--size", type=int, default=1000, help="estate size in resources (save)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (save)")
    parser.add_argument("--snapshot", type=Path, help="snapshot file written by save and read by evaluate and render")
    parser.add_argument("--format", default="json", help="report format (render): json, sarif or html")
    parser.add_argument("--target", type=Path, help="JSON file with the inventory target (kafka, aws, azure)")
    args = parser.parse_args(argv)

    tasks = {"save": task_save, "evaluate": task_evaluate, "render": task_render}
    result = tasks.get(args.task, task_inventory)(args)
    result["rss_mb"] = peak_rss_mb()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
