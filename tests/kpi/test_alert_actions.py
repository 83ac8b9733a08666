"""The KPI alert's buttons through the real core and database: Assign opens a picker of the
owner's team and hands the alert over (the assignee is told, the alert shows them; a second
submit changes nothing); people other than the owner, their manager, that manager's delegate
and HR are refused with nothing changed; Send feedback opens a text box and keeps the note, the
employee's Reply button opens one too and keeps the answer; Acknowledge shows who and when."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config import AppConfig
from bot.core import Core, Inbound
from bot.scheduler.context import JobRun
from bot.scheduler.digest_jobs import manager_digests
from bot.slack.blockkit import render_message
from bot.text import render_text
from commands.actions import Action
from commands.operations.kpi_intake import ingest
from digests.message import Actions, Form, Message
from storage.db import session_scope
from storage.models import (
    Delegation,
    KpiAlert,
    KpiFeedback,
    OutboxMessage,
    Platform,
    ReadingSource,
)
from tests.kpi.conftest import KpiCompany
from tests.scheduler import test_manager_digest_sections as digest_sections
from tests.suite_clock import at

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai


def raise_alert(session: Session, kc: KpiCompany) -> KpiAlert:
    """Hao's loss rate 5.5% beyond critical 5%: Hao and his manager Jun are alerted."""
    row = {"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": "2026-11", "value": 5.5}
    ingest([row], session=session, workspace=kc.workspace, source=ReadingSource.API)
    session.commit()
    return session.exec(select(KpiAlert)).one()


class Clicker:
    """Clicks a button (or submits its form) as someone, through the real core."""

    def __init__(self, engine: Engine, kc: KpiCompany) -> None:
        at(NOW)
        self.core = Core(engine)
        self.workspace_id = kc.workspace.id

    def __call__(self, person_id: int | None, action_id: str, value: str, **form: str) -> Message:
        assert person_id is not None
        assert self.workspace_id is not None
        action = Action(action_id, value, form)
        return self.core.handle(
            Inbound(Platform.CONSOLE, self.workspace_id, person_id, action=action)
        )


