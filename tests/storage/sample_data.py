"""A database with a row in every table: the demo company plus what the demo does not create
(flows, approvals, alerts, feedback, outbox, Slack installs ...), all touching one person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.demo_seed import seed_demo
from storage.models import (
    ApprovalRequest,
    AuditLog,
    Broadcast,
    CheckIn,
    Confidence,
    CorrectionStatus,
    Delegation,
    FlowRun,
    KeyResult,
    KeyResultScore,
    KeyResultVersion,
    KpiAlert,
    KpiApiToken,
    KpiCorrection,
    KpiFeedback,
    KpiPeriodClose,
    KpiReading,
    KpiScope,
    KpiTarget,
    KrKpiLink,
    Objective,
    ObjectiveCarry,
    ObjectiveReview,
    OutboxMessage,
    OutboxStatus,
    Person,
    PersonIdentity,
    Platform,
    PlatformMiss,
    ProcessedEvent,
    RatePace,
    SchedulePreference,
)
from tests import factories

SUBJECT_EMAIL = "hao.wang@example.com"
SUBJECT_SLACK_ID = "U0HAOWANG1"
SUBJECT_FEISHU_ID = "ou_haowang_7f3a9c"
TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 20, 8, 30, 15, 123456, tzinfo=UTC)
NAIVE = WHEN.replace(tzinfo=None)  # slack_sdk's tables hold naive UTC


@dataclass(frozen=True)
class Sample:
    """Who the data is about, and what identifies them."""

    workspace_id: int
    subject_id: int
    subject_email: str
    subject_name: str
    platform_ids: tuple[str, ...]


def populate(session: Session) -> Sample:
    """Seed the demo company and one of everything else; commits."""
    company = seed_demo(session=session, today=TODAY)
    ws_id = company.workspace_id
    subject = session.exec(select(Person).where(Person.email == SUBJECT_EMAIL)).one()
    boss = session.exec(select(Person).where(Person.email == "ana@example.com")).one()
    assert subject.id is not None
    assert boss.id is not None
    sid, bid = subject.id, boss.id
    kr = session.exec(select(KeyResult).where(KeyResult.owner_id == sid)).first()
    assert kr is not None
    assert kr.id is not None
    obj = session.get(Objective, kr.objective_id)
    assert obj is not None
    assert obj.id is not None
    other_obj = session.exec(select(Objective).where(Objective.id != obj.id)).first()
    assert other_obj is not None
    assert other_obj.id is not None
    target = session.exec(select(KpiTarget)).first()
    reading = session.exec(select(KpiReading)).first()
    assert target is not None
    assert target.id is not None
    assert reading is not None
    assert reading.id is not None
    name = subject.name
    session.add_all(
        [
            PersonIdentity(
                workspace_id=ws_id,
                person_id=sid,
                platform=Platform.SLACK,
                external_id=SUBJECT_SLACK_ID,
            ),
            PersonIdentity(
                workspace_id=ws_id,
                person_id=sid,
                platform=Platform.FEISHU,
                external_id=SUBJECT_FEISHU_ID,
            ),
            PlatformMiss(
                workspace_id=ws_id,
                person_id=bid,
                platform=Platform.FEISHU,
                reason="not_found",
                first_missed_at=WHEN,
                checked_at=WHEN,
            ),
            CheckIn(
                workspace_id=ws_id,
                key_result_id=kr.id,
                person_id=sid,
                value=kr.current_value,
                previous_value=kr.current_value,
                confidence=Confidence.AT_RISK,
                note=f"{name} here: supplier late again, mail {SUBJECT_EMAIL}",
                created_at=WHEN,
            ),
            FlowRun(
                workspace_id=ws_id,
                person_id=sid,
                flow="okr_new",
                state="title",
                data=json.dumps({"title": f"{name}'s private plan", "who": SUBJECT_SLACK_ID}),
                expires_at=WHEN + timedelta(days=1),
            ),
            Delegation(workspace_id=ws_id, manager_id=bid, delegate_id=sid),
            SchedulePreference(
                workspace_id=ws_id, person_id=sid, paused_until=date(2026, 12, 1), checkin_day="tue"
            ),
            OutboxMessage(
                workspace_id=ws_id,
                person_id=sid,
                dedupe_key=f"checkin:2026-W47:{sid}",
                kind="checkin_prompt",
                payload=json.dumps({"text": f"Hi {name}", "to": SUBJECT_FEISHU_ID}),
                status=OutboxStatus.SENT,
                sent_at=WHEN,
                platform_ref=f"D{SUBJECT_SLACK_ID}:1700000000.000100",
                created_at=WHEN,
            ),
            AuditLog(
                workspace_id=ws_id,
                actor_id=bid,
                platform=Platform.SLACK,
                action="person.update",
                entity_type="person",
                entity_id=sid,
                before=json.dumps({"email": SUBJECT_EMAIL, "name": name}, ensure_ascii=False),
                after=json.dumps({"email": SUBJECT_EMAIL, "name": name}),  # \u-escaped
            ),
            Broadcast(
                workspace_id=ws_id,
                created_by_id=bid,
                audience="dept:Production",
                text=f"Please update your KRs (ask {name} for help)",
                audience_size=3,
            ),
            KpiApiToken(
                workspace_id=ws_id, name="mes-line-3", token_hash="ab" * 32, prefix="okr_ab12"
            ),
            KeyResultScore(workspace_id=ws_id, key_result_id=kr.id, owner_score=0.7),
            ObjectiveReview(
                workspace_id=ws_id, objective_id=obj.id, worked="Kaizen", did_not="Rush orders"
            ),
            ObjectiveCarry(
                workspace_id=ws_id, from_objective_id=other_obj.id, to_objective_id=obj.id
            ),
            ProcessedEvent(platform=Platform.SLACK, event_id="Ev0123456", created_at=WHEN),
            RatePace(platform="slack", last_slot=1763600000.25),
            KpiPeriodClose(workspace_id=ws_id, period="2026-10", closed_by_id=bid, closed_at=WHEN),
            PlatformMiss(
                workspace_id=ws_id,
                person_id=sid,
                platform=Platform.FEISHU,
                reason="feishu: no user with this email",
                first_missed_at=WHEN,
                checked_at=WHEN,
            ),
            KrKpiLink(
                workspace_id=ws_id,
                key_result_id=kr.id,
                kpi_id=target.kpi_id,
                created_by_id=bid,
                created_at=WHEN,
            ),
            KpiCorrection(
                workspace_id=ws_id,
                kpi_id=target.kpi_id,
                scope=KpiScope.PERSON,
                person_id=sid,
                period="2026-10",
                old_value=3.25,
                new_value=2.5,
                requested_by_id=sid,
                status=CorrectionStatus.APPROVED,
                decided_by_id=bid,
                decided_at=WHEN,
                created_at=WHEN,
            ),
        ]
    )
    session.flush()
    approval = ApprovalRequest(
        workspace_id=ws_id,
        objective_id=obj.id,
        requester_id=sid,
        approver_id=bid,
        reason="Customer moved the date",
        comment=f"Fine by me, {name}",
        proposal=json.dumps({"target_value": 5.0}),
    )
    session.add(approval)
    session.flush()
    alert = KpiAlert(
        workspace_id=ws_id,
        kpi_id=target.kpi_id,
        target_id=target.id,
        scope=KpiScope.PERSON,
        person_id=sid,
        owner_id=bid,
        level="warning",
        period="2026-10",
        value=3.25,
        threshold=3.0,
        reading_id=reading.id,
    )
    session.add(alert)
    session.add(
        KeyResultVersion(
            workspace_id=ws_id,
            key_result_id=kr.id,
            version=2,
            title=kr.title,
            start_value=kr.start_value,
            target_value=kr.target_value,
            reason=f"{name} asked",
            approval_id=approval.id,
            changed_by_id=sid,
        )
    )
    session.flush()
    first = KpiFeedback(
        workspace_id=ws_id,
        author_id=bid,
        recipient_id=sid,
        kpi_id=target.kpi_id,
        alert_id=alert.id,
        text=f"{name}, what happened on line 3?",
    )
    session.add(first)
    session.flush()
    session.add(
        KpiFeedback(
            workspace_id=ws_id,
            author_id=sid,
            recipient_id=bid,
            key_result_id=kr.id,
            reply_to_id=first.id,
            text="Die change took too long",
        )
    )
    _second_workspace(session)
    session.execute(
        sa.text(
            "INSERT INTO slack_installations (client_id, app_id, team_id, user_id, bot_token,"
            " is_enterprise_install, installed_at) VALUES ('1.2', 'A1', 'T0BETA', :user,"
            " 'xoxb-secret', false, :at)"
        ),
        {"user": SUBJECT_SLACK_ID, "at": NAIVE},
    )
    session.execute(
        sa.text(
            "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token, is_enterprise_install,"
            " installed_at) VALUES ('1.2', 'A1', 'T0BETA', 'xoxb-secret', false, :at)"
        ),
        {"at": NAIVE},
    )
    session.execute(
        sa.text("INSERT INTO slack_oauth_states (state, expire_at) VALUES ('st-1', :at)"),
        {"at": NAIVE},
    )
    session.commit()
    return Sample(ws_id, sid, SUBJECT_EMAIL, name, (SUBJECT_SLACK_ID, SUBJECT_FEISHU_ID))


def _second_workspace(session: Session) -> None:
    """A Slack workspace whose report was added before their manager (a forward reference)."""
    ws = factories.workspace(session, "beta", platform=Platform.SLACK, external_id="T0BETA")
    report = factories.person(session, ws, "lee@beta.example", "李雷")
    manager = factories.person(session, ws, "han@beta.example", "韩梅梅")
    report.manager_id = manager.id
    session.add(report)
    session.flush()
