"""Report renderers: each turns one evaluation into the text of one output file.

A renderer is a function ``render(report: ReportInput) -> str``. `FORMATS`
maps a format name (as given to ``--format``) to its renderer and file name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reports.context import ReportInput
from reports.html import render_html
from reports.json_report import render_json
from reports.sarif import render_sarif


@dataclass(frozen=True)
class Format:
    name: str
    filename: str
    render: Callable[[ReportInput], str]


FORMATS: dict[str, Format] = {
    "json": Format("json", "streamaudit.json", render_json),
    "sarif": Format("sarif", "streamaudit.sarif", render_sarif),
    "html": Format("html", "streamaudit.html", render_html),
}

__all__ = ["FORMATS", "Format", "ReportInput"]
