"""Token buckets that keep calls under AWS API rate quotas."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Allows `rate` calls per second on average, with bursts of up to `capacity` calls.

    `acquire()` blocks the calling thread until a token is free. The bucket
    is thread-safe; the sleep happens outside the lock. `granted` counts the
    tokens taken so far.
    """

    def __init__(self, rate: float, capacity: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be above 0 calls per second, not {rate}")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate)
        self._clock = clock
        self._tokens = self.capacity
        self._updated = clock()
        self._lock = threading.Lock()
        self.granted = 0

    def _wait_time(self) -> float:
        """Take a token and return 0, or return the seconds until one is free."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                self.granted += 1
                return 0.0
            return (1 - self._tokens) / self.rate

    def acquire(self) -> float:
        """Block until a token is free; return the seconds spent waiting."""
        waited = 0.0
        while (delay := self._wait_time()) > 0:
            time.sleep(delay)
            waited += delay
        return waited


BucketKey = tuple[str, str, str, str]


class RateLimiter:
    """One token bucket per (account, region, operation, resource), created on first use.

    `resource` is "" for quotas that AWS applies per account and region, and
    the resource's ARN for quotas it applies per resource.
    """

    def __init__(self, rate_for: Callable[[str], float]) -> None:
        self._rate_for = rate_for
        self._buckets: dict[BucketKey, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, account: str, region: str, operation: str, resource: str = "") -> TokenBucket:
        key = (account, region, operation, resource)
        with self._lock:
            if key not in self._buckets:
                self._buckets[key] = TokenBucket(self._rate_for(operation))
            return self._buckets[key]

    def acquire(self, account: str, region: str, operation: str, resource: str = "") -> float:
        return self.bucket(account, region, operation, resource).acquire()

    def buckets(self) -> dict[BucketKey, TokenBucket]:
        """Return a copy of the bucket map, for reports of how many tokens each bucket granted."""
        with self._lock:
            return dict(self._buckets)
