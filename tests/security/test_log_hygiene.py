"""Finding 12: even at DEBUG, with slack_sdk and bolt narrating every request and response,
the log holds no response_url, no OAuth code, no message text (a private KR title, a note), no
email from users.info; a rejected request leaves only its size and reason."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import Redactor, configure_logging
from tests.bot.slack.conftest import Company, Served
from tests.bot.slack.test_commands import reply_to

PRIVATE = ("ana@example.com", "Sign new EV accounts", "/response/cmd", "555-0199", "Win the EV")


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    written = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=written, secrets=[])
    try:
        yield written
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


def test_a_command_and_its_answer_leave_nothing_private_at_debug(
    debug_log: io.StringIO, served: Served, company: Company
) -> None:
    shown = reply_to(served, "U_ANA", "/okr", "update KR-1 3 call me at 555-0199")
    assert "Sign new EV accounts" in shown  # the answer did carry it
    logged = debug_log.getvalue()
    assert "Sending a request" in logged  # slack_sdk did narrate
    for secret in PRIVATE:
        assert secret not in logged, secret


def test_a_rejected_request_logs_its_size_and_reason_only(
    debug_log: io.StringIO, served: Served
) -> None:
    body = "command=%2Fokr&text=update+KR-1+3+555-0199&response_url=http%3A%2F%2Fx%2Fresponse%2Fcmd"
    status, _ = served.post(body, secret="not-the-secret")
    assert status == 401
    logged = debug_log.getvalue()
    assert "555-0199" not in logged
    assert "response" + "%2Fcmd" not in logged


def test_oauth_codes_and_profiles_in_sdk_lines_are_masked() -> None:
    redact = Redactor()
    line = (
        "Sending a request - url: https://slack.com/api/oauth.v2.access, query_params: {}, "
        "body_params: {'code': '1234567890.9876543210.abcdef', 'redirect_uri': None}"
    )
    assert "1234567890.9876543210" not in redact(line)
    profile = 'body: {"ok":true,"user":{"profile":{"email":"li.na@example.com","real_name":"Li"}}}'
    assert "li.na@example.com" not in redact(profile)
    assert "code=abc123" not in redact("GET /slack/oauth_redirect?code=abc123&state=s")
