"""``python -m benchmarks run``: run the benchmark parts, print a table and write the results as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

from benchmarks import budgets, suite
from benchmarks.runner import machine
from benchmarks.table import render

PARTS = ("evaluation", "kafka", "aws", "azure")


def _sizes(text: str) -> list[int]:
    sizes = []
    for item in text.split(","):
        item = item.strip().lower()
        number = int(item[:-1]) * 1000 if item.endswith("k") else int(item)
        if number < 100:
            raise argparse.ArgumentTypeError(f"size {item!r} is below 100 resources")
        sizes.append(number)
    return sizes


def _parts(text: str) -> list[str]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmark streamaudit on synthetic estates and local components.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the benchmarks and write the results")
    run.add_argument("--out", type=Path, default=Path("benchmarks/results/latest.json"), help="JSON results file (default %(default)s)")
    run.add_argument("--parts", type=_parts, default=list(PARTS), help=f"comma-separated parts to run (default {','.join(PARTS)})")
    run.add_argument("--sizes", type=_sizes, default=[1000, 10000, 100000], help="estate sizes in resources, such as 1k,10k,100k (default)")
    run.add_argument("--runs", type=int, default=3, help="worker processes per evaluation figure (default %(default)s)")
    run.add_argument("--inventory-runs", type=int, default=3, help="collections per Kafka and Azure inventory figure (default %(default)s)")
    run.add_argument("--aws-runs", type=int, default=1, help="collections per AWS figure; each takes at least the rate-limit floor (default %(default)s)")
    run.add_argument("--seed", type=int, default=1, help="seed of the estate generator (default %(default)s)")
    run.add_argument("--kafka-topics", type=int, default=5000, help="topics created on the local broker (default %(default)s)")
    run.add_argument("--kafka-bindings", type=int, default=20000, help="ACL bindings on the local broker (default %(default)s)")
    run.add_argument("--aws-streams", type=int, default=1000, help="Kinesis streams seeded in moto (default %(default)s)")
    run.add_argument("--merge", action="store_true", help="keep the figures of parts and sizes not run now from the existing --out file")
    run.add_argument("--azure-namespaces", type=int, default=500, help="namespaces served by the fake ARM server (default %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)

    results: dict = {
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {key: value for key, value in vars(args).items() if key not in ("command", "out")},
        "evaluation": {},
        "inventory": {},
    }
    with suite.temporary_work_dir() as folder:
        work_dir = Path(folder)
        if "evaluation" in args.parts:
            for size in args.sizes:
                logging.info("evaluation at %d resources, %d run(s)", size, args.runs)
                results["evaluation"][suite.size_label(size)] = suite.evaluation(size, args.runs, args.seed, work_dir)
        if "kafka" in args.parts:
            logging.info("Kafka inventory: %d topics, %d ACL bindings", args.kafka_topics, args.kafka_bindings)
            results["inventory"]["kafka"] = suite.kafka(args.inventory_runs, args.kafka_topics, args.kafka_bindings, work_dir)
        if "aws" in args.parts:
            logging.info("AWS inventory: %d streams", args.aws_streams)
            results["inventory"]["aws"] = suite.aws(args.aws_runs, args.aws_streams, work_dir)
        if "azure" in args.parts:
            logging.info("Azure inventory: %d namespaces", args.azure_namespaces)
            results["inventory"]["azure"] = suite.azure(args.inventory_runs, args.azure_namespaces, work_dir)

    results["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if args.merge and args.out.exists():
        results = _merge(json.loads(args.out.read_text(encoding="utf-8")), results)
    results["budgets"] = budgets.check(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nwrote {args.out}")
    return 0


def _merge(previous: dict, current: dict) -> dict:
    """Return `current` with the evaluation sizes and inventory parts it lacks taken from `previous`.

    Each figure keeps the machine block it was measured on, under "measured_on"
    per part, because merged files mix runs.
    """
    merged = dict(current)
    for section in ("evaluation", "inventory"):
        combined = {}
        for key, figures in previous.get(section, {}).items():
            combined[key] = {**figures, "measured_on": figures.get("measured_on", previous.get("machine"))}
        for key, figures in current[section].items():
            combined[key] = {**figures, "measured_on": current["machine"]}
        merged[section] = combined
    return merged


if __name__ == "__main__":
    sys.exit(main())
