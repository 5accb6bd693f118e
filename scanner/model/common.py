"""Parts of the snapshot shared by every provider: provenance and collection errors."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for snapshot models: unknown fields are rejected so a typo in a snapshot file fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorKind(StrEnum):
    """Kind of failure that kept part of a target from being collected."""

    UNREACHABLE = "unreachable"
    AUTHENTICATION = "authentication"
    DENIED = "denied"
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    NOT_FOUND = "not_found"
    UNSUPPORTED = "unsupported"
    ERROR = "error"


class CollectionError(Frozen):
    """One failed read while collecting a target.

    `scope` names what was missed: ``target`` when nothing of the target was
    collected, otherwise an operation or resource such as ``describe_acls`` or
    ``kms:DescribeKey arn:aws:kms:...``. The message never contains a secret.
    """

    scope: str
    kind: ErrorKind
    message: str


class TargetProvenance(Frozen):
    """Record of one configured target: what the scan tried to collect, and what failed."""

    provider: str
    target: str
    errors: list[CollectionError] = Field(default_factory=list)

    @property
    def assessed(self) -> bool:
        """True unless the whole target was missed."""
        return not any(error.scope == "target" for error in self.errors)


class Provenance(Frozen):
    """Origin of the snapshot: the tool, its run times, and how complete the collection is."""

    tool: str = "streamaudit"
    tool_version: str
    started_at: datetime
    finished_at: datetime
    targets: list[TargetProvenance] = Field(default_factory=list)

    def target(self, provider: str, name: str) -> TargetProvenance | None:
        """Return the provenance entry of one target, or None when it was not scanned."""
        for entry in self.targets:
            if entry.provider == provider and entry.target == name:
                return entry
        return None

    @property
    def complete(self) -> bool:
        """True when every target was collected without a single error."""
        return all(not entry.errors for entry in self.targets)
