"""Structured logs: JSON or text, request id / workspace / platform, secrets and bodies kept out."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig, ConfigError, parse_config
from bot.core import Core, Inbound
from bot.http_app import build_app
from bot.logging_setup import (
    FORMAT_ENV,
    LEVEL_ENV,
    REDACTED,
    configure_logging,
    current_request,
    request_scope,
    resolve_format,
)
from bot.runtime import Runtime
from storage.models import Platform
from tests import factories
from tests.bot.slack.conftest import SECRET, TEAM, Served, runtime_for, slack_user
from tests.bot.slack.stub_slack import stub_slack
from tests.support.http_server import serve_asgi

SLACK_TOKEN = "xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
APP_SECRET = "feishu-app-secret-0123456789"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """okrbot's handler writing JSON into a buffer; the root logger restored afterwards."""
    monkeypatch.delenv(LEVEL_ENV, raising=False)
    monkeypatch.delenv(FORMAT_ENV, raising=False)
    monkeypatch.setenv("FEISHU_APP_SECRET", APP_SECRET)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    buffer = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_a_token_logged_by_mistake_is_redacted(logs: io.StringIO) -> None:
    log = logging.getLogger("okrbot.test")
    log.info("calling chat.postMessage with %s", SLACK_TOKEN)
    log.warning("auth failed", extra={"header": f"Bearer {SLACK_TOKEN}", "secret": APP_SECRET})
    log.info("connecting to postgresql+psycopg://okrbot:hunter2hunter2@db:5432/okrbot")
    log.info("socket mode with xapp-1-A0123-4567-abcdef and okrk_AbCdEf012345 app_secret=s3cr3t!")
    try:
        raise RuntimeError(f"slack said invalid_auth for {SLACK_TOKEN}")
    except RuntimeError:
        log.exception("send failed")
    text = logs.getvalue()
    for secret in (SLACK_TOKEN, APP_SECRET, "hunter2", "xapp-1", "okrk_AbCdEf", "s3cr3t"):
        assert secret not in text
    records = lines(logs)
    assert records[0]["message"] == f"calling chat.postMessage with {REDACTED}"
    assert records[1]["header"] == f"Bearer {REDACTED}"
    assert records[2]["message"].endswith(f"okrbot:{REDACTED}@db:5432/okrbot")
    assert "RuntimeError" in records[-1]["exc"]


def test_an_inbound_command_text_is_not_in_info_logs(
    logs: io.StringIO, engine: Engine, session: Session
) -> None:
    ws = factories.workspace(session, platform=Platform.FEISHU, external_id="tenant-1")
    ana = factories.person(session, ws, "ana@acme.com", "Ana")
    kr = factories.key_result(
        session, factories.objective(session, ws, factories.cycle(session, ws), ana), ana
    )
    session.commit()
    assert ws.id is not None
    assert ana.id is not None
    note = "confidential supplier Huaxin"
    Core(engine).handle(
        Inbound(
            platform=Platform.FEISHU,
            workspace_id=ws.id,
            person_id=ana.id,
            text=f"/okr update KR-{kr.number} 40 at-risk {note}",
        )
    )
    assert "Huaxin" not in logs.getvalue()
    assert "/okr update" not in logs.getvalue()
    handled = [r for r in lines(logs) if r["message"] == "request handled"]
    assert len(handled) == 1
    assert handled[0]["platform"] == "feishu"
    assert handled[0]["workspace"] == ws.id
    assert handled[0]["outcome"] == "ok"
    assert len(handled[0]["request_id"]) == 16


def test_each_http_request_gets_an_id_that_tags_its_logs(logs: io.StringIO, engine: Engine) -> None:
    app = build_app(Runtime(config=AppConfig(), engine=engine), Core(engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base) as client:
        given = client.get("/readyz", headers={"X-Request-Id": "lb-abc123"})
        fresh = client.post("/api/v1/kpi/readings", headers={"Authorization": "Bearer nope"})
    assert given.headers["x-request-id"] == "lb-abc123"
    assert len(fresh.headers["x-request-id"]) == 16
    assert "nope" not in logs.getvalue()


def test_a_slack_command_logs_under_its_http_request_id(
    logs: io.StringIO, engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = factories.workspace(session, platform=Platform.SLACK, external_id=TEAM)
    factories.person(session, ws, "ana@acme.com", "Ana")
    session.commit()
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    with stub_slack() as stub:
        stub.users = {"U_ANA": slack_user("ana@acme.com")}
        app = build_app(runtime_for(engine, stub), Core(engine))
        with serve_asgi(app) as base:
            body = urllib.parse.urlencode(
                {
                    "command": "/okr",
                    "text": "list",
                    "team_id": TEAM,
                    "user_id": "U_ANA",
                    "channel_id": "C1",
                    "response_url": f"{stub.base_url}/response/cmd",
                    "trigger_id": "t",
                }
            )
            served = Served(base, stub, answers=None)
            assert served.post(body, headers={"X-Request-Id": "lb-slack-1"}) == (200, "")
            stub.wait_for("response", 1)
    handled = [r for r in lines(logs) if r["message"] == "request handled"]
    assert len(handled) == 1
    assert (handled[0]["request_id"], handled[0]["platform"]) == ("lb-slack-1", "slack")
    assert "xoxb-test" not in logs.getvalue()


def test_nested_scopes_share_the_request_id() -> None:
    assert current_request() is None
    with request_scope(request_id="outer-1") as outer:
        with request_scope(platform="slack", workspace=7) as inner:
            assert inner.request_id == "outer-1"
            assert (inner.platform, inner.workspace) == ("slack", 7)
        assert outer.platform is None
    assert current_request() is None


def test_text_format_in_a_terminal_and_json_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEVEL_ENV, raising=False)
    monkeypatch.delenv(FORMAT_ENV, raising=False)
    assert resolve_format("auto", Tty()) == "text"
    assert resolve_format("auto", io.StringIO()) == "json"
    assert resolve_format("json", Tty()) == "json"
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        terminal = Tty()
        configure_logging(level="INFO", fmt="auto", stream=terminal)
        with request_scope(platform="console", workspace=3, request_id="r1"):
            logging.getLogger("okrbot.test").info("hello", extra={"job": "hr_digest"})
        line = terminal.getvalue().strip()
        assert " INFO  okrbot.test hello [req=r1 ws=3 console] job=hr_digest" in line
        monkeypatch.setenv(LEVEL_ENV, "error")
        quiet = io.StringIO()
        configure_logging(level="INFO", fmt="json", stream=quiet)
        logging.getLogger("okrbot.test").warning("not shown")
        assert quiet.getvalue() == ""
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_logging_keys_in_app_yaml() -> None:
    config = parse_config("logging:\n  format: text\n  level: debug\n")
    assert (config.logging.format, config.logging.level) == ("text", "DEBUG")
    assert AppConfig().logging.format == "auto"
    with pytest.raises(ConfigError, match=r"logging\.format"):
        parse_config("logging:\n  format: xml\n")
