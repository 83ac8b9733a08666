"""Slash commands through the real bolt App over HTTP, signed; replies checked by slack_sdk."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

from slack_sdk.models.blocks import Block
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.core import Core, Inbound
from digests.message import Message
from storage.models import CheckIn, KeyResult
from tests.bot.slack.conftest import Company, Served, serve_slack
from tests.bot.slack.stub_slack import StubSlack


def check_ins(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(CheckIn)).one()


def valid_blocks(blocks: list[dict[str, object]]) -> str:
    """Blocks Slack's models accept; their text, for assertions."""
    parsed = [block.to_dict() for block in Block.parse_all(blocks)]
    assert parsed == blocks
    return json.dumps(blocks, ensure_ascii=False)


def reply_to(served: Served, user: str, command: str, text: str, **extra: str) -> str:
    """Send a command; it is acked at once, then answered through response_url."""
    before = len(served.stub.of("response"))
    started = time.monotonic()
    status, body = served.command(user, command, text, **extra)
    assert time.monotonic() - started < 3
    assert (status, body) == (200, "")
    posted = served.stub.wait_for("response", before + 1)[-1]
    assert posted.path == "/response/cmd"
    assert posted.params["response_type"] == "ephemeral"
    assert posted.params["replace_original"] is False
    return valid_blocks(posted.params["blocks"])


def test_update_is_acked_in_time_and_answered_ephemerally(served: Served, engine: Engine) -> None:
    text = reply_to(served, "U_ANA", "/okr", "update KR-1 3")
    assert "KR-1" in text
    assert "*3*" in text
    assert check_ins(engine) == 1
    with Session(engine) as session:
        assert session.exec(select(KeyResult)).one().current_value == 3
    assert len(served.stub.of("users.info")) == 1
    reply_to(served, "U_ANA", "/okr", "update KR-1 4")
    assert len(served.stub.of("users.info")) == 1, "the identity is remembered"
    assert check_ins(engine) == 2


def test_a_chinese_command_gets_a_chinese_reply(served: Served, engine: Engine) -> None:
    assert "KR-1 属于 Ana Lima" in reply_to(served, "U_WEI", "/okr", "更新 KR-1 3")
    assert check_ins(engine) == 0


def test_an_unknown_user_is_asked_to_see_their_admin(served: Served, engine: Engine) -> None:
    assert "Ask your admin" in reply_to(served, "U_NEW", "/okr", "")
    assert "Ask your admin" in reply_to(served, "U_NOBODY", "/kpi", "list")


def test_a_bad_signature_is_refused_and_nothing_stored(served: Served, engine: Engine) -> None:
    body = "command=%2Fokr&text=update+KR-1+3&team_id=T1&user_id=U_ANA"
    status, _ = served.post(body, secret="not-the-secret")
    assert status == 401
    assert check_ins(engine) == 0
    assert served.stub.of("users.info") == []


def test_a_request_older_than_five_minutes_is_refused(served: Served, engine: Engine) -> None:
    body = "command=%2Fokr&text=update+KR-1+3&team_id=T1&user_id=U_ANA"
    status, _ = served.post(body, timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    assert check_ins(engine) == 0


def held_until(
    release: threading.Event,
) -> Callable[[Inbound, Callable[[Inbound], Message]], Message]:
    """Middleware whose work waits until the test releases it (slower than any 3 s budget)."""

    def middleware(inbound: Inbound, next_handler: Callable[[Inbound], Message]) -> Message:
        assert release.wait(timeout=30), "the test never released the work"
        return next_handler(inbound)

    return middleware


def test_slow_work_is_acked_at_once_and_answered_later(
    engine: Engine, stub: StubSlack, company: Company
) -> None:
    release = threading.Event()
    core = Core(engine, middlewares=[held_until(release)])
    with serve_slack(engine, stub, core=core) as served:
        try:
            status, body = served.command("U_ANA", "/okr", "update KR-1 3")
            assert (status, body) == (200, "")  # acked while the work still waits
            assert check_ins(engine) == 0
        finally:
            release.set()
        (posted,) = stub.wait_for("response", timeout=10)
    assert "KR-1" in valid_blocks(posted.params["blocks"])
    assert check_ins(engine) == 1


def test_a_mention_in_an_escaped_command_resolves_by_user_id(served: Served) -> None:
    """should_escape: Slack sends `@ana` as `<@U_ANA|ana>`; Ana was never seen by okrbot."""
    text = reply_to(served, "U_WEI", "/okr", "list <@U_ANA|ana>")
    assert "Win the EV segment" in text
    assert [c.params["user"] for c in served.stub.of("users.info")] == ["U_WEI", "U_ANA"]


def test_a_mention_of_someone_unknown_is_answered_with_the_name_slack_showed(
    served: Served,
) -> None:
    text = reply_to(served, "U_ANA", "/okr", "list <@U_GHOST|li.na>")
    assert "li.na" in text
    assert "&lt;" not in text
    assert "U_GHOST" not in text


def test_a_note_is_stored_as_typed(served: Served, engine: Engine) -> None:
    reply_to(served, "U_ANA", "/okr", "update KR-1 3 on-track R&amp;D &lt;late&gt; <#C9|sales>")
    with Session(engine) as session:
        (check_in,) = session.exec(select(CheckIn)).all()
    assert check_in.note == "R&D <late> #sales"