def outbox(session: Session, kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(col(OutboxMessage.id))
    return list(session.exec(query))


def buttons(message: Message) -> list[str]:
    return [
        b.action_id for block in message.blocks if isinstance(block, Actions) for b in block.buttons
    ]


def only_form(message: Message) -> Form:
    (form,) = [b for b in message.blocks if isinstance(b, Form)]
    return form


def test_assign_by_the_manager_tells_the_assignee_and_the_alert_shows_them(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)

    picker = click(kc.jun.id, "kpi_alert.assign", ref)
    assert not picker.is_error
    form = only_form(picker)
    assert [b.action_id for b in form.buttons] == ["kpi_alert.assign"]
    assert form.buttons[0].value == ref
    choice, typed = form.inputs
    assert (choice.name, typed.name) == ("person", "other")
    # the owner's team: Hao, his manager's reports, his department; not Sales
    assert [o.label for o in choice.options] == ["(choose)", "Hao Wang", "Jun Li", "Mei Chen"]
    assert f"Whom to assign alert #{ref} to? LOSS_RATE Hao Wang = 5.5%" in render_text(picker)

    done = render_text(click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com", other=""))
    assert done.splitlines()[0] == f"Alert #{ref} assigned to Mei Chen."
    assert "→ Assigned to Mei Chen" in done
    assert "⚠ LOSS_RATE Loss rate: critical" in done
    session.expire_all()
    assert session.get(KpiAlert, alert.id).assigned_to_id == kc.mei.id
    (told,) = outbox(session, "kpi_alert_assigned")
    assert told.person_id == kc.mei.id
    shown = render_text(Message.model_validate_json(told.payload))
    assert shown.startswith("Jun Li assigned this alert to you.")
    assert "→ Assigned to Mei Chen" in shown
    assert "Send feedback" not in shown  # Mei does not manage Hao

    # a double click or re-submitted form changes nothing and tells no one twice
    again = render_text(click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com"))
    assert again.splitlines()[0] == f"Alert #{ref} is already assigned to Mei Chen."
    assert len(outbox(session, "kpi_alert_assigned")) == 1

    # anyone in the workspace can be named by name or @mention; the typed name wins
    moved = render_text(
        click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com", other="@Tao Wu")
    )
    assert "→ Assigned to Tao Wu" in moved
    session.expire_all()
    assert session.get(KpiAlert, alert.id).assigned_to_id == kc.tao.id
    assert [m.person_id for m in outbox(session, "kpi_alert_assigned")] == [kc.mei.id, kc.tao.id]
    # handed back to Mei: she is told again
    click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com", other="")
    told_again = [m.person_id for m in outbox(session, "kpi_alert_assigned")]
    assert told_again == [kc.mei.id, kc.tao.id, kc.mei.id]


def test_the_owner_assigns_in_chinese_and_a_delegate_may_assign(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)
    picker = render_text(click(kc.hao.id, "kpi_alert.assign", ref))
    assert f"预警 #{ref} 指派给谁" in picker
    done = render_text(click(kc.hao.id, "kpi_alert.assign", ref, person="mei@acme.com"))
    assert done.splitlines()[0] == f"预警 #{ref} 已指派给 Mei Chen。"
    assert "→ 已指派给 Mei Chen" in done

    session.add(
        Delegation(workspace_id=kc.workspace.id, manager_id=kc.jun.id, delegate_id=kc.lina.id)
    )
    session.commit()
    moved = render_text(click(kc.lina.id, "kpi_alert.assign", ref, other="hao"))
    assert f"Alert #{ref} assigned to Hao Wang." in moved
    session.expire_all()
    assert session.get(KpiAlert, alert.id).assigned_to_id == kc.hao.id


def test_others_are_refused_and_nothing_changes(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)
    before = len(session.exec(select(OutboxMessage)).all())
    expected = f"There is no alert #{ref}."  # to those who may not see it, it does not exist
    for stranger in (kc.ana.id, kc.mei.id, kc.lina.id):
        for form in ({}, {"person": "ana@acme.com"}):
            refused = click(stranger, "kpi_alert.assign", ref, **form)
            assert refused.is_error
            assert expected in render_text(refused)
            assert not any(isinstance(b, Form) for b in refused.blocks)
    # the assignee may acknowledge but not pass the alert on
    click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com")
    refused = click(kc.mei.id, "kpi_alert.assign", ref, person="ana@acme.com")
    assert refused.is_error
    # bad picks are explained, in the clicker's language, with what to do
    unknown = render_text(click(kc.jun.id, "kpi_alert.assign", ref, other="nobody"))
    assert "No one matches “nobody”" in unknown
    assert "Pick someone from the owner's team" in unknown
    empty = render_text(click(kc.hao.id, "kpi_alert.assign", ref, person="", other=""))
    assert f"预警 #{ref} 指派给谁" in empty
    assert "There is no alert #999." in render_text(click(kc.jun.id, "kpi_alert.assign", "999"))
    session.expire_all()
    assert session.get(KpiAlert, alert.id).assigned_to_id == kc.mei.id
    # Mei's, and Hao's (Jun assigned his alert), once each
    assert len(session.exec(select(OutboxMessage)).all()) == before + 2


def test_feedback_from_the_alert_is_kept_and_the_employee_replies(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)
    (jun_alert,) = [m for m in outbox(session, "kpi_alert") if m.person_id == kc.jun.id]
    assert "kpi_feedback.send" in buttons(Message.model_validate_json(jun_alert.payload))

    opened = click(kc.jun.id, "kpi_feedback.send", ref)
    form = only_form(opened)
    assert [i.name for i in form.inputs] == ["text"]
    assert form.inputs[0].multiline
    assert "Feedback to Hao Wang" in render_text(opened)
    assert "LOSS_RATE was 5.5% for 2026-11 (target 4%)" in render_text(opened)

    sent = render_text(
        click(kc.jun.id, "kpi_feedback.send", ref, text="completion 80% — keep going")
    )
    assert sent.splitlines()[0] == "Feedback #1 on LOSS_RATE sent to Hao Wang."
    assert "⚠ LOSS_RATE Loss rate" in sent
    note = session.exec(select(KpiFeedback)).one()
    assert (note.author_id, note.recipient_id, note.kpi_id, note.alert_id, note.text) == (
        kc.jun.id,
        kc.hao.id,
        kc.loss.id,
        alert.id,
        "completion 80% — keep going",
    )
    twice = render_text(
        click(kc.jun.id, "kpi_feedback.send", ref, text=" completion 80% — keep going ")
    )
    assert twice.splitlines()[0] == "Feedback #1 on LOSS_RATE was already sent to Hao Wang."
    assert len(session.exec(select(KpiFeedback)).all()) == 1
    assert "Or type: /kpi feedback LOSS_RATE hao@acme.com YOUR NOTE" in render_text(opened)
    (delivered,) = outbox(session, "kpi_feedback")
    assert delivered.person_id == kc.hao.id
    received = Message.model_validate_json(delivered.payload)
    assert "Jun Li 关于 LOSS_RATE：“completion 80% — keep going”" in render_text(
        received
    )  # in Hao's language
    assert buttons(received) == ["kpi_feedback.reply"]

    reply_form = click(kc.hao.id, "kpi_feedback.reply", str(note.id))
    assert [i.name for i in only_form(reply_form).inputs] == ["text"]
    assert "completion 80% — keep going" in render_text(reply_form)
    assert click(kc.mei.id, "kpi_feedback.reply", str(note.id)).is_error
    answered = render_text(
        click(kc.hao.id, "kpi_feedback.reply", str(note.id), text="new coolant filter next week")
    )
    assert "已发送给 Jun Li" in answered
    resent = click(
        kc.hao.id, "kpi_feedback.reply", str(note.id), text="new coolant filter next week"
    )
    assert render_text(resent) == f"你对反馈 #{note.id} 的回复已经发送给 Jun Li。"
    session.expire_all()
    thread = session.exec(select(KpiFeedback).order_by(col(KpiFeedback.id))).all()
    assert [(f.author_id, f.reply_to_id, f.alert_id, f.text) for f in thread] == [
        (kc.jun.id, None, alert.id, "completion 80% — keep going"),
        (kc.hao.id, note.id, alert.id, "new coolant filter next week"),
    ]
    (back,) = outbox(session, "kpi_feedback_reply")
    assert back.person_id == kc.jun.id
    assert "Hao Wang replied to your feedback #1" in render_text(
        Message.model_validate_json(back.payload)
    )

    # the owner cannot send feedback to himself; an empty note is refused with usage
    refused = click(kc.hao.id, "kpi_feedback.send", ref)
    assert refused.is_error
    assert "你只能向你管理的人发送反馈。" in render_text(refused)  # Hao reads Chinese
    empty = click(kc.jun.id, "kpi_feedback.send", ref, text="  ")
    assert empty.is_error
    assert "The feedback text is empty." in render_text(empty)
    assert len(session.exec(select(KpiFeedback)).all()) == 2


def test_acknowledge_shows_who_and_when(engine: Engine, session: Session, kc: KpiCompany) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)
    acked = click(kc.jun.id, "kpi_alert.ack", ref)
    text = render_text(acked)
    assert text.splitlines()[0] == f"Alert #{ref} acknowledged by Jun Li at 2026-12-02 17:00."
    assert "✔ Acknowledged by Jun Li at 2026-12-02 17:00" in text
    assert buttons(acked) == ["kpi_alert.assign", "kpi_feedback.send"]
    again = render_text(click(kc.hao.id, "kpi_alert.ack", ref))
    assert f"预警 #{ref} 已由 Jun Li 于 2026-12-02 17:00 确认过" in again
    assert "✔ 已由 Jun Li 于 2026-12-02 17:00 确认" in again
    session.expire_all()
    stored = session.get(KpiAlert, alert.id)
    assert (stored.acknowledged_by_id, stored.acknowledged_at) == (kc.jun.id, NOW)


def test_typed_ack_and_assign_for_chats_without_buttons(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    at(NOW)
    core = Core(engine)
    workspace_id = kc.workspace.id
    assert workspace_id is not None

    def say(person_id: int | None, text: str) -> str:
        assert person_id is not None
        return render_text(core.handle(Inbound(Platform.CONSOLE, workspace_id, person_id, text)))

    (dm,) = [m for m in outbox(session, "kpi_alert") if m.person_id == kc.jun.id]
    hint = f"Or type: /kpi ack {ref} · /kpi assign {ref} @person"
    assert hint in render_text(Message.model_validate_json(dm.payload))

    assert say(kc.jun.id, f"/kpi ack {ref}").splitlines()[0] == (
        f"Alert #{ref} acknowledged by Jun Li at 2026-12-02 17:00."
    )
    assigned = say(kc.hao.id, f"/kpi 指派 #{ref} Mei Chen")
    assert assigned.splitlines()[0] == f"预警 #{ref} 已指派给 Mei Chen。"
    assert "✔ 已由 Jun Li 于 2026-12-02 17:00 确认" in assigned
    refused = say(kc.ana.id, f"/kpi assign {ref} ana@acme.com")
    assert refused.startswith(f"There is no alert #{ref}.")  # the same as for a missing one
    assert refused.splitlines()[0] == say(kc.ana.id, "/kpi assign 999 ana@acme.com").splitlines()[
        0
    ].replace("999", ref)
    missing = say(kc.jun.id, "/kpi assign")
    assert "Which alert? Give its number" in missing
    assert "/kpi assign N @person" in missing
    nobody = say(kc.jun.id, f"/kpi assign {ref}")
    assert f"Whom to assign alert #{ref} to?" in nobody
    assert "/kpi assign N @person" in nobody
    assert "/kpi 确认 N" in say(kc.hao.id, f"/kpi 确认 {ref} now")
    session.expire_all()
    stored = session.get(KpiAlert, alert.id)
    assert (stored.acknowledged_by_id, stored.assigned_to_id) == (kc.jun.id, kc.mei.id)
    assert [m.person_id for m in outbox(session, "kpi_alert_assigned")] == [kc.mei.id]


def test_feedback_from_the_manager_digest(engine: Engine) -> None:
    team = digest_sections.build(engine)
    assert manager_digests(JobRun(engine, AppConfig(), digest_sections.FRIDAY)) == 3
    digest = digest_sections.digest_of(engine, team.boss)
    with session_scope(engine) as session:
        alert = session.exec(select(KpiAlert)).one()
    ref = str(alert.id)
    found = digest_sections.buttons(digest)
    assert ("kpi_alert.ack", ref, f"Acknowledge #{ref}") in found
    assert ("kpi_feedback.send", ref, f"Feedback #{ref}") in found
    slack = render_message(digest)["blocks"]
    elements = [e for b in slack if b["type"] == "actions" for e in b["elements"]]
    assert len({e["action_id"] for e in elements}) == len(elements)  # unique within a message

    form = digest_sections.click(engine, team, team.boss, "kpi_feedback.send", ref)
    assert "Feedback to Ana" in render_text(form)
    sent = digest_sections.click(
        engine, team, team.boss, "kpi_feedback.send", ref, text="4.6% — keep going"
    )
    assert render_text(sent).splitlines()[0] == "Feedback #1 on LOSS_RATE sent to Ana."
    refused = digest_sections.click(engine, team, team.nia, "kpi_feedback.send", ref, text="Hi")
    assert refused.is_error
    with session_scope(engine) as session:
        note = session.exec(select(KpiFeedback)).one()
        assert (note.author_id, note.recipient_id, note.alert_id) == (team.boss, team.ana, alert.id)
        (told,) = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "kpi_feedback"))
        assert told.person_id == team.ana


def notices(session: Session) -> list[tuple[int | None, str]]:
    """Who was told of a reassignment, and the first line they read."""
    return [
        (m.person_id, render_text(Message.model_validate_json(m.payload)).splitlines()[0])
        for m in outbox(session, "kpi_alert_reassigned")
    ]


def test_reassignment_tells_the_owner_and_the_previous_assignee_once(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    alert = raise_alert(session, kc)
    ref = str(alert.id)
    click = Clicker(engine, kc)

    # the manager assigns Hao's alert: Hao (who reads Chinese) is told, in Chinese
    click(kc.jun.id, "kpi_alert.assign", ref, person="mei@acme.com")
    owner_zh = f"Jun Li 把你的 LOSS_RATE 预警 #{ref} 指派给了 Mei Chen。"
    assert notices(session) == [(kc.hao.id, owner_zh)]
    (owner_notice,) = outbox(session, "kpi_alert_reassigned")
    assert "→ 已指派给 Mei Chen" in render_text(Message.model_validate_json(owner_notice.payload))

    # taken from Mei: Mei (English) and Hao are told; a re-submit tells no one again
    click(kc.jun.id, "kpi_alert.assign", ref, other="Tao Wu")
    click(kc.jun.id, "kpi_alert.assign", ref, other="Tao Wu")
    assert notices(session)[1:] == [
        (kc.hao.id, f"Jun Li 把你的 LOSS_RATE 预警 #{ref} 指派给了 Tao Wu。"),
        (kc.mei.id, f"Jun Li reassigned the LOSS_RATE alert #{ref} from you to Tao Wu."),
    ]

    # the owner reassigns himself: only Tao, whose alert it was, is told
    click(kc.hao.id, "kpi_alert.assign", ref, person="mei@acme.com")
    assert notices(session)[3:] == [
        (kc.tao.id, f"Hao Wang reassigned the LOSS_RATE alert #{ref} from you to Mei Chen."),
    ]

    # handed to the owner: he hears "assigned to you" only; Mei hears it was taken
    click(kc.jun.id, "kpi_alert.assign", ref, other="hao@acme.com")
    assert notices(session)[4:] == [
        (kc.mei.id, f"Jun Li reassigned the LOSS_RATE alert #{ref} from you to Hao Wang."),
    ]
    # ... and taken from the owner again: one notice to him, as the owner
    click(kc.jun.id, "kpi_alert.assign", ref, other="mei@acme.com")
    assert notices(session)[5:] == [
        (kc.hao.id, f"Jun Li 把你的 LOSS_RATE 预警 #{ref} 指派给了 Mei Chen。"),
    ]
    assigned = [m.person_id for m in outbox(session, "kpi_alert_assigned")]
    assert assigned == [kc.mei.id, kc.tao.id, kc.mei.id, kc.hao.id, kc.mei.id]
