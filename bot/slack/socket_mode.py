"""Socket Mode: Slack events over a websocket okrbot opens (no public URL needed)."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


class SocketModeService:
    """A BackgroundService: connects on start() (the client runs its own threads)."""

    name = "slack-socket-mode"

    def __init__(self, app: App, *, app_token: str) -> None:
        self.app = app
        self.app_token = app_token
        self.handler: SocketModeHandler | None = None

    def start(self) -> None:
        """Open the connection (apps.connections.open, then the websocket)."""
        self.handler = SocketModeHandler(self.app, app_token=self.app_token)
        self.handler.connect()  # type: ignore[no-untyped-call]

    def stop(self) -> None:
        """Close the connection."""
        if self.handler is not None:
            self.handler.close()  # type: ignore[no-untyped-call]
            self.handler = None
