"""Build a snapshot by running the inventory adapters over the configured targets."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

from scanner import __version__
from scanner.adapters.aws import collect_aws
from scanner.adapters.azure import collect_azure
from scanner.adapters.kafka import collect_kafka
from scanner.config import ScanConfig
from scanner.model import Provenance, Snapshot, TargetProvenance
from scanner.model.aws import AwsSection
from scanner.model.azure import AzureSection
from scanner.model.kafka import KafkaSection

log = logging.getLogger(__name__)

Collector = Callable[[Any], tuple[list, TargetProvenance]]


def _collectors() -> dict[str, Collector]:
    collectors: dict[str, Collector] = {"kafka": collect_kafka, "aws": collect_aws, "azure": collect_azure}
    return collectors


def collect_snapshot(config: ScanConfig, max_workers: int = 8) -> Snapshot:
    """Collect every configured target concurrently and return the snapshot.

    Targets run in parallel threads; each adapter bounds its own calls, so a
    slow or unreachable target delays the snapshot by at most its timeouts.
    """
    started = datetime.now(timezone.utc)
    collectors = _collectors()
    jobs = [
        (provider, target)
        for provider in ("kafka", "aws", "azure")
        for target in getattr(config.targets, provider)
    ]
    log.info("scan started: %d target(s)", len(jobs))

    units: dict[str, list] = {"kafka": [], "aws": [], "azure": []}
    provenance: list[TargetProvenance] = []
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(jobs) or 1)), thread_name_prefix="collect") as pool:
        futures = [(provider, pool.submit(collectors[provider], target)) for provider, target in jobs]
        for provider, future in futures:
            collected, target_provenance = future.result()
            units[provider].extend(collected)
            provenance.append(target_provenance)

    finished = datetime.now(timezone.utc)
    log.info("scan finished in %.1f s", (finished - started).total_seconds())
    return Snapshot(
        provenance=Provenance(
            tool_version=__version__,
            started_at=started,
            finished_at=finished,
            targets=sorted(provenance, key=lambda entry: (entry.provider, entry.target)),
        ),
        kafka=KafkaSection(clusters=units["kafka"]),
        aws=AwsSection(accounts=units["aws"]),
        azure=AzureSection(subscriptions=units["azure"]),
    )
