"""Translation of Feishu events (message, bot menu, card click) into one neutral shape.

Works on the SDK's event objects by attribute, so it needs no lark_oapi import.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from commands.actions import Action

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Incoming:
    """One event, ready for the core. Replies go to (`receive_id_type`, `receive_id`);
    `message_id` is the card clicked, when an action updates a card in place."""

    event_id: str
    tenant_key: str
    open_id: str
    receive_id_type: str
    receive_id: str
    text: str = ""
    action: Action | None = None
    message_id: str | None = None


def command_text(content: str, mentions: list[Any] | None) -> str:
    """The command in a text message: mentions of the bot at the start are dropped, other
    mentions become `@open_id` (so `okr list @Wei` finds Wei by their Feishu id)."""
    try:
        text = str(json.loads(content).get("text") or "")
    except (ValueError, AttributeError):
        return ""
    text = text.strip()
    by_key = {m.key: m for m in mentions or [] if getattr(m, "key", None)}
    while True:  # leading mentions address the bot
        key = next((k for k in by_key if text.startswith(k)), None)
        if key is None:
            break
        text = text[len(key) :].lstrip()
    for key, mention in by_key.items():
        open_id = getattr(getattr(mention, "id", None), "open_id", None)
        text = text.replace(key, f"@{open_id}" if open_id else "")
    return _SPACES.sub(" ", text).strip()


def from_message(data: Any) -> Incoming | None:
    """A text message from a person in a 1:1 chat, or one @mentioning the bot in a group."""
    header, event = data.header, data.event
    message, sender = event.message, event.sender
    if sender is None or sender.sender_type not in (None, "user") or message is None:
        return None
    if message.message_type != "text":
        return None
    if message.chat_type != "p2p" and not message.mentions:
        return None
    text = command_text(message.content or "", message.mentions)
    open_id = sender.sender_id.open_id if sender.sender_id else None
    if not text or not open_id:
        return None
    return Incoming(
        event_id=header.event_id,
        tenant_key=header.tenant_key or sender.tenant_key or "",
        open_id=open_id,
        receive_id_type="chat_id",
        receive_id=message.chat_id,
        text=text,
    )


def from_menu(data: Any) -> Incoming | None:
    """A bot menu click: its event_key names a command; the answer goes to the clicker."""
    header, event = data.header, data.event
    open_id = event.operator.operator_id.open_id if event.operator else None
    key = event.event_key or ""
    # okr_list -> "okr list": keys are set in the Feishu developer console (docs/feishu.md)
    text = key.replace("_", " ") if key[:4] in {"okr_", "kpi_"} else ""
    if not open_id or not text:
        return None
    return Incoming(
        event_id=header.event_id,
        tenant_key=header.tenant_key or "",
        open_id=open_id,
        receive_id_type="open_id",
        receive_id=open_id,
        text=text,
    )


def from_card_action(data: Any) -> Incoming | None:
    """A card button click or form submission: the button's value holds action_id + value."""
    header, event = data.header, data.event
    operator, action, context = event.operator, event.action, event.context
    value = action.value if action is not None and isinstance(action.value, dict) else {}
    action_id = value.get("action_id")
    if operator is None or not operator.open_id or not action_id:
        return None
    # An optional field left empty comes as null: absent, not the text "None".
    values = (action.form_value or {}) if action else {}
    form = {str(k): str(v) for k, v in values.items() if v is not None}
    chat_id = context.open_chat_id if context else None
    return Incoming(
        event_id=header.event_id if header else "",
        tenant_key=(header.tenant_key if header else None) or operator.tenant_key or "",
        open_id=operator.open_id,
        receive_id_type="chat_id" if chat_id else "open_id",
        receive_id=chat_id or operator.open_id,
        action=Action(action_id=str(action_id), value=str(value.get("value", "")), form=form),
        message_id=context.open_message_id if context else None,
    )
