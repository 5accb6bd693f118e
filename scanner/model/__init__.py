"""The typed snapshot that inventory adapters fill and rules read.

Every provider section contains a list of *units* (a Kafka cluster, an AWS
account, an Azure subscription). A unit has a `target` (the configured target
name), a `resource_root` (the resource id of the unit itself, unique across
the snapshot) and a `collection_error` that is set when nothing of the unit
could be collected.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field, ValidationError

from scanner.gc_pause import gc_paused
from scanner.model.aws import AwsSection
from scanner.model.azure import AzureSection
from scanner.model.common import CollectionError, ErrorKind, Frozen, Provenance, TargetProvenance
from scanner.model.kafka import KafkaSection

SCHEMA_VERSION = "1"


class SnapshotError(ValueError):
    """A snapshot file that cannot be read or does not match the model."""


class Snapshot(Frozen):
    """A read-only picture of the scanned estate at one point in time."""

    schema_version: str = SCHEMA_VERSION
    provenance: Provenance
    kafka: KafkaSection = Field(default_factory=KafkaSection)
    aws: AwsSection = Field(default_factory=AwsSection)
    azure: AzureSection = Field(default_factory=AzureSection)

    def units(self, provider: str) -> list:
        """Return the units of one provider: Kafka clusters, AWS accounts or Azure subscriptions."""
        if provider == "kafka":
            return list(self.kafka.clusters)
        if provider == "aws":
            return list(self.aws.accounts)
        if provider == "azure":
            return list(self.azure.subscriptions)
        raise KeyError(f"unknown provider {provider!r}")

    def to_json(self) -> str:
        """Serialise deterministically: same estate, same bytes (apart from the provenance times)."""
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "snapshot") -> "Snapshot":
        """Load a snapshot, raising SnapshotError with the failing field on bad input."""
        with gc_paused():
            return cls._from_json(text, source)

    @classmethod
    def _from_json(cls, text: str, source: str) -> "Snapshot":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SnapshotError(f"{source} is not valid JSON: {exc.msg.rstrip('.')} (line {exc.lineno}, column {exc.colno}).") from exc
        if not isinstance(data, dict):
            raise SnapshotError(f"{source} must contain a JSON object with a 'provenance' key.")

        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise SnapshotError(
                f"{source} has schema_version {version!r}, but this streamaudit reads version "
                f"{SCHEMA_VERSION!r}. Re-create the snapshot with this version of streamaudit."
            )

        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise SnapshotError(
                f"{source} is not a valid snapshot: {where}: {first['msg']} "
                f"({exc.error_count()} error(s) in all)."
            ) from exc

    @classmethod
    def load(cls, path: Path) -> "Snapshot":
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SnapshotError(f"cannot read snapshot {path}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise SnapshotError(f"snapshot {path} is not UTF-8 JSON (invalid byte at offset {exc.start}).") from exc
        return cls.from_json(text, source=str(path))


__all__ = [
    "CollectionError",
    "ErrorKind",
    "Provenance",
    "SCHEMA_VERSION",
    "Snapshot",
    "SnapshotError",
    "TargetProvenance",
]
