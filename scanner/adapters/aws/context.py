"""The scope of a collection step (target, account, region) and its reporting of failed calls."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from scanner.adapters.aws.errors import classify
from scanner.adapters.aws.session import AccountSession
from scanner.model.common import CollectionError

log = logging.getLogger("scanner.adapters.aws")


@dataclass
class ErrorLog:
    """The CollectionErrors of one target, appended from many threads."""

    errors: list[CollectionError] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, error: CollectionError) -> None:
        with self._lock:
            self.errors.append(error)

    def sorted(self) -> list[CollectionError]:
        with self._lock:
            return sorted(self.errors, key=lambda error: (error.scope, error.kind, error.message))


@dataclass
class RegionScope:
    """One account and region of one target, with its session, its error log and a pool for per-resource calls."""

    target: str
    account: str
    region: str
    session: AccountSession
    error_log: ErrorLog
    pool: ThreadPoolExecutor

    def client(self, service: str) -> Any:
        return self.session.client(service, self.region)

    def failed(self, what: str, exc: BaseException) -> str:
        """Log and record a failed read of `what` (an operation and resource); return the reason for the model."""
        kind, message = classify(exc)
        log.warning(
            "aws target %s: account %s: region %s: %s failed: %s", self.target, self.account, self.region, what, message
        )
        self.error_log.add(CollectionError(scope=f"{self.account}/{self.region}: {what}", kind=kind, message=message))
        return f"{kind.value}: {message}"
