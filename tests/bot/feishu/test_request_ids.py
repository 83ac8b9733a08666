"""A Feishu message's log lines carry the id of the webhook request it came in."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from bot.logging_setup import FORMAT_ENV, LEVEL_ENV, configure_logging
from tests.bot.feishu import events
from tests.bot.feishu.conftest import Feishu


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    monkeypatch.delenv(LEVEL_ENV, raising=False)
    monkeypatch.delenv(FORMAT_ENV, raising=False)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    buffer = io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_message_logs_under_its_http_request_id(logs: io.StringIO, feishu: Feishu) -> None:
    body, headers = events.signed(events.message("/okr update KR-1 3 Huaxin", open_id="ou_ana"))
    response = httpx.post(
        feishu.events_url, content=body, headers={**headers, "X-Request-Id": "lb-feishu-1"}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "lb-feishu-1"
    feishu.stub.sends(1)
    records = [json.loads(line) for line in logs.getvalue().splitlines()]
    handled = [r for r in records if r["message"] == "request handled"]
    assert len(handled) == 1
    assert (handled[0]["request_id"], handled[0]["platform"]) == ("lb-feishu-1", "feishu")
    assert "Huaxin" not in logs.getvalue()
    assert "secret" not in logs.getvalue()  # FEISHU_APP_SECRET's value in the tests
