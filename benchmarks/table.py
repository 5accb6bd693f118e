"""Render a results document as plain-text (Markdown) tables."""

from __future__ import annotations

from typing import Any


def _cell(figure: dict[str, Any], digits: int = 2) -> str:
    return f"{figure['median']:.{digits}f} ({figure['min']:.{digits}f}–{figure['max']:.{digits}f})"


EVALUATION_ROWS = [
    ("resources", None),
    ("findings", None),
    ("snapshot save, s", "save_seconds"),
    ("snapshot load, s", "load_seconds"),
    ("rule evaluation, s", "evaluate_seconds"),
    ("peak RSS, load + evaluation, MiB", "evaluate_rss_mb"),
    ("render JSON, s", "render_json_seconds"),
    ("render SARIF, s", "render_sarif_seconds"),
    ("render HTML, s", "render_html_seconds"),
    ("peak RSS with JSON report, MiB", "render_json_rss_mb"),
    ("peak RSS with SARIF report, MiB", "render_sarif_rss_mb"),
    ("peak RSS with HTML report, MiB", "render_html_rss_mb"),
]


def render(results: dict[str, Any]) -> str:
    """Return the machine line, the evaluation table, the inventory table and the budgets, as Markdown."""
    host = results["machine"]
    lines = [f"Machine: {host['cpu_count']} CPU(s) {host['cpu_model'] or ''}, {host['memory_gib']} GiB, Python {host['python']}, pydantic {host['pydantic']}, commit {host['commit']}", ""]

    evaluation = results.get("evaluation") or {}
    if evaluation:
        labels = list(evaluation)
        lines.append("| median (min–max) | " + " | ".join(labels) + " |")
        lines.append("|---" * (len(labels) + 1) + "|")
        for title, key in EVALUATION_ROWS:
            if key is None:
                cells = [f"{evaluation[label][title]:,}" for label in labels]
            else:
                digits = 0 if key.endswith("_mb") else 2
                cells = [_cell(evaluation[label]["figures"][key], digits) for label in labels]
            lines.append(f"| {title} | " + " | ".join(cells) + " |")
        lines.append("")

    inventory = results.get("inventory") or {}
    if inventory:
        lines.append("| inventory | estate | wall time, s | API requests | peak RSS, MiB | note |")
        lines.append("|---|---|---|---|---|---|")
        for provider, entry in inventory.items():
            setup = {key: value for key, value in entry["setup"].items() if not key.endswith("seconds")}
            estate = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in setup.items())
            note = ""
            if provider == "aws":
                note = f"floor {entry['floor_seconds']:.1f} s ({entry['floor_operation']}), ×{_cell(entry['figures']['floor_multiple'])}"
            if entry["errors"]:
                note += f" {len(entry['errors'])} collection error(s)"
            lines.append(f"| {provider} | {estate} | {_cell(entry['figures']['seconds'])} | {entry['api_calls']:,} | {_cell(entry['figures']['rss_mb'], 0)} | {note} |")
        lines.append("")

    if results.get("budgets"):
        lines.append("| budget | limit | measured (median) | met |")
        lines.append("|---|---|---|---|")
        for check in results["budgets"]:
            lines.append(f"| {check['budget']} | {check['limit']} {check['unit']} | {check['measured']} {check['unit']} | {'yes' if check['met'] else 'NO'} |")
    return "\n".join(lines)
