"""Feishu's long connection (lark-oapi's WebSocket client) as a background service.

The SDK's client grabs an event loop when its module is imported and `start()` never
returns, so it runs on its own daemon thread; `stop()` closes the socket and ends the loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import lark_oapi as lark
from lark_oapi.ws import client as ws_client

from bot.feishu.credentials import FeishuCredentials

log = logging.getLogger("okrbot.feishu")


class LongConnectionService:
    """Receives events over the long connection and hands them to the webhook's dispatcher."""

    name = "feishu-long-connection"

    def __init__(self, *, credentials: FeishuCredentials, dispatcher: Any, domain: str) -> None:
        self.client: Any = lark.ws.Client(
            credentials.app_id,
            credentials.app_secret,
            event_handler=dispatcher,
            domain=domain.rstrip("/"),
            log_level=lark.LogLevel.WARNING,
        )
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Connect in a daemon thread (reconnecting on its own when the link drops)."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.client.start()
        except RuntimeError:
            pass  # the loop was stopped by stop()
        except Exception:
            log.exception("feishu long connection ended")

    def stop(self) -> None:
        """Close the connection and stop the client's loop."""
        loop: asyncio.AbstractEventLoop = ws_client.loop
        self.client._auto_reconnect = False  # the SDK has no stop(); no reconnect after this
        if loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self.client._disconnect(), loop).result(5)
            except Exception:
                log.warning("feishu long connection did not close cleanly", exc_info=True)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)
