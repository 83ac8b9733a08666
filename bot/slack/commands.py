"""Slash commands (/okr, /kpi, /hr): acked at once (Slack's 3-second window holds whatever
the core is doing), answered ephemerally through the command's response_url."""

from __future__ import annotations

import logging
from typing import Any

from bot.slack.answers import Answers, Reply
from bot.slack.blockkit import render_message
from bot.slack.images import upload_to_dm
from bot.slack.modals import open_form_modal

COMMANDS = ("/okr", "/kpi", "/hr")
log = logging.getLogger("okrbot.slack")


def ephemeral(reply: Reply) -> dict[str, Any]:
    """A reply only the person who typed the command sees."""
    return {"response_type": "ephemeral", **render_message(reply.message, locale=reply.locale)}


def register_commands(app: Any, answers: Answers) -> None:
    """Route every okrbot slash command to the core."""

    def on_command(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        ack()
        # The manifest sets should_escape: the text comes as Slack markup, like event text.
        text = f"{body.get('command', '')} {body.get('text', '')}".strip()

        def answer() -> None:
            reply = answers.ask(
                client=client,
                team_id=body["team_id"],
                user_id=body["user_id"],
                text=text,
                markup=True,
            )
            # A form (`/okr new`) opens as a modal while the command's trigger_id is fresh.
            trigger_id = str(body.get("trigger_id") or "")
            if open_form_modal(
                client, trigger_id=trigger_id, message=reply.message, locale=reply.locale
            ):
                return
            try:
                respond(replace_original=False, **ephemeral(reply))
            except Exception:
                log.exception("slack: could not answer through response_url")
            # Charts follow as PNG files in the person's DM: the reply itself is private.
            upload_to_dm(client, user_id=body["user_id"], message=reply.message)

        # Not a bolt lazy listener: that deep-copies the request inside the ack path.
        answers.pool.submit(answer)

    for command in COMMANDS:
        app.command(command)(on_command)
