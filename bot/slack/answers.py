"""Runs the core for Slack requests: who is speaking, the core's reply, and the ack budget.

Slack wants an answer within 3 seconds. Work runs in a pool; a listener waits up to `budget`
seconds and answers in its ack when the reply is ready, else acks at once and answers later.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from bot.config import AppConfig
from bot.core import Core, Inbound, internal_error_message
from bot.identity import Speaker, Stranger
from bot.slack.deferred import DeferringExecutor
from bot.slack.tenancy import identify, link_mentioned
from bot.slack.text import from_slack, mentioned
from commands.actions import Action
from digests.i18n import normalise_locale, translate
from digests.message import Message, Section
from storage.models import Platform

log = logging.getLogger("okrbot.slack")
T = TypeVar("T")
DEFAULT_BUDGET = 2.0


@dataclass(frozen=True)
class Reply:
    """A neutral reply and the locale it is rendered in."""

    message: Message
    locale: str


class Answers:
    """The adapter's one way into the core."""

    def __init__(
        self, *, engine: Engine, config: AppConfig, core: Core, budget: float = DEFAULT_BUDGET
    ) -> None:
        self.engine, self.config, self.core, self.budget = engine, config, core, budget
        # Also bolt's listener executor: work submitted while an HTTP request is dispatched
        # starts after its response is sent (see bot/slack/deferred.py).
        self.pool = DeferringExecutor()

    @property
    def default_locale(self) -> str:
        """The company's language: for answers given before the person is known."""
        return normalise_locale(self.config.company.language)

    def who(self, *, client: Any, team_id: str, user_id: str) -> Speaker | Stranger:
        """Identify a Slack user (users.info only the first time)."""
        return identify(
            engine=self.engine, config=self.config, client=client, team_id=team_id, user_id=user_id
        )

    def handle(
        self,
        speaker: Speaker,
        *,
        text: str = "",
        action: Action | None = None,
        event_id: str | None = None,
    ) -> Reply:
        """The core's reply to a known person."""
        inbound = Inbound(
            platform=Platform.SLACK,
            workspace_id=speaker.workspace_id,
            person_id=speaker.person_id,
            text=text,
            event_id=event_id,
            action=action,
        )
        return Reply(self.core.handle(inbound), speaker.locale)

    def ask(
        self,
        *,
        client: Any,
        team_id: str,
        user_id: str,
        text: str = "",
        action: Action | None = None,
        event_id: str | None = None,
        markup: bool = False,
        bot_user_id: str | None = None,
    ) -> Reply:
        """Identify, then run the core; never raises (failures become a polite reply).

        `markup`: `text` is as Slack sent it (escaped, mentions as `<@U…|name>`); it is made
        plain here, once the workspace is known, so a mentioned person never seen before is
        looked up by id (users.info) and remembered.
        """
        try:
            speaker = self.who(client=client, team_id=team_id, user_id=user_id)
            if isinstance(speaker, Stranger):
                return stranger_reply(speaker)
            if markup:
                known = link_mentioned(
                    engine=self.engine,
                    client=client,
                    workspace_id=speaker.workspace_id,
                    user_ids=[u for u in mentioned(text) if u != bot_user_id],
                )
                text = from_slack(text, bot_user_id=bot_user_id, known=known)
            return self.handle(speaker, text=text, action=action, event_id=event_id)
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("slack request failed", extra={"reference": reference})
            locale = self.default_locale
            return Reply(internal_error_message(locale, reference), locale)

    def within_budget(
        self,
        work: Callable[[], T],
        *,
        fast: Callable[[T], None],
        slow: Callable[[], None],
        later: Callable[[T], None],
    ) -> None:
        """Run `work`; `fast(result)` when it finishes within the budget, else `slow()` at
        once and `later(result)` when it finishes."""
        future: Future[T] = self.pool.submit_now(work)
        try:
            result = future.result(timeout=self.budget)
        except FutureTimeout:
            slow()
            future.add_done_callback(lambda done: _deliver(done, later))
            return
        fast(result)

    def close(self) -> None:
        """Stop taking work; running work finishes."""
        self.pool.shutdown(wait=False)


def stranger_reply(stranger: Stranger) -> Reply:
    """A polite 'ask your admin' for someone okrbot does not know."""
    text = translate(stranger.locale, stranger.reason)
    return Reply(Message(blocks=[Section(text=text)], summary=text, is_error=True), stranger.locale)


def _deliver(done: Future[T], later: Callable[[T], None]) -> None:
    try:
        later(done.result())
    except Exception:
        log.exception("slack: a late answer could not be delivered")
