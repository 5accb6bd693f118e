"""The input that every renderer receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.engine import Evaluation
from scanner.findings import Status
from scanner.model import Snapshot


@dataclass(frozen=True)
class ReportInput:
    """An evaluation, the snapshot it came from, and where findings point in the repository.

    `artifact` is the repository-relative path that SARIF results point to
    (the scan configuration, or the snapshot file), and `target_lines` the
    line where each target is declared in it, by (provider, target name).
    """

    evaluation: Evaluation
    snapshot: Snapshot
    artifact: str = "streamaudit.yaml"
    target_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    sarif_statuses: frozenset[Status] = frozenset({Status.FAIL, Status.SUPPRESSED, Status.NOT_ASSESSED})

    def summary(self) -> dict[str, int]:
        return {status.value: self.evaluation.count(status) for status in Status}
