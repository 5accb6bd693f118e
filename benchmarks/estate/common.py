"""Shape of a synthetic estate and helpers shared by the provider generators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

# Fixed provenance times, so that two generated snapshots serialise to the same bytes.
GENERATED_AT = datetime(2025, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Mix:
    """Share of the resources per provider, and the shape of each unit.

    `kafka`, `aws` and `azure` are shares of the requested size and must add
    up to 1. `fail_share` is the share of resources generated with a defect.
    """

    kafka: float = 0.5
    aws: float = 0.3
    azure: float = 0.2
    fail_share: float = 0.25
    kafka_resources_per_cluster: int = 6000
    aws_resources_per_account: int = 3000
    azure_namespaces_per_subscription: int = 500
    event_hubs_per_namespace: int = 4

    def __post_init__(self) -> None:
        if abs(self.kafka + self.aws + self.azure - 1.0) > 1e-9:
            raise ValueError(f"provider shares must add up to 1, not {self.kafka + self.aws + self.azure}")
        if not 0 <= self.fail_share <= 1:
            raise ValueError(f"fail_share must be between 0 and 1, not {self.fail_share}")


def split(total: int, per_unit: int) -> list[int]:
    """Split `total` into the fewest near-equal parts of at most `per_unit` each."""
    parts = max(1, -(-total // per_unit))
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]
