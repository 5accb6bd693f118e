"""Waiver files: accepted exceptions that turn matching FAIL results into SUPPRESSED.

A waiver names one rule id and one resource id exactly (as the reports show
them), a reason, an owner and an expiry date. There are no patterns: what a
waiver covers is exactly what it names, and it stops applying after its
expiry date.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.config import format_validation_error
from scanner.errors import InputError
from scanner.findings import Waiver

log = logging.getLogger(__name__)


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(path: Path) -> list[Waiver]:
    """Read a YAML waiver file, raising InputError with the failing entry on bad input."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"cannot read waiver file {path}: {exc.strerror}. Check the --waivers path.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"waiver file {path} is not UTF-8 text (invalid byte at offset {exc.start}). Save it as UTF-8 YAML.") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"waiver file {path} is not valid YAML: {exc}.") from exc
    try:
        return WaiverFile.model_validate(data).waivers
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(path)) + " Each waiver needs rule, resource, reason, owner and expires (YYYY-MM-DD).") from exc


def check_waivers(waivers: list[Waiver], known_rules: set[str]) -> list[str]:
    """Raise InputError for a waiver of an unknown rule or a repeated waiver; return warnings for expired ones."""
    today = date.today()
    seen: set[tuple[str, str]] = set()
    warnings = []
    for waiver in waivers:
        if waiver.rule not in known_rules:
            raise InputError(f"waiver for {waiver.resource} names unknown rule {waiver.rule!r}. Run 'streamaudit rules list' for the ids.")
        key = (waiver.rule, waiver.resource)
        if key in seen:
            raise InputError(f"two waivers name rule {waiver.rule} and resource {waiver.resource}; keep one of them.")
        seen.add(key)
        if waiver.expires < today:
            log.info("waiver of %s on %s expired on %s", waiver.rule, waiver.resource, waiver.expires)
            warnings.append(f"the waiver of {waiver.rule} on {waiver.resource} expired on {waiver.expires} and no longer applies.")
    return warnings
