"""Outbox rows addressed to a chat channel instead of a person's DM.

A channel row still names a person (the one it is about; the table needs one), and its
dedupe key ends in `:to=<channel>` — a Slack channel id or a Feishu chat_id. The key is what
makes the send idempotent, so the channel it was enqueued for travels with it: changing
app.yaml later does not redirect messages already queued.
"""

from __future__ import annotations

CHANNEL_MARK = ":to="


def channel_key(key: str, channel: str) -> str:
    """The dedupe key of a message for `channel` (e.g. `kpi_alert:7:to=C0123`)."""
    return f"{key}{CHANNEL_MARK}{channel.strip()}"


def channel_of(dedupe_key: str) -> str | None:
    """The channel a row is addressed to, or None for a person's DM."""
    _, mark, channel = dedupe_key.rpartition(CHANNEL_MARK)
    return channel or None if mark else None
