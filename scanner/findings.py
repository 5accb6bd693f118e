"""Result vocabulary shared by rules, engine and reports."""

from __future__ import annotations

import hashlib
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


class Finding(BaseModel):
    """One rule's verdict on one resource."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_id: str
    title: str
    severity: Severity
    status: Status
    provider: str
    target: str
    resource_id: str
    resource_type: str
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    remediation: str = ""
    fingerprint: str
    waiver: Waiver | None = None
