"""The check-in prompt's "Start check-in" button through the real bolt App: the click starts the
guided check-in (the prompt is updated in place with the first question, with Same and Skip
buttons); the one-line answer comes as a direct message; the summary is posted in the DM
(SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from digests.render import render
from storage.models import CheckIn, KeyResult
from storage.models.enums import Confidence
from tests.bot.slack.conftest import Served
from tests.bot.slack.test_approval_flow import click
from tests.bot.slack.test_commands import valid_blocks
from tests.bot.slack.test_events import dm


def test_start_check_in_button_then_answers_in_the_dm(served: Served, engine: Engine) -> None:
    prompt = render(
        "checkin_prompt",
        locale="en",
        name="Ana",
        krs=[{"ref": "KR-1", "title": "Sign", "percent": 0.0, "confidence": "on_track"}],
    )
    blocks = render_message(prompt)["blocks"]
    valid_blocks(blocks)
    start = next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "checkin.start"
    )
    assert start["value"] == "KR-1"
    served.interactive(click("U_ANA", start["action_id"], start["value"], {}))
    (updated,) = served.stub.wait_for("chat.update")
    first = valid_blocks(updated.params["blocks"])
    assert "1/1 · KR-1 Sign new EV accounts" in first
    buttons = [e for b in updated.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in buttons] == ["Same as before", "Skip"]
    assert served.event(dm("U_ANA", "3 at risk waiting for legal"), event_id="EvCheckin1") == 200
    (posted,) = served.stub.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D_ANA"
    summary = valid_blocks(posted.params["blocks"])
    assert "Check-in recorded" in summary
    assert "waiting for legal" in summary
    with Session(engine) as session:
        (checkin,) = session.exec(select(CheckIn)).all()
        assert (checkin.value, checkin.confidence) == (3, Confidence.AT_RISK)
        assert session.exec(select(KeyResult)).one().current_value == 3
