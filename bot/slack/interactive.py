"""Buttons and forms: block_actions and view_submission -> a core Action.

A click updates the message it came from in place (response_url for ephemeral messages,
chat.update otherwise); a modal submission shows the reply in the modal, or, on an error,
pushes it on top so the form keeps what was typed.

The channel and ts a payload names are written by the client, so chat.update goes only to a
message in the clicking person's own direct conversation with okrbot (which holds nothing but
okrbot's messages to that person); a message anywhere else is answered through Slack's
response_url, never by editing whatever channel/ts the payload names.
"""

from __future__ import annotations

import re
from typing import Any

from bot.slack.answers import Answers, Reply
from bot.slack.blockkit import render_message
from bot.slack.forms import click_action, submit_action
from bot.slack.home import publish_home
from bot.slack.modals import form_modal, form_of, modal_view, open_form_modal, unpack_metadata

RESULT_CALLBACK_ID = "okrbot.result"
HOME_ORIGIN = {"surface": "home"}  # a modal opened from the App Home tab


def _team_of(body: dict[str, Any]) -> str:
    team = body.get("team") or {}
    return str(team.get("id") or (body.get("user") or {}).get("team_id") or "")


def _own_dm(client: Any, user_id: str, channel: str) -> bool:
    """True when `channel` is the direct conversation between okrbot and `user_id`."""
    if not channel.startswith("D"):
        return False
    opened = client.conversations_open(users=user_id)
    return bool(opened.get("ok")) and str((opened.get("channel") or {}).get("id")) == channel


def _may_edit(client: Any, user_id: str, origin: dict[str, str] | None) -> bool:
    """Whether okrbot may rewrite the message `origin` names on behalf of `user_id`."""
    if origin is None or origin == HOME_ORIGIN:
        return False
    return _own_dm(client, user_id, str(origin.get("channel") or ""))


def _update_in_place(body: dict[str, Any], client: Any, respond: Any, reply: Reply) -> None:
    container = body.get("container") or {}
    user_id = str(body["user"]["id"])
    rendered = render_message(reply.message, locale=reply.locale)
    view = body.get("view") or {}
    if container.get("type") == "view" and view.get("type") == "modal":
        _, origin = unpack_metadata(view.get("private_metadata") or "")
        result = form_modal(reply.message, locale=reply.locale, origin=origin) or modal_view(
            reply.message, callback_id=RESULT_CALLBACK_ID, locale=reply.locale
        )
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=result)
    elif (origin := _origin(container)) is not None and _may_edit(client, user_id, origin):
        client.chat_update(channel=origin["channel"], ts=origin["ts"], **rendered)
    else:
        respond(replace_original=True, **rendered)


def _origin(container: dict[str, Any]) -> dict[str, str] | None:
    """The message a modal is opened from, to update in place once the modal is submitted."""
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return None
    return {"channel": str(container.get("channel_id") or ""), "ts": str(container["message_ts"])}


def register_interactive(app: Any, answers: Answers) -> None:
    """Route every button click and modal submission to the core."""

    def ack_now(ack: Any) -> None:
        ack()

    def on_click(body: dict[str, Any], action: dict[str, Any], client: Any, respond: Any) -> None:
        user_id = body["user"]["id"]
        team_id = _team_of(body)
        view = body.get("view") or {}
        if view.get("type") == "home":
            reply = answers.ask(
                client=client, team_id=team_id, user_id=user_id, action=click_action(body, action)
            )
            # A form (the *Check in* button) opens as a modal; anything else refreshes the tab.
            if not open_form_modal(
                client,
                trigger_id=str(body.get("trigger_id") or ""),
                message=reply.message,
                locale=reply.locale,
                origin=HOME_ORIGIN,
            ):
                publish_home(answers, client=client, team_id=team_id, user_id=user_id)
            return
        reply = answers.ask(
            client=client, team_id=team_id, user_id=user_id, action=click_action(body, action)
        )
        container = body.get("container") or {}
        if container.get("type") == "message" and open_form_modal(
            client,
            trigger_id=str(body.get("trigger_id") or ""),
            message=reply.message,
            locale=reply.locale,
            origin=_origin(container),
        ):
            return
        _update_in_place(body, client, respond, reply)

    def on_submit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: Any) -> None:
        user_id = body["user"]["id"]

        def work() -> Reply:
            return answers.ask(
                client=client, team_id=_team_of(body), user_id=user_id, action=submit_action(view)
            )

        _, origin = unpack_metadata(view.get("private_metadata") or "")

        def update_origin(reply: Reply) -> bool:
            if origin is None or reply.message.is_error or form_of(reply.message) is not None:
                return False
            if origin == HOME_ORIGIN:
                publish_home(answers, client=client, team_id=_team_of(body), user_id=user_id)
                return False
            if not _may_edit(client, user_id, origin):
                return False
            rendered = render_message(reply.message, locale=reply.locale)
            client.chat_update(channel=origin["channel"], ts=origin["ts"], **rendered)
            return True

        def shown(reply: Reply) -> None:
            # The next page of a paged form stays in the modal, the prompt keeps waiting.
            following = form_modal(reply.message, locale=reply.locale, origin=origin)
            if following is not None:
                ack(response_action="update", view=following)
                return
            result = modal_view(reply.message, callback_id=RESULT_CALLBACK_ID, locale=reply.locale)
            ack(response_action="push" if reply.message.is_error else "update", view=result)
            update_origin(reply)

        def later(reply: Reply) -> None:
            if update_origin(reply):
                return
            channel = client.conversations_open(users=user_id)["channel"]["id"]
            client.chat_postMessage(
                channel=channel, **render_message(reply.message, locale=reply.locale)
            )

        answers.within_budget(work, fast=shown, slow=ack, later=later)

    app.action(re.compile(".+"))(ack=ack_now, lazy=[on_click])
    app.view_submission(re.compile(".+"))(on_submit)
    app.view_closed(re.compile(".+"))(ack_now)
