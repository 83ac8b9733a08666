"""Text as people type it: emoji, rare CJK, bidi controls and broken characters through the real
core (SQLite and PostgreSQL) — each is stored and shown as typed, or neutralised when shown, and
nothing ever answers "something went wrong". Limits are checked at the door, in the reader's
language, and an internal failure at the end of a flow keeps its answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import Core, Inbound
from bot.feishu.card import card_content, render_card
from bot.slack.blockkit import render_message
from flows import checkin
from storage.models import (
    Broadcast,
    CheckIn,
    Cycle,
    FlowRun,
    KeyResult,
    Objective,
    Person,
    Platform,
    Role,
)
from storage.people_import import import_people
from tests import factories
from tests.flows.conftest import NOW, Team, ask, inbox, inbox_messages, reply
from tests.suite_clock import at

INTERNAL = "something went wrong on my side"


@pytest.fixture
def kr(session: Session, team: Team) -> KeyResult:
    cycle = session.exec(select(Cycle)).one()
    objective = factories.objective(session, team.workspace, cycle, team.ana, "Win the EV segment")
    found = factories.key_result(
        session, objective, team.ana, "Sign EV accounts", target=5, current=2, unit="accounts"
    )
    session.commit()
    return found


def notes(engine: Engine) -> list[str | None]:
    with Session(engine) as session:
        return [c.note for c in session.exec(select(CheckIn).order_by(CheckIn.id))]


def test_a_check_in_note_with_an_emoji(engine: Engine, team: Team, kr: KeyResult) -> None:
    text = ask(engine, team.ana, "/okr update KR-1 4 great week 🎉")
    assert INTERNAL not in text
    assert "Confidence: on track · great week 🎉" in text
    assert notes(engine) == ["great week 🎉"]
    assert "great week 🎉" in ask(engine, team.ana, "/okr show O-2")


def test_a_title_with_a_rare_cjk_character(engine: Engine, team: Team) -> None:
    for said in ("/okr new", "拓展𠮷野家的合作 🚀", "none", "签约门店 𠮷", "0 5", "done"):
        answer = ask(engine, team.ana, said)
        assert INTERNAL not in answer, said
    assert "Draft: 拓展𠮷野家的合作 🚀" in answer
    assert "1. 签约门店 𠮷: 0 → 5" in answer
    assert "O-2 “拓展𠮷野家的合作 🚀” is with Lara Lead" in ask(engine, team.ana, "submit")
    shown = ask(engine, team.ana, "/okr show O-2")
    assert "O-2 拓展𠮷野家的合作 🚀" in shown
    assert "KR-1 签约门店 𠮷" in shown
    assert "拓展𠮷野家的合作 🚀" in inbox(engine, team.lara)[-1]


def test_a_broadcast_with_emoji(engine: Engine, team: Team) -> None:
    preview = ask(engine, team.hana, "/hr broadcast everyone 🎉 Q4 party on Friday 🥳")
    assert "🎉 Q4 party on Friday 🥳" in preview
    assert "Audience everyone: 5 people will get this message" in preview
    sent = ask(engine, team.hana, "/hr broadcast everyone 🎉 Q4 party on Friday 🥳 confirm")
    assert "5 messages queued" in sent
    delivered = inbox_messages(engine, team.bob)[-1]
    assert "🎉 Q4 party on Friday 🥳" in str(render_message(delivered))
    assert "🎉 Q4 party on Friday 🥳" in card_content(render_card(delivered))


def test_an_imported_name_with_emoji_and_the_managers_team(
    engine: Engine, team: Team, tmp_path: Path
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,name,manager_email\nmei@example.com,Mei 🌸 陈,lara@example.com\n", encoding="utf-8"
    )
    with Session(engine) as session:
        report = import_people(session=session, workspace_id=team.workspace.id, path=csv)
        session.commit()
        mei = session.exec(select(Person).where(Person.email == "mei@example.com")).one()
        cycle = session.exec(select(Cycle)).one()
        objective = factories.objective(session, team.workspace, cycle, mei, "Open 🌸 stores")
        factories.key_result(session, objective, mei, "Stores", target=3)
        session.commit()
    assert report.created == 1
    team_view = ask(engine, team.lara, "/okr team")
    assert INTERNAL not in team_view
    assert "Mei 🌸 陈 · objectives: 1" in team_view
    assert "O-2 Open 🌸 stores" in team_view
    assert "Mei 🌸 陈" in ask(engine, team.lara, "/okr list @mei@example.com")


def test_a_guided_check_in_with_an_emoji_note(engine: Engine, team: Team, kr: KeyResult) -> None:
    assert INTERNAL not in ask(engine, team.ana, "/okr checkin")
    summary = ask(engine, team.ana, "4 on track shipped 🚢 two deals 🎉")
    assert INTERNAL not in summary
    assert "Confidence: on track · shipped 🚢 two deals 🎉" in summary
    assert notes(engine) == ["shipped 🚢 two deals 🎉"]


def test_bidi_controls_are_stored_but_cannot_reverse_what_follows(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    text = ask(engine, team.ana, "/okr update KR-1 3 \u202egnol oot\u202c then fine")
    assert notes(engine) == ["\u202egnol oot\u202c then fine"]  # stored as typed
    assert "gnol oot then fine" in text
    for shown in (text, str(render_message(reply(engine, team.ana, "/okr show O-2")))):
        assert "\u202e" not in shown
        assert "\u202c" not in shown


def test_broken_characters_from_a_bad_client_are_cleaned_at_the_door(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    text = ask(engine, team.ana, "/okr update KR-1 3 half \ud83d emoji\x00 and \x1b[31mred")
    assert INTERNAL not in text
    assert notes(engine) == ["half \ufffd emoji and [31mred"]


def test_limits_are_stated_at_the_door_in_the_readers_language(
    engine: Engine, team: Team, kr: KeyResult, session: Session
) -> None:
    text = ask(engine, team.ana, f"/okr update KR-1 3 {'很好' * 501}")
    assert "That note has 1002 characters; a note can have at most 1000." in text
    assert "Nothing was saved" in text
    assert "Usage: /okr update KR-n VALUE" in text
    assert notes(engine) == []
    wei = factories.person(
        session, team.workspace, "wei@example.com", "张伟", locale="zh-CN", role=Role.HR_ADMIN
    )
    session.commit()
    refused = ask(engine, wei, f"/hr 广播 全体 {'好' * 2001}")
    assert "这条广播有 2001 个字符，广播最多 2000 个字符。未发送" in refused
    assert "用法：/hr 广播" in refused
    with Session(engine) as check:
        assert check.exec(select(Broadcast)).all() == []
    assert "What is the objective?" in ask(engine, team.ana, "/okr new")
    too_long = ask(engine, team.ana, "T" * 101)
    assert "That title has 101 characters; a title can have at most 100." in too_long
    assert "Which company or department objective" in ask(engine, team.ana, "A fine title")


def test_a_guided_step_too_long_is_refused_when_given(
    engine: Engine, team: Team, kr: KeyResult
) -> None:
    ask(engine, team.ana, "/okr checkin")
    refused = ask(engine, team.ana, "4 on track " + "x" * 1001)
    assert "at most 1000 characters" in refused
    assert notes(engine) == []
    assert "Check-in recorded" in ask(engine, team.ana, "4 on track short and sweet")
    assert notes(engine) == ["short and sweet"]


def test_an_internal_failure_at_the_end_of_a_flow_keeps_the_answers(
    engine: Engine, team: Team, kr: KeyResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    ask(engine, team.ana, "/okr checkin")
    real_record = checkin.record
    failures = iter([RuntimeError("the disk is full")])

    def failing_once(*args: object, **kwargs: object) -> object:
        error = next(failures, None)
        if error is not None:
            raise error
        return real_record(*args, **kwargs)

    monkeypatch.setattr(checkin, "record", failing_once)
    failed = ask(engine, team.ana, "4 on track a note 📝")
    assert INTERNAL in failed
    assert "still open with every answer you gave so far" in failed
    assert "send your last answer again" in failed
    assert notes(engine) == []
    with Session(engine) as session:
        run = session.exec(select(FlowRun)).one()
        assert run.state == "value"
    done = ask(engine, team.ana, "4 on track a note 📝")
    assert "Check-in recorded" in done
    assert "2 accounts → 4 accounts" in done
    assert notes(engine) == ["a note 📝"]


def test_any_platform_gets_the_same_text(engine: Engine, team: Team, kr: KeyResult) -> None:
    assert team.ana.id is not None
    at(NOW)
    core = Core(engine)
    for platform in (Platform.SLACK, Platform.FEISHU):
        answer = core.handle(
            Inbound(platform, team.workspace.id or 0, team.ana.id, "/okr update KR-1 4 nice 👍🏽")
        )
        assert "nice 👍🏽" in str(render_message(answer))
        assert "nice 👍🏽" in card_content(render_card(answer))
    with Session(engine) as session:
        assert session.exec(select(Objective)).all()
