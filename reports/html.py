"""A single-file HTML report for auditors."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, select_autoescape

from reports.context import ReportInput
from scanner.findings import Status

_ENVIRONMENT = Environment(
    loader=PackageLoader("reports", "templates"),
    # The template ends in .j2, so name it: resource names and messages come from scanned systems.
    autoescape=select_autoescape(["html", "html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["tojson_pretty"] = lambda value: json.dumps(value, indent=1, sort_keys=True, default=str)

STATUS_ORDER = [Status.FAIL, Status.NOT_ASSESSED, Status.SUPPRESSED, Status.PASS, Status.NOT_APPLICABLE]


def render_html(report: ReportInput) -> str:
    findings = sorted(
        report.evaluation.findings,
        key=lambda f: (STATUS_ORDER.index(f.status), -f.severity.rank, f.rule_id, f.resource_id),
    )
    return _ENVIRONMENT.get_template("report.html.j2").render(
        provenance=report.snapshot.provenance,
        summary=report.summary(),
        rules=report.evaluation.rules,
        findings=findings,
        statuses=STATUS_ORDER,
    )
