"""Token buckets that keep sends within Feishu's limits: 50/s and 1,000/min per app,
5 per second to one user or chat. A caller reserves a token in every bucket that applies
and sleeps for the longest debt, so concurrent senders queue fairly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up; reservations may go into debt."""

    def __init__(self, *, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def reserve(self, now: float) -> float:
        """Take one token; the seconds to wait before using it."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        """True when the bucket would be full again (safe to forget)."""
        return self.tokens + (now - self.updated) * self.rate >= self.capacity


class Pacer:
    """Paces outgoing calls per app and per receiver (thread-safe)."""

    def __init__(
        self,
        *,
        per_second: float = 50,
        per_minute: float = 1000,
        per_receiver: float = 5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._per_receiver = per_receiver
        start = clock()
        self._app = [
            TokenBucket(rate=per_second, capacity=per_second, now=start),
            TokenBucket(rate=per_minute / 60, capacity=per_minute, now=start),
        ]
        self._receivers: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def wait(self, receiver: str | None = None) -> float:
        """Block until one more call (to `receiver`, when given) is within the limits."""
        with self._lock:
            now = self._clock()
            buckets = list(self._app)
            if receiver is not None:
                bucket = self._receivers.get(receiver)
                if bucket is None:
                    self._forget_idle(now)
                    bucket = TokenBucket(
                        rate=self._per_receiver, capacity=self._per_receiver, now=now
                    )
                    self._receivers[receiver] = bucket
                buckets.append(bucket)
            delay = max(bucket.reserve(now) for bucket in buckets)
        if delay > 0:
            self._sleep(delay)
        return delay

    def _forget_idle(self, now: float) -> None:
        if len(self._receivers) > 1000:
            for key in [k for k, b in self._receivers.items() if b.idle(now)]:
                del self._receivers[key]
