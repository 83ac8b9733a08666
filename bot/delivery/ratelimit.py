"""Token buckets pacing a sender: per platform (per second, per minute) and per recipient.

Reservations may go into debt and answer how long to wait, so pacing never sleeps inside
the limiter and tests drive it with a fake clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Bucket:
    rate: float
    capacity: float
    tokens: float | None = None
    updated: float = 0.0

    def reserve(self, now: float) -> float:
        """Take one token; the seconds to wait before using it."""
        if self.tokens is None:
            self.tokens, self.updated = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


@dataclass
class Limiter:
    """`per_second` with a burst of `burst`, `per_minute`, and `per_recipient` per second."""

    per_second: float
    per_minute: float | None = None
    per_recipient: float | None = None
    burst: float = 1.0
    _app: list[Bucket] = field(default_factory=list)
    _recipients: dict[str, Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._app = [Bucket(rate=self.per_second, capacity=max(1.0, self.burst))]
        if self.per_minute:
            self._app.append(Bucket(rate=self.per_minute / 60, capacity=self.per_minute / 6))

    def reserve(self, now: float, recipient: str | None = None) -> float:
        """Reserve one send (to `recipient`); seconds to wait first. Thread-safe."""
        with self._lock:
            return self._reserve(now, recipient)

    def _reserve(self, now: float, recipient: str | None) -> float:
        buckets = list(self._app)
        if recipient is not None and self.per_recipient:
            if len(self._recipients) > 10_000:
                self._recipients.clear()
            bucket = self._recipients.setdefault(
                recipient, Bucket(rate=self.per_recipient, capacity=1.0)
            )
            buckets.append(bucket)
        return max(bucket.reserve(now) for bucket in buckets)
