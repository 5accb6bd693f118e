"""Scan configuration of AWS targets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AwsTarget(BaseModel):
    """One AWS target: an account (or an organization) and the regions to scan."""

    model_config = ConfigDict(extra="forbid")

    name: str
