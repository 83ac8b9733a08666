"""Which cards okrbot may patch for a click: its own, sent to the person who clicked.

The `open_message_id` of a card callback names the card to update, but a payload is not to be
trusted with that: okrbot patches a card only when it sent that message to the clicking person —
a proactive message recorded in the outbox (its `platform_ref`) or a reply remembered when sent.
Any other click gets its answer as a new message to the person instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.dedupe import claim_event
from storage.models import OutboxMessage, PersonIdentity, Platform, ProcessedEvent


def _key(message_id: str, open_id: str) -> str:
    return f"card:{message_id[:60]}:{open_id[:60]}"


def remember_card(engine: Engine, *, message_id: str, open_id: str) -> None:
    """Record a reply card okrbot sent to `open_id` (kept as long as event ids are)."""
    claim_event(engine, platform=Platform.FEISHU, event_id=_key(message_id, open_id))


def is_own_card(engine: Engine, *, message_id: str, open_id: str) -> bool:
    """True when okrbot sent `message_id` to the person whose Feishu open_id is `open_id`."""
    remembered = sa.select(col(ProcessedEvent.id)).where(
        col(ProcessedEvent.platform) == Platform.FEISHU,
        col(ProcessedEvent.event_id) == _key(message_id, open_id),
    )
    sent_to = (
        sa.select(col(OutboxMessage.id))
        .join(PersonIdentity, col(PersonIdentity.person_id) == col(OutboxMessage.person_id))
        .where(
            col(OutboxMessage.platform_ref) == message_id,
            col(PersonIdentity.platform) == Platform.FEISHU,
            col(PersonIdentity.external_id) == open_id,
        )
    )
    with engine.connect() as connection:
        return any(connection.execute(query.limit(1)).first() for query in (remembered, sent_to))
