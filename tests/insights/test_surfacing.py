"""The forecast flag in the owner's check-in prompt and in the manager digest (planted case)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import AppConfig
from bot.scheduler.checkins import checkin_prompts
from bot.scheduler.context import JobRun
from bot.scheduler.digest_jobs import manager_digests
from bot.text import render_text
from digests.message import Message
from storage.models import Confidence, KeyResult, OutboxMessage, Person
from tests.insights.conftest import NOW, Company


def queued(engine: Engine, kind: str) -> dict[int, str]:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind))
        return {
            row.person_id: render_text(Message.model_validate_json(row.payload)) for row in rows
        }


def set_locale(engine: Engine, person: Person, locale: str) -> None:
    with Session(engine) as session:
        row = session.get(Person, person.id)
        assert row is not None
        row.locale = locale
        session.add(row)
        session.commit()


def test_prompt_flags_the_kr_whose_pace_misses_while_said_on_track(
    engine: Engine, company: Company
) -> None:
    assert checkin_prompts(JobRun(engine, AppConfig(), NOW, force=True)) == 1
    prompt = queued(engine, "checkin_prompt")[company.ana.id or 0]
    assert "KR-1: at this pace 46 of 80 by Dec 31 — you said on track" in prompt
    assert prompt.count("at this pace") == 1  # KR-2 is said at risk and has no history


def test_prompt_flag_in_chinese(engine: Engine, company: Company) -> None:
    set_locale(engine, company.ana, "zh-CN")
    checkin_prompts(JobRun(engine, AppConfig(), NOW, force=True))
    prompt = queued(engine, "checkin_prompt")[company.ana.id or 0]
    assert "KR-1：按当前进度，到 12月31日 预计为 46（目标 80）—— 你填的是“正常”" in prompt


def test_manager_digest_lists_forecast_misses_with_the_numbers(
    engine: Engine, company: Company
) -> None:
    assert manager_digests(JobRun(engine, AppConfig(), NOW, force=True)) == 1
    digest = queued(engine, "manager_digest")[company.boss.id or 0]
    assert "Forecast to miss the target (owner says on track)" in digest
    assert (
        "KR-1 New-customer conversion · Ana Lima: at this pace 46 of 80 by Dec 31 "
        "(57.5% of the way, trend of 7 check-ins)" in digest
    )
    assert "Machine hours" not in digest.split("Forecast to miss")[1]  # Oli is on pace


def test_no_forecast_section_once_the_owner_says_at_risk(engine: Engine, company: Company) -> None:
    with Session(engine) as session:
        kr = session.get(KeyResult, company.conversion.id)
        assert kr is not None
        kr.confidence = Confidence.AT_RISK
        session.add(kr)
        session.commit()
    manager_digests(JobRun(engine, AppConfig(), NOW, force=True))
    digest = queued(engine, "manager_digest")[company.boss.id or 0]
    assert "New-customer conversion" in digest  # listed as at risk, as its owner says
    assert "Forecast to miss" not in digest
