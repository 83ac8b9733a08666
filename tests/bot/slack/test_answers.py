"""A Slack request that fails before the core is reached still gets a polite reply, in the
company's language, and never the exception's text."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.config import parse_config
from bot.core import Core
from bot.identity import Speaker, Stranger
from bot.slack.answers import Answers
from bot.text import render_text


class FailingAnswers(Answers):
    """Identification breaks (say the database is away)."""

    def who(self, *, client: Any, team_id: str, user_id: str) -> Speaker | Stranger:
        raise RuntimeError("boom: secret detail")


def test_a_failure_before_the_core_is_a_polite_reply_in_the_company_language(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    config = parse_config("company:\n  name: Acme\n  workspace: acme\n  language: zh-CN\n")
    answers = FailingAnswers(engine=engine, config=config, core=Core(engine))
    try:
        reply = answers.ask(client=None, team_id="T1", user_id="U1", text="/okr")
    finally:
        answers.close()
    text = render_text(reply.message)
    assert reply.locale == "zh-CN"
    assert reply.message.is_error
    assert "抱歉，我这边出错了" in text
    assert "boom" not in text
    assert "slack request failed" in caplog.text
