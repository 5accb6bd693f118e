"""The scan configuration file: targets, rule selection, parameters and waivers."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.adapters.aws.config import AwsTarget
from scanner.adapters.azure.config import AzureTarget
from scanner.adapters.kafka.config import KafkaTarget
from scanner.errors import InputError
from scanner.findings import Severity, Waiver


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kafka: list[KafkaTarget] = Field(default_factory=list)
    aws: list[AwsTarget] = Field(default_factory=list)
    azure: list[AzureTarget] = Field(default_factory=list)


class RuleSelection(BaseModel):
    """Rule selection and rule parameters.

    `select` and `skip` take rule ids or shell-style patterns (``KAFKA-ACL-*``).
    An empty `select` selects every rule.
    """

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(default_factory=list)
    skip: list[str] = Field(default_factory=list)
    providers: list[str] = Field(default_factory=list)
    min_severity: Severity = Severity.INFO
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("providers")
    @classmethod
    def _known_providers(cls, providers: list[str]) -> list[str]:
        for provider in providers:
            if provider not in ("kafka", "aws", "azure"):
                raise ValueError(f"unknown provider {provider!r}; use kafka, aws or azure")
        return providers

    def selects(self, rule_id: str, provider: str, severity: Severity) -> bool:
        """True when a rule with this id, provider and severity is selected."""
        if self.select and not any(fnmatch.fnmatchcase(rule_id, pattern) for pattern in self.select):
            return False
        if any(fnmatch.fnmatchcase(rule_id, pattern) for pattern in self.skip):
            return False
        if self.providers and provider not in self.providers:
            return False
        return severity.at_least(self.min_severity)


class ScanConfig(BaseModel):
    """The whole configuration file."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    targets: Targets = Field(default_factory=Targets)
    rules: RuleSelection = Field(default_factory=RuleSelection)
    waivers: list[Waiver] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _supported_version(cls, version: int) -> int:
        if version != 1:
            raise ValueError(f"version {version} is not supported; this streamaudit reads version 1")
        return version

    @field_validator("targets")
    @classmethod
    def _unique_names(cls, targets: Targets) -> Targets:
        for provider in ("kafka", "aws", "azure"):
            names = [target.name for target in getattr(targets, provider)]
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise ValueError(f"{provider} target name {duplicates[0]!r} is used twice; give each target its own name")
        return targets


def format_validation_error(exc: ValidationError, source: str) -> str:
    """Turn a pydantic error into one line naming the field, the value and the problem."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown key {first['loc'][-1]!r}; check its spelling against the documented keys"
    more = f" ({exc.error_count() - 1} more error(s) follow once this is fixed)" if exc.error_count() > 1 else ""
    value = first.get("input")
    shown = "" if isinstance(value, (dict, list)) or value is None else f" (got {value!r})"
    return f"{source}: {where}: {message}{shown}{more}"


def load_config(path: Path) -> ScanConfig:
    """Read and validate a YAML configuration file, raising InputError on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read configuration file {path}: {exc.strerror}. Check the --config path.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"configuration file {path} is not UTF-8 text (invalid byte at offset {exc.start}). Save it as UTF-8 YAML.") from exc

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"{path} is not valid YAML{line}: {getattr(exc, 'problem', exc)}.") from exc

    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{path} must be a YAML mapping with keys such as 'targets' and 'rules'.")

    try:
        return ScanConfig.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(path))) from exc
