"""Work that starts only after the HTTP response has gone out.

bolt starts lazy listeners (the real work behind an ack) on its executor while the ack is
still being written; that work then competes for the GIL with the response. Over HTTP the
route collects such work during dispatch and releases it once the response is sent.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any


class DeferringExecutor(ThreadPoolExecutor):
    """A thread pool that holds back work submitted inside `collect()` on the same thread."""

    def __init__(self, max_workers: int = 16) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="okrbot-slack-lazy")
        self._local = threading.local()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        # The work runs in the submitter's context: its log lines keep the HTTP request's id.
        context = contextvars.copy_context()
        held: list[Callable[[], None]] | None = getattr(self._local, "held", None)
        if held is None:
            return super().submit(context.run, fn, *args, **kwargs)
        future: Future[Any] = Future()

        def start() -> None:
            inner = super(DeferringExecutor, self).submit(context.run, fn, *args, **kwargs)
            inner.add_done_callback(lambda done: _copy(done, future))

        held.append(start)
        return future

    def submit_now(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Start at once, even inside `collect()` (work the response itself waits for)."""
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)

    @contextmanager
    def collect(self) -> Iterator[list[Callable[[], None]]]:
        """Hold back what this thread submits; the caller starts it later."""
        held: list[Callable[[], None]] = []
        self._local.held = held
        try:
            yield held
        finally:
            self._local.held = None


def _copy(done: Future[Any], into: Future[Any]) -> None:
    error = done.exception()
    if error is not None:
        into.set_exception(error)
    else:
        into.set_result(done.result())
