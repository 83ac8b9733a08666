"""Scoring (复盘) end to end through the real bolt App: Ana scores by slash command and DMs,
Lara's "Add manager review" button (valid Block Kit) starts her review, Bob's click is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.slack.blockkit import render_message
from storage.models import (
    CheckIn,
    Confidence,
    CycleState,
    KeyResultScore,
    ObjectiveReview,
    Platform,
    Role,
)
from tests import factories
from tests.bot.slack.conftest import TEAM, Served, serve_slack, slack_user
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_approval_flow import click
from tests.bot.slack.test_commands import reply_to, valid_blocks
from tests.flows.conftest import inbox_messages


@pytest.fixture
def review_served(engine: Engine, stub: StubSlack, session: Session) -> Iterator[Served]:
    ws = factories.workspace(session, "acme", platform=Platform.SLACK, external_id=TEAM)
    lara = factories.person(session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER)
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id)
    factories.person(session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id)
    cycle = factories.cycle(session, ws, state=CycleState.REVIEW)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    kr = factories.key_result(session, objective, ana, "Sign EV accounts", start=0, target=5)
    session.add(
        CheckIn(
            workspace_id=ws.id or 0,
            key_result_id=kr.id or 0,
            person_id=ana.id or 0,
            value=3.6,
            previous_value=0,
            confidence=Confidence.ON_TRACK,
            created_at=datetime(2026, 11, 2, tzinfo=UTC),
        )
    )
    kr.current_value = 3.6
    session.add(kr)
    session.commit()
    stub.users |= {
        "U_LARA": slack_user("lara@example.com"),
        "U_BOB": slack_user("bob@example.com"),
    }
    with serve_slack(engine, stub) as running:
        yield running


def dm(user: str, text: str) -> dict[str, str]:
    return {"type": "message", "channel_type": "im", "channel": f"D_{user}", "user": user,
            "text": text, "ts": "1700000000.000100"}  # fmt: skip


def say(served: Served, user: str, text: str, event_id: str) -> str:
    """A DM to the bot; the text of its answer in the DM."""
    before = len(served.stub.of("chat.postMessage"))
    assert served.event(dm(user, text), event_id=event_id) == 200
    posted = served.stub.wait_for("chat.postMessage", before + 1)[-1]
    assert posted.params["channel"] == f"D_{user}"
    return valid_blocks(posted.params["blocks"])


def test_scoring_through_slack(engine: Engine, review_served: Served) -> None:
    served = review_served
    first = reply_to(served, "U_ANA", "/okr", "score O-1")
    assert "Score 1 of 1 — KR-1 Sign EV accounts" in first
    assert "Suggested from progress: 0.7" in first
    assert "What worked on O-1?" in say(served, "U_ANA", "ok", "Ev1")
    say(served, "U_ANA", "Early demos", "Ev2")
    say(served, "U_ANA", "skip", "Ev3")
    assert "Saved your scores and review of O-1" in say(served, "U_ANA", "Legal first", "Ev4")

    with Session(engine) as session:
        from storage.models import Person

        lara = session.exec(select(Person).where(Person.email == "lara@example.com")).one()
    (request,) = inbox_messages(engine, lara)
    blocks = render_message(request)["blocks"]
    assert "Review from Ana Lima" in valid_blocks(blocks)
    buttons = [
        (e["action_id"], e["value"])
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == [("okr.review.manager", "1")]

    served.interactive(click("U_BOB", "okr.review.manager", "1", {}))
    refused = served.stub.wait_for("chat.update")[-1]
    assert "Only Ana Lima and their manager" in json.dumps(refused.params["blocks"])

    served.interactive(click("U_LARA", "okr.review.manager", "1", {}))
    opened = json.dumps(served.stub.wait_for("chat.update", count=2)[-1].params["blocks"])
    assert "Ana Lima scored it 0.7." in opened
    assert "Your comment for Ana Lima on O-1?" in say(served, "U_LARA", "0.6", "Ev5")
    done = say(served, "U_LARA", "Good quarter", "Ev6")
    assert "Saved your review of O-1" in done
    with Session(engine) as session:
        score = session.exec(select(KeyResultScore)).one()
        assert (score.owner_score, score.manager_score) == (0.7, 0.6)
        review = session.exec(select(ObjectiveReview)).one()
        assert (review.worked, review.did_not, review.next_steps, review.manager_comment) == (
            "Early demos",
            None,
            "Legal first",
            "Good quarter",
        )
