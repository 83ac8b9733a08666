"""The App Home tab: the person's OKRs with progress bars, their KPIs and, for managers, the
team's status (views.publish)."""

from __future__ import annotations

from typing import Any

from bot.identity import Speaker, Stranger
from bot.slack.answers import Answers, stranger_reply
from bot.slack.blockkit import render_home
from digests.i18n import translate
from digests.message import Actions, Button, Context, Divider, Header, Message
from storage.db import session_scope
from storage.repos import schedule

OPEN_ACTION = "checkin.form"  # commands/handlers/checkin_form.py


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
        *_check_in(answers, speaker, locale),
        *okrs.blocks,
        Divider(),
        Header(text=translate(locale, "slack.home.kpis")),
        *kpis.blocks,
        Divider(),
        *([] if team.is_error else [*team.blocks, Divider()]),
        Context(text=translate(locale, "slack.home.hint")),
    ]
    return Message(blocks=blocks, summary=okrs.summary), locale


def _check_in(answers: Answers, speaker: Speaker, locale: str) -> list[Actions]:
    """One *Check in* button (the one-form check-in) when the person has due KRs."""
    with session_scope(answers.engine) as session:
        due = schedule.due_key_results(
            session=session, workspace_id=speaker.workspace_id, owner_ids=[speaker.person_id]
        ).get(speaker.person_id, [])
    if not due:
        return []
    label = translate(locale, "checkin_form.button")
    button = Button(action_id=OPEN_ACTION, label=label, value="all", style="primary")
    return [Actions(buttons=[button])]


def publish_home(answers: Answers, *, client: Any, team_id: str, user_id: str) -> None:
    """Render and publish the person's Home tab."""
    message, locale = home_message(answers, client=client, team_id=team_id, user_id=user_id)
    client.views_publish(user_id=user_id, view=render_home(message, locale=locale))
