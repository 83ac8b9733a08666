"""Deliver outbox messages to Slack: a DM to the person (or a post in a channel), as Block Kit.

chat.postMessage takes the person's user id as the channel (the app's DM with them), or a
channel id for a channel row, so a send is one call. Slack has no idempotency key: each post
carries the outbox id as message metadata, and a message left in doubt by a crashed sender is
first looked for in the DM's (or channel's) history (conversations.open +
conversations.history) before it is posted again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery.outcome import Dead, Envelope, Lookup, Outcome, Retry, Sent, Throttled
from bot.slack.blockkit import render_message
from storage.models import Platform

log = logging.getLogger("okrbot.slack")

METADATA_EVENT = "okrbot_outbox"
# The person can never get this message: they left, or the bot cannot DM them.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "messages_tab_disabled",
        "restricted_action",
        "user_is_bot",
        "invalid_blocks",
        "msg_too_long",
        "msg_blocks_too_long",
    }
)
DEFAULT_RETRY_AFTER = 1.0


def classify(error: SlackApiError) -> Outcome:
    """A Slack error as an outcome: 429 → Throttled(Retry-After), known permanent errors →
    Dead, everything else (5xx, internal_error, auth trouble) → Retry with backoff."""
    response = error.response
    code = str(response.get("error", "")) if response is not None else ""
    status = getattr(response, "status_code", 0)
    if status == 429 or code == "ratelimited":
        headers = getattr(response, "headers", {}) or {}
        raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
        try:
            after = float(raw[0] if isinstance(raw, list) else raw) if raw else DEFAULT_RETRY_AFTER
        except ValueError:
            after = DEFAULT_RETRY_AFTER
        return Throttled(after=after, error="slack: ratelimited")
    if code in PERMANENT_ERRORS:
        return Dead(f"slack: {code}")
    return Retry(f"slack: {code or status}", in_doubt=status >= 500)  # a 5xx may have posted


class SlackSender:
    """The Slack transport of the outbox worker."""

    platform = Platform.SLACK

    def __init__(self, client_for: Callable[[int], WebClient | None]) -> None:
        self.client_for = client_for

    def send(self, envelope: Envelope) -> Outcome:
        client = self.client_for(envelope.workspace_id)
        if client is None:
            return Retry("slack: no bot token for this workspace")
        try:
            if envelope.in_doubt:
                found = self._already_posted(client, envelope)
                if found is not None:
                    return Sent(found)
            payload = render_message(envelope.message, locale=envelope.locale)
            response = client.chat_postMessage(
                channel=envelope.recipient,
                text=payload["text"],
                blocks=payload["blocks"],
                unfurl_links=False,
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"outbox_id": envelope.outbox_id},
                },
            )
            return Sent(f"{response.get('channel')}:{response.get('ts')}")
        except SlackApiError as error:
            return classify(error)
        except OSError as error:  # connection refused, reset, timed out: it may have landed
            return Retry(f"slack: {type(error).__name__}", in_doubt=True)

    def find_by_email(self, *, workspace_id: int, email: str) -> Lookup:
        """The Slack user id of a person never seen on Slack (users.lookupByEmail)."""
        from bot.slack.reach import lookup_by_email

        client = self.client_for(workspace_id)
        if client is None:
            return Retry("slack: no bot token for this workspace")
        return lookup_by_email(client, email)

    def _already_posted(self, client: WebClient, envelope: Envelope) -> str | None:
        """The channel:ts of this outbox message if a previous attempt landed (a channel
        message is looked for in the channel itself, a DM in the person's DM)."""
        if envelope.to_channel:
            channel = envelope.recipient
        else:
            opened = client.conversations_open(users=envelope.recipient)
            channel = str((opened.get("channel") or {}).get("id", ""))
        history = client.conversations_history(
            channel=channel, limit=100, include_all_metadata=True
        )
        for item in history.get("messages") or []:
            meta: dict[str, Any] = item.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == (
                envelope.outbox_id
            ):
                return f"{channel}:{item.get('ts')}"
        return None


def client_factory(
    *, base_url: str, bot_token: str | None, token_for: Callable[[int], str | None] | None = None
) -> Callable[[int], WebClient | None]:
    """Per-workspace WebClients: one bot token, or a token per workspace (OAuth installs)."""
    clients: dict[str, WebClient] = {}

    def client_for(workspace_id: int) -> WebClient | None:
        token = bot_token or (token_for(workspace_id) if token_for else None)
        if not token:
            return None
        if token not in clients:
            # No retry inside the SDK: its default re-posts after a dropped connection, which
            # may duplicate a message that landed; the outbox retries, looking first.
            clients[token] = WebClient(
                token=token, base_url=base_url, timeout=10, retry_handlers=[]
            )
        return clients[token]

    return client_for


def installed_token_lookup(engine: Any, client_id: str) -> Callable[[int], str | None]:
    """The bot token of an OAuth-installed workspace, from the installation store."""
    from bot.slack.installation_store import EncryptedInstallationStore
    from storage.db import session_scope
    from storage.models import Workspace

    store = EncryptedInstallationStore(client_id=client_id, engine=engine)

    def token_for(workspace_id: int) -> str | None:
        with session_scope(engine) as session:
            workspace = session.get(Workspace, workspace_id)
            team_id = workspace.external_id if workspace is not None else None
        bot = store.find_bot(enterprise_id=None, team_id=team_id) if team_id else None
        return bot.bot_token if bot is not None else None

    return token_for
