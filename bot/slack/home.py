"""The App Home tab: the person's OKRs with progress bars, their KPIs and, for managers, the
team's status (views.publish)."""

from __future__ import annotations

from typing import Any

from bot.identity import Stranger
from bot.slack.answers import Answers, stranger_reply
from bot.slack.blockkit import render_home
from digests.i18n import translate
from digests.message import Context, Divider, Header, Message


def home_message(
    answers: Answers, *, client: Any, team_id: str, user_id: str
) -> tuple[Message, str]:
    """What the Home tab shows this person, and its locale."""
    speaker = answers.who(client=client, team_id=team_id, user_id=user_id)
    if isinstance(speaker, Stranger):
        reply = stranger_reply(speaker)
        return reply.message, reply.locale
    okrs = answers.handle(speaker, text="/okr list").message
    kpis = answers.handle(speaker, text="/kpi list").message
    # Someone with no direct reports gets an error here: they are no manager, so no team.
    team = answers.handle(speaker, text="/okr team").message
    locale = speaker.locale
    blocks = [
        *okrs.blocks,
        Divider(),
        Header(text=translate(locale, "slack.home.kpis")),
        *kpis.blocks,
        Divider(),
        *([] if team.is_error else [*team.blocks, Divider()]),
        Context(text=translate(locale, "slack.home.hint")),
    ]
    return Message(blocks=blocks, summary=okrs.summary), locale


def publish_home(answers: Answers, *, client: Any, team_id: str, user_id: str) -> None:
    """Render and publish the person's Home tab."""
    message, locale = home_message(answers, client=client, team_id=team_id, user_id=user_id)
    client.views_publish(user_id=user_id, view=render_home(message, locale=locale))
