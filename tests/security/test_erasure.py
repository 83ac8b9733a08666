"""Finding 7: `okrbot privacy erase` leaves nothing behind. Beyond the person's own rows:
the free text they wrote that was copied into messages to others (a phone number in an
adjustment reason), mentions by any part of their name (英文名 or 中文名 alone) and by their
email in any letter case, in broadcasts, feedback, flow state and outbox payloads; and the
charts, which live in a private directory and are swept too."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from digests.charts.files import cached_chart
from storage import migrate
from storage.db import make_engine
from storage.models import (
    ApprovalKind,
    ApprovalRequest,
    Broadcast,
    FlowRun,
    KpiFeedback,
    Objective,
    OutboxMessage,
    Person,
)
from storage.types import utcnow
from tests.bot.test_cli import run
from tests.storage.sample_data import SUBJECT_EMAIL, populate
from tests.storage.test_privacy import mentions

PHONE = "+86 138 0013 8000"
REASON = f"Supplier moved the audit; call me on {PHONE} before Friday"


def _copied_everywhere(engine: Engine) -> tuple[int, str]:
    """What the product copies around: the subject's adjustment reason quoted in the message
    their manager got; others naming them in a broadcast, feedback and a flow."""
    with Session(engine) as session:
        populate(session)
        subject = session.exec(select(Person).where(Person.email == SUBJECT_EMAIL)).one()
        boss = session.exec(select(Person).where(Person.id == subject.manager_id)).one()
        objective = session.exec(
            select(Objective).where(Objective.owner_person_id == subject.id)
        ).first()
        assert subject.id
        assert boss.id
        assert objective is not None
        assert objective.id
        session.add(
            ApprovalRequest(
                workspace_id=subject.workspace_id,
                objective_id=objective.id,
                kind=ApprovalKind.ADJUSTMENT,
                requester_id=subject.id,
                approver_id=boss.id,
                reason=REASON,
            )
        )
        payload = {"blocks": [{"type": "section", "text": f"Adjustment: “{REASON}”"}]}
        session.add(
            OutboxMessage(
                workspace_id=subject.workspace_id,
                person_id=boss.id,
                dedupe_key="approval:99:request",
                kind="approval_request",
                payload=json.dumps(payload, ensure_ascii=False),
            )
        )
        session.add(
            Broadcast(
                workspace_id=subject.workspace_id,
                created_by_id=boss.id,
                audience="everyone",
                text="王浩 and HAO.WANG@EXAMPLE.COM: please see HR",
            )
        )
        session.add(
            KpiFeedback(
                workspace_id=subject.workspace_id,
                author_id=boss.id,
                recipient_id=boss.id,
                text="Ask Hao Wang (Hao.Wang@Example.com) about line 3",
            )
        )
        session.add(
            FlowRun(
                workspace_id=subject.workspace_id,
                person_id=boss.id,
                flow="broadcast",
                state="confirm",
                data=json.dumps({"text": "ping 王浩 about the audit"}, ensure_ascii=False),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        session.commit()
        return subject.id, subject.name


def _draw(path: Path) -> Path:
    path.write_bytes(b"a chart naming Hao Wang")
    return path


def test_erase_sweeps_copies_name_parts_any_case_and_charts(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(database_url)
    try:
        _erase_and_scan(engine, database_url, tmp_path, monkeypatch)
    finally:
        engine.dispose()


def _erase_and_scan(
    engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(engine)
    subject_id, name = _copied_everywhere(engine)
    assert name == "Hao Wang 王浩"
    charts = tmp_path / "charts"
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(charts))
    assert cached_chart("kpi-trend", name, _draw) is not None
    assert stat.S_IMODE(charts.stat().st_mode) == 0o700

    erased = run(
        ["privacy", "erase", "--person", SUBJECT_EMAIL, "--yes"], url=database_url, cwd=tmp_path
    )

    assert erased.returncode == 0, erased.stderr
    assert f"erased-person-{subject_id}" in erased.stdout
    needles = [SUBJECT_EMAIL.upper(), "Hao Wang", "王浩", PHONE, "U0HAOWANG1", "ou_haowang_7f3a9c"]
    assert mentions(engine, needles) == []
    assert list(charts.glob("*.png")) == []
    with Session(engine) as session:
        words = session.exec(select(Broadcast.text)).all()
    assert any("please see HR" in text for text in words)  # the rest of others' words stay


def test_a_chart_directory_left_open_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(shared))
    assert cached_chart("map", "x", _draw) is not None
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700
