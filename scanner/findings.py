"""Result vocabulary shared by rules, engine and reports."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: "Severity") -> bool:
        return self.rank >= other.rank


_SEVERITY_ORDER = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    NOT_ASSESSED = "NOT_ASSESSED"
    SUPPRESSED = "SUPPRESSED"


def fingerprint(rule_id: str, resource_id: str) -> str:
    """Return a stable id for one rule on one resource, the same in every scan."""
    return hashlib.sha256(f"{rule_id}\x00{resource_id}".encode()).hexdigest()[:32]


class Waiver(BaseModel):
    """An accepted exception that turns a FAIL into SUPPRESSED until it expires."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1)
    resource: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one resource.

    A slotted dataclass rather than a pydantic model: a scan of 100,000
    resources contains several hundred thousand findings, and the engine builds
    them from values it has already checked.
    """

    rule_id: str
    title: str
    severity: Severity
    status: Status
    provider: str
    target: str
    resource_id: str
    resource_type: str
    message: str
    fingerprint: str
    evidence: dict[str, Any] = field(default_factory=dict)
    remediation: str = ""
    waiver: Waiver | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as JSON-ready data, in the field order of the findings schema."""
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "severity": self.severity.value,
            "status": self.status.value,
            "provider": self.provider,
            "target": self.target,
            "resource_id": self.resource_id,
            "resource_type": self.resource_type,
            "message": self.message,
            "evidence": self.evidence,
            "remediation": self.remediation,
            "fingerprint": self.fingerprint,
            "waiver": None if self.waiver is None else self.waiver.model_dump(mode="json"),
        }
