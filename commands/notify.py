"""Proactive messages from handlers and flows: approval requests, decisions, alerts.

`notify` writes to the outbox in the request's own transaction, so a message exists exactly
when the change that caused it was committed; senders deliver it later, once.
"""

from __future__ import annotations

from commands.context import Context
from digests.message import Message
from storage.repos import outbox


def notify(ctx: Context, *, person_id: int, message: Message, dedupe_key: str, kind: str) -> bool:
    """Queue `message` for a person of the requester's workspace; False if already queued."""
    return outbox.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        person_id=person_id,
        dedupe_key=dedupe_key,
        kind=kind,
        payload=message.model_dump_json(),
    )
