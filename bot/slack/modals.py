"""Open a modal that shows a neutral Message (flows such as `/okr new` open theirs here)."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.slack.blockkit import render_modal
from digests.i18n import translate
from digests.message import Form, Header, Message

log = logging.getLogger("okrbot.slack")


def modal_view(
    message: Message,
    *,
    callback_id: str,
    locale: str,
    title: str | None = None,
    submit: str | None = None,
    private_metadata: str = "",
) -> dict[str, Any]:
    """The view; its submission reaches the core as Action(callback_id, private_metadata)."""
    return render_modal(
        message,
        title=title or translate(locale, "slack.modal.title"),
        callback_id=callback_id,
        locale=locale,
        submit=submit,
        close=translate(locale, "slack.modal.close"),
        private_metadata=private_metadata,
    )


def form_of(message: Message) -> Form | None:
    """The message's form when a modal can hold it: one Form with one (submit) button."""
    forms = [b for b in message.blocks if isinstance(b, Form)]
    if message.is_error or len(forms) != 1 or len(forms[0].buttons) != 1:
        return None
    return forms[0]


def pack_metadata(value: str, origin: dict[str, str] | None) -> str:
    """The submit button's value, and the message the modal was opened from (if any)."""
    if origin is None:
        return value
    return json.dumps({"value": value, "origin": origin}, separators=(",", ":"))


def unpack_metadata(metadata: str) -> tuple[str, dict[str, str] | None]:
    """The inverse of pack_metadata; plain metadata is a value with no origin."""
    if not metadata.startswith("{"):
        return metadata, None
    try:
        packed = json.loads(metadata)
    except ValueError:
        return metadata, None
    if not isinstance(packed, dict) or "value" not in packed:
        return metadata, None
    origin = packed.get("origin")
    return str(packed["value"]), origin if isinstance(origin, dict) else None


def form_modal(
    message: Message, *, locale: str, origin: dict[str, str] | None = None
) -> dict[str, Any] | None:
    """A core reply whose main block is a Form, as a modal: the Form's button becomes the
    modal's submit (callback_id = its action id, private_metadata = its value); None when
    the reply is not such a form."""
    form = form_of(message)
    if form is None:
        return None
    button = form.buttons[0]
    title = next((b.text for b in message.blocks if isinstance(b, Header)), None)
    blocks = [
        form.model_copy(update={"buttons": []}) if block is form else block
        for block in message.blocks
        if not (isinstance(block, Header) and block.text == title)
    ]
    return modal_view(
        Message(blocks=blocks, summary=message.summary),
        callback_id=button.action_id,
        locale=locale,
        title=title,
        submit=button.label,
        private_metadata=pack_metadata(button.value, origin),
    )


def open_form_modal(
    client: Any,
    *,
    trigger_id: str,
    message: Message,
    locale: str,
    origin: dict[str, str] | None = None,
) -> bool:
    """Open the reply's form as a modal; False when it is no form or Slack refused (an
    expired trigger), so the caller shows the reply as a message instead."""
    view = form_modal(message, locale=locale, origin=origin)
    if view is None or not trigger_id:
        return False
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except Exception:
        log.exception("slack: could not open a form as a modal")
        return False
    return True
