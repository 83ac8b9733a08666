"""Request throttles for the HTTP endpoints: a token bucket per key (an API token, a client
address) that refuses instead of queueing, and says how long to wait (for `Retry-After`).

Each replica keeps its own buckets, so the fleet allows up to replicas × the rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class Throttle:
    """At most `per_minute` requests a minute per key, in bursts of up to `burst`."""

    per_minute: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str) -> int:
        """Take one request for `key`: 0 when allowed, else the whole seconds to wait."""
        rate = self.per_minute / 60
        with self._lock:
            now = self.clock()
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            bucket = self._buckets.setdefault(key, _Bucket(self.burst, now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / rate))
