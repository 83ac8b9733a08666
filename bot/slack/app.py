"""The bolt App: one per process, with okrbot's listeners and middleware."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.core import Core
from bot.dedupe import claim_event
from bot.runtime import Runtime
from bot.slack.answers import DEFAULT_BUDGET, Answers
from bot.slack.commands import register_commands
from bot.slack.credentials import SlackCredentials
from bot.slack.events import register_events
from bot.slack.interactive import register_interactive
from bot.slack.oauth import oauth_settings
from storage.models import Platform

log = logging.getLogger("okrbot.slack")


class DropRetries(Middleware):
    """Slack redelivers an event it thinks failed; handle each event id once, across replicas."""

    def __init__(self, runtime: Runtime) -> None:
        self.engine = runtime.engine

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Any) -> BoltResponse:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not claim_event(self.engine, platform=Platform.SLACK, event_id=event_id):
            log.info("slack: dropped a redelivered event", extra={"event_id": event_id})
            return BoltResponse(status=200, body="")
        result: BoltResponse = next()
        return result


def build_app(
    runtime: Runtime,
    core: Core,
    credentials: SlackCredentials,
    *,
    budget: float = DEFAULT_BUDGET,
) -> tuple[App, Answers]:
    """The bolt App (Web API calls go to `slack.api_base_url`) and the core bridge it uses.

    With a bot token, App calls auth.test at once; with OAuth, tokens come from the
    installation store per team.
    """
    config = runtime.config
    client = WebClient(
        base_url=config.slack.api_base_url,
        token=None if credentials.oauth else credentials.bot_token,
    )
    answers = Answers(engine=runtime.engine, config=config, core=core, budget=budget)
    app = App(
        client=client,
        # Socket Mode alone needs no signing secret; HTTP then stays closed (see http.py).
        signing_secret=credentials.signing_secret or secrets.token_hex(32),
        process_before_response=True,
        listener_executor=answers.pool,
        oauth_settings=oauth_settings(runtime, credentials) if credentials.oauth else None,
        logger=log,
    )
    app.use(DropRetries(runtime))
    register_commands(app, answers)
    register_interactive(app, answers)
    register_events(app, answers)
    return app, answers
