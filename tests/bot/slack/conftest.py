"""Fixtures: a stub Slack Web API, a company on a Slack team, and the real bolt App served
by uvicorn, reached with signed requests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette

from bot.config import AppConfig, SlackConfig
from bot.core import Core
from bot.runtime import Runtime
from bot.slack.answers import Answers
from bot.slack.app import build_app
from bot.slack.credentials import SlackCredentials
from bot.slack.http import starlette_routes
from storage.models import Person, Platform
from tests import factories
from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.support.http_server import serve_asgi

SECRET = "test-signing-secret"
TEAM = "T1"


@dataclass
class Company:
    ana: Person
    wei: Person


@dataclass
class Served:
    url: str
    stub: StubSlack
    answers: Answers

    def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """POST /slack/events, signed like Slack does."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = str(SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body))
        request = urllib.request.Request(
            f"{self.url}/slack/events",
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signature,
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def command(self, user: str, command: str, text: str, **extra: str) -> tuple[int, str]:
        fields = {
            "command": command,
            "text": text,
            "team_id": TEAM,
            "user_id": user,
            "channel_id": "C1",
            "response_url": f"{self.stub.base_url}/response/cmd",
            "trigger_id": "trig-1",
        } | extra
        return self.post(urllib.parse.urlencode(fields))

    def interactive(
        self, payload: dict[str, Any], *, timestamp: int | None = None
    ) -> tuple[int, str]:
        return self.post(
            urllib.parse.urlencode({"payload": json.dumps(payload)}), timestamp=timestamp
        )

    def event(self, event: dict[str, Any], *, event_id: str, retry: int | None = None) -> int:
        body = json.dumps(
            {"type": "event_callback", "team_id": TEAM, "event_id": event_id, "event": event}
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = self.post(
            body, content_type="application/json", headers=headers if retry else None
        )
        return status


def slack_user(email: str, *, locale: str = "en-US") -> dict[str, Any]:
    return {
        "profile": {"email": email, "real_name": email},
        "tz": "Asia/Shanghai",
        "locale": locale,
    }


@pytest.fixture
def stub() -> Iterator[StubSlack]:
    with stub_slack() as running:
        running.users = {
            "U_ANA": slack_user("ana@example.com"),
            "U_WEI": slack_user("wei@example.com", locale="zh-CN"),
            "U_NEW": slack_user("stranger@example.com"),
        }
        yield running


@pytest.fixture
def company(session: Session) -> Company:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", locale="en")
    wei = factories.person(session, ws, "wei@example.com", "张伟", locale="zh-CN")
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(session, objective, ana, "Sign new EV accounts", start=0, target=5)
    session.commit()
    return Company(ana, wei)


def runtime_for(engine: Engine, stub: StubSlack, config: AppConfig | None = None) -> Runtime:
    slack = SlackConfig(enabled=True, api_base_url=stub.api_url)
    base = config or AppConfig()
    return Runtime(config=base.model_copy(update={"slack": slack}), engine=engine)


def serve_slack(
    engine: Engine,
    stub: StubSlack,
    *,
    core: Core | None = None,
    credentials: SlackCredentials | None = None,
    budget: float = 2.0,
    config: AppConfig | None = None,
) -> Any:
    """Serve the real bolt App; a context manager yielding Served."""
    from contextlib import contextmanager

    @contextmanager
    def serving() -> Iterator[Served]:
        runtime = runtime_for(engine, stub, config)
        app, answers = build_app(
            runtime,
            core or Core(engine),
            credentials or SlackCredentials(signing_secret=SECRET, bot_token="xoxb-test"),
            budget=budget,
        )
        routes = starlette_routes(app, engine=engine, signing_secret=SECRET)
        with serve_asgi(Starlette(routes=routes)) as url:
            yield Served(url, stub, answers)
        answers.close()

    return serving()


@pytest.fixture
def served(engine: Engine, stub: StubSlack, company: Company) -> Iterator[Served]:
    with serve_slack(engine, stub) as running:
        yield running
