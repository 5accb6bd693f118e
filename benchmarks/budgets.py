"""The performance budgets, checked against a results document."""

from __future__ import annotations

from typing import Any

EVALUATION_SECONDS = 5.0
EVALUATION_RSS_MB = 1024.0
GROWTH_RATIO = 15.0
KAFKA_SECONDS = 15.0
AWS_FLOOR_MULTIPLE = 1.5


def check(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one entry per budget whose figures are in `results`: name, limit, measured median and whether it is met."""
    checks = []
    evaluation = results.get("evaluation", {})
    large, medium = evaluation.get("100k"), evaluation.get("10k")

    def add(name: str, limit: float, measured: float, unit: str) -> None:
        checks.append({"budget": name, "limit": limit, "measured": round(measured, 3), "unit": unit, "met": measured < limit})

    if large:
        add("evaluation of 100k resources", EVALUATION_SECONDS, large["figures"]["evaluate_seconds"]["median"], "s")
        add("peak RSS while evaluating 100k resources", EVALUATION_RSS_MB, large["figures"]["evaluate_rss_mb"]["median"], "MiB")
    if large and medium:
        ratio = large["figures"]["evaluate_seconds"]["median"] / medium["figures"]["evaluate_seconds"]["median"]
        add("evaluation time 100k / 10k", GROWTH_RATIO, ratio, "ratio")
    inventory = results.get("inventory", {})
    if "kafka" in inventory:
        add("Kafka inventory (collect_kafka)", KAFKA_SECONDS, inventory["kafka"]["figures"]["seconds"]["median"], "s")
    if "aws" in inventory:
        entry = {"budget": "AWS inventory / rate-limit floor", "limit": AWS_FLOOR_MULTIPLE, "unit": "ratio"}
        measured = inventory["aws"]["figures"]["floor_multiple"]["median"]
        entry["measured"] = round(measured, 3)
        entry["met"] = measured <= AWS_FLOOR_MULTIPLE
        checks.append(entry)
    return checks
