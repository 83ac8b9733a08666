"""Slash commands (/okr, /kpi, /hr): answered ephemerally in the ack when the core is quick,
else acked with "working on it" and answered through the command's response_url."""

from __future__ import annotations

from typing import Any

from bot.slack.answers import Answers, Reply
from digests.blockkit import render_message
from digests.i18n import translate

COMMANDS = ("/okr", "/kpi", "/hr")


def ephemeral(reply: Reply) -> dict[str, Any]:
    """A reply only the person who typed the command sees."""
    return {"response_type": "ephemeral", **render_message(reply.message, locale=reply.locale)}


def register_commands(app: Any, answers: Answers) -> None:
    """Route every okrbot slash command to the core."""

    def on_command(ack: Any, body: dict[str, Any], client: Any, respond: Any) -> None:
        text = f"{body.get('command', '')} {body.get('text', '')}".strip()

        def work() -> Reply:
            return answers.ask(
                client=client, team_id=body["team_id"], user_id=body["user_id"], text=text
            )

        answers.within_budget(
            work,
            fast=lambda reply: ack(**ephemeral(reply)),
            slow=lambda: ack(
                response_type="ephemeral", text=translate(answers.default_locale, "slack.working")
            ),
            later=lambda reply: respond(replace_original=False, **ephemeral(reply)),
        )

    for command in COMMANDS:
        app.command(command)(on_command)
