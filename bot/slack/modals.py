"""Open a modal that shows a neutral Message (flows such as `/okr new` open theirs here)."""

from __future__ import annotations

from typing import Any

from digests.blockkit import render_modal
from digests.i18n import translate
from digests.message import Message


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


def open_modal(
    client: Any,
    *,
    trigger_id: str,
    message: Message,
    callback_id: str,
    locale: str,
    title: str | None = None,
    submit: str | None = None,
    private_metadata: str = "",
) -> str:
    """views.open within 3 s of the click or command carrying `trigger_id`; the view id."""
    view = modal_view(
        message,
        callback_id=callback_id,
        locale=locale,
        title=title,
        submit=submit,
        private_metadata=private_metadata,
    )
    response = client.views_open(trigger_id=trigger_id, view=view)
    return str(response["view"]["id"])
