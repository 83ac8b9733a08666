"""预警 with hysteresis: cross, stay bad, recover, cross again -> two alerts, one recovery."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.core import Core, Inbound
from bot.text import render_text
from commands.actions import Action
from commands.operations.kpi_intake import ingest
from storage.models import AlertState, KpiAlert, OutboxMessage, Platform, ReadingSource
from tests.kpi.conftest import KpiCompany
from tests.suite_clock import at

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _feed(session: Session, kc: KpiCompany, period: str, value: float) -> None:
    row = {"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": period, "value": value}
    ingest([row], session=session, workspace=kc.workspace, source=ReadingSource.API)
    session.commit()


def _outbox(session: Session) -> list[tuple[str, int]]:
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(r.kind, r.person_id) for r in rows]


def test_cross_stay_bad_recover_cross_again(session: Session, kc: KpiCompany) -> None:
    kc.targets["loss-hao"].period = "2026"  # warning 4, critical 5, the whole year
    session.add(kc.targets["loss-hao"])
    for period, value in [
        ("2026-08", 3.5),  # fine
        ("2026-09", 4.6),  # crosses warning 4 -> alert
        ("2026-10", 5.2),  # still bad (worse): no re-alert
        ("2026-11", 3.9),  # recovers
        ("2026-12", 4.4),  # crosses again -> alert
    ]:
        _feed(session, kc, period, value)
    alerts = session.exec(select(KpiAlert).order_by(KpiAlert.id)).all()
    assert [(a.period, a.level, a.state) for a in alerts] == [
        ("2026-09", "warning", AlertState.RECOVERED),
        ("2026-12", "warning", AlertState.OPEN),
    ]
    hao, jun = kc.hao.id, kc.jun.id
    assert _outbox(session) == [
        ("kpi_alert", hao),
        ("kpi_alert", jun),
        ("kpi_recovery", hao),
        ("kpi_recovery", jun),
        ("kpi_alert", hao),
        ("kpi_alert", jun),
    ]


def test_a_backfill_does_not_alert(session: Session, kc: KpiCompany) -> None:
    _feed(session, kc, "2026-11", 3.0)
    _feed(session, kc, "2026-10", 9.0)
    assert session.exec(select(KpiAlert)).all() == []


def test_buttons_acknowledge_assign_and_feedback(
    engine: Engine, session: Session, kc: KpiCompany
) -> None:
    _feed(session, kc, "2026-11", 5.5)
    alert = session.exec(select(KpiAlert)).one()
    at(NOW)
    core = Core(engine)

    def click(person_id: int, action_id: str, **form: str) -> str:
        action = Action(action_id, str(alert.id), form)
        inbound = Inbound(Platform.CONSOLE, kc.workspace.id, person_id, action=action)
        return render_text(core.handle(inbound))

    assert click(kc.ana.id, "kpi_alert.ack") == f"There is no alert #{alert.id}."
    assert click(kc.jun.id, "kpi_alert.ack").splitlines()[0] == (
        f"Alert #{alert.id} acknowledged by Jun Li at 2026-12-02 17:00."
    )
    assert "已由 Jun Li 于 2026-12-02 17:00 确认过" in click(kc.hao.id, "kpi_alert.ack")
    assert "Whom to assign" in click(kc.jun.id, "kpi_alert.assign")
    assert "assigned to Mei Chen" in click(kc.jun.id, "kpi_alert.assign", person="mei@acme.com")
    sent = click(kc.jun.id, "kpi_feedback.send", text="5.5% — check the coolant")
    assert "sent to Hao Wang" in sent
    session.expire_all()
    stored = session.get(KpiAlert, alert.id)
    assert (stored.acknowledged_by_id, stored.assigned_to_id) == (kc.jun.id, kc.mei.id)
    assert stored.acknowledged_at == NOW
    reply = render_text(
        core.handle(
            Inbound(
                Platform.CONSOLE, kc.workspace.id, kc.hao.id, "/kpi reply 1 new filter on order"
            )
        )
    )
    assert "已发送给 Jun Li" in reply
    kinds = [k for k, _ in _outbox(session)]
    assert kinds[-4:] == [
        "kpi_alert_assigned",
        "kpi_alert_reassigned",  # Hao is told Jun assigned his alert
        "kpi_feedback",
        "kpi_feedback_reply",
    ]
