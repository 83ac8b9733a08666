"""The platform-neutral core: a neutral request in, a neutral Message out.

Adapters (console, Slack, Feishu) build an `Inbound` and render the returned Message. Cross-
cutting concerns are middleware `(inbound, next) -> Message`, in the order given; the error
boundary always comes first, so no traceback ever reaches a chat.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine

from bot import metrics
from bot.logging_setup import current_request, request_scope
from bot.wiring import Wiring, default_wiring
from commands.actions import Action
from commands.context import Context
from commands.grammar import command_instead, is_explicit_command, parse
from commands.settings import Settings
from commands.types import CommandError
from digests.i18n import reader_locale, translate
from digests.message import Message
from digests.render import render
from digests.safe_text import received
from flows import engine as flow_engine
from storage.db import session_scope
from storage.models import Person, Platform, Workspace
from storage.repos import flows as flow_runs
from storage.types import utcnow

log = logging.getLogger("okrbot.core")


@dataclass(frozen=True)
class Inbound:
    """One thing a person said or clicked, already tied to a workspace and a person.

    `text` is a command line; `action` a button click or form submission (then text is "").
    """

    platform: Platform
    workspace_id: int
    person_id: int
    text: str = ""
    event_id: str | None = None
    action: Action | None = None


Handler = Callable[[Inbound], Message]
Middleware = Callable[[Inbound, Handler], Message]


def error_message(error: CommandError, locale: str) -> Message:
    """A friendly reply for bad input: what was wrong, and the usage when there is one."""
    return render(
        "error",
        locale=locale,
        message=translate(locale, error.key, **error.params),
        usage=error.usage,
    )


def internal_error_message(locale: str, reference: str, *, flow: str | None = None) -> Message:
    """The polite reply to an unexpected failure, with the log reference to quote; during a
    flow, that its answers so far are kept and the last one can be sent again."""
    return render(
        "error",
        locale=locale,
        message=translate(locale, "error.internal", reference=reference),
        usage=None,
        flow=flow,
    )


class Core:
    """Parses, authorises and runs commands, one database transaction per request.

    `wiring` says which handler answers what (bot/wiring.py; the application's by default),
    `settings` what handlers read from app.yaml (the defaults without a config).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        middlewares: Sequence[Middleware] = (),
        wiring: Wiring | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.engine = engine
        self.middlewares = list(middlewares)
        self.wiring = wiring or default_wiring()
        self.settings = settings or Settings()

    def handle(self, inbound: Inbound) -> Message:
        """Answer one request. Never raises: failures become a polite message."""
        handler: Handler = self._dispatch
        for middleware in reversed([self._error_boundary, *self.middlewares]):
            handler = _bind(middleware, handler)
        platform = inbound.platform.value
        with request_scope(platform=platform, workspace=inbound.workspace_id) as request:
            started = time.perf_counter()
            reply = handler(inbound)
            elapsed = time.perf_counter() - started
            # Never the text: it is personal data (debug logs only say how long it was).
            log.info(
                "request handled",
                extra={
                    "kind": "action" if inbound.action is not None else "command",
                    "outcome": request.outcome,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            log.debug("request text", extra={"text_length": len(inbound.text)})
            observed = metrics.recorder(self.engine)
            if observed is not None:
                observed.requests.labels(platform, request.outcome).inc()
                observed.handler_seconds.labels(platform).observe(elapsed)
        return reply

    def _error_boundary(self, inbound: Inbound, next_handler: Handler) -> Message:
        try:
            return next_handler(inbound)
        except Exception:
            _set_outcome("error")
            reference = uuid.uuid4().hex[:8]
            log.exception(
                "request failed",
                extra={"reference": reference, "platform": inbound.platform.value},
            )
            locale, flow = self._locale_and_flow(inbound)
            return internal_error_message(locale, reference, flow=flow)

    def _dispatch(self, inbound: Inbound) -> Message:
        inbound = received_inbound(inbound)
        locale = "en"
        try:
            with session_scope(self.engine) as session:
                workspace = session.get(Workspace, inbound.workspace_id)
                person = session.get(Person, inbound.person_id)
                if workspace is None or person is None or person.workspace_id != workspace.id:
                    raise CommandError("error.not_registered")
                locale = reader_locale(person, workspace)
                context = Context(
                    session=session,
                    workspace=workspace,
                    person=person,
                    locale=locale,
                    platform=inbound.platform,
                    now=utcnow(),
                    settings=self.settings,
                )
                if inbound.action is not None:
                    return self.wiring.run_action(inbound.action, context)
                if not is_explicit_command(inbound.text):
                    # A waiting flow takes free text first ("Update the ERP docs" is a title
                    # there, not an update command); a line starting with `/` or `okr` never.
                    try:
                        answered = flow_engine.answer(context, inbound.text, self.wiring.flow)
                    except flow_engine.UnknownFlow as unknown:
                        return self._unknown_flow(str(unknown), locale)
                    except CommandError:
                        # The flow refused it; a Feishu `更新 1 4` typed while a flow waits
                        # is a command, run as one, and the flow's question is asked again.
                        instead = command_instead(inbound.text)
                        if instead is None:
                            raise
                        waiting_run = flow_engine.current(context)
                        try:
                            reply = self.wiring.run_command(instead, context)
                        except CommandError as refused:
                            session.rollback()  # nothing of the refused command is kept
                            _set_outcome("refused")
                            reply = error_message(refused, locale)
                        waiting = flow_engine.still_waiting(context, self.wiring.flow, waiting_run)
                        return flow_engine.combine(reply, waiting)
                    if answered is not None:
                        return answered
                return self.wiring.run_command(parse(inbound.text), context)
        except CommandError as error:
            # session_scope has rolled back: bad input never leaves a half-written record.
            _set_outcome("refused")
            return error_message(error, locale)

    def _unknown_flow(self, flow: str, locale: str) -> Message:
        """A run names a flow nobody wires (the run is finished): reported, never swallowed —
        logged as an error, and the person told politely, with the reference to quote."""
        _set_outcome("error")
        reference = uuid.uuid4().hex[:8]
        log.error("unknown flow", extra={"flow": flow, "reference": reference})
        return internal_error_message(locale, reference)

    def _locale_and_flow(self, inbound: Inbound) -> tuple[str, str | None]:
        """The person's language, else the workspace's (as `_dispatch` answers in), and the
        flow they are in, if any (its answers so far survive a failed step: the step's
        transaction was rolled back, the run is as it was before)."""
        try:
            with session_scope(self.engine) as session:
                person = session.get(Person, inbound.person_id)
                workspace = session.get(Workspace, inbound.workspace_id)
                locale = reader_locale(person, workspace)
                run = flow_runs.active(
                    session=session,
                    workspace_id=inbound.workspace_id,
                    person_id=inbound.person_id,
                )
                live = run is not None and run.expires_at > utcnow()
                return locale, run.flow if live and run is not None else None
        except Exception:
            return "en", None


def received_inbound(inbound: Inbound) -> Inbound:
    """The request as it may be stored: text, button value and form answers without what no
    database or platform can hold (a client's lone surrogate, NUL, control characters)."""
    action = inbound.action
    if action is not None:
        action = Action(
            action.action_id,
            received(action.value),
            {name: received(answer) for name, answer in action.form.items()},
        )
    return replace(inbound, text=received(inbound.text), action=action)


def _set_outcome(outcome: str) -> None:
    request = current_request()
    if request is not None:
        request.outcome = outcome


def _bind(middleware: Middleware, next_handler: Handler) -> Handler:
    return lambda inbound: middleware(inbound, next_handler)
