"""Scan configuration of Azure targets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class AzureTarget(BaseModel):
    """One Azure target: a credential and the subscriptions it scans."""

    model_config = ConfigDict(extra="forbid")

    name: str
