"""Security posture of Azure Event Hubs namespaces."""

from __future__ import annotations

from pydantic import Field

from scanner.model.common import Frozen


class AzureSubscription(Frozen):
    """Everything collected from one Azure target (one subscription)."""

    target: str
    collection_error: str | None = None
    subscription_id: str | None = None


class AzureSection(Frozen):
    subscriptions: list[AzureSubscription] = Field(default_factory=list)
