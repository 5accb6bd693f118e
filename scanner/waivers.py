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
    except yaml.YAMLError as exc:
        raise InputError(f"waiver file {path} is not valid YAML: {exc}.") from exc
    try:
        return WaiverFile.model_validate(data).waivers
    except ValidationError as exc:
        raise InputError(format_validation_error(exc, str(path)) + " Each waiver needs rule, resource, reason, owner and expires (YYYY-MM-DD).") from exc


def check_waivers(waivers: list[Waiver], known_rules: set[str]) -> None:
    """Raise InputError for a waiver of an unknown rule; log waivers that have expired."""
    today = date.today()
    for waiver in waivers:
        if waiver.rule not in known_rules:
            raise InputError(f"waiver for {waiver.resource} names unknown rule {waiver.rule!r}. Run 'streamaudit rules list' for the ids.")
        if waiver.expires < today:
            log.warning("waiver of %s on %s expired on %s and no longer applies", waiver.rule, waiver.resource, waiver.expires)
