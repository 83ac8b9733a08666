"""The one write path: validation names the bad field; ids make writes idempotent."""

from __future__ import annotations

from sqlmodel import Session, func, select

from commands.operations.kpi_intake import explain, ingest
from storage.models import KpiReading, ReadingSource
from tests.kpi.conftest import KpiCompany


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(KpiReading)).one()


def test_each_bad_field_is_named(session: Session, kc: KpiCompany) -> None:
    rows = [
        {"id": "a", "kpi": "NOPE", "scope": "company", "period": "2026-11", "value": 1},
        {
            "id": "b",
            "kpi": "LOSS_RATE",
            "scope": "department:Nowhere",
            "period": "2026-11",
            "value": 1,
        },
        {
            "id": "c",
            "kpi": "LOSS_RATE",
            "scope": "person:ghost@acme.com",
            "period": "2026-11",
            "value": 1,
        },
        {"id": "d", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-13", "value": 1},
        {"id": "e", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-W48", "value": 1},
        {"id": "f", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-11", "value": "lots"},
        {"id": "g", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-11", "value": True},
        {"kpi": "LOSS_RATE", "scope": "company", "period": "2026-11", "value": 1},
        {
            "id": "i",
            "kpi": "LOSS_RATE",
            "scope": "company",
            "period": "2026-11",
            "value": 1,
            "unit": "%",
        },
        {"id": "j", "kpi": "LOSS_RATE", "scope": "galaxy", "period": "2026-11", "value": 1},
        {"id": "j", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-11", "value": 1},
        {"id": "j", "kpi": "LOSS_RATE", "scope": "company", "period": "2026-11", "value": 2},
    ]
    report = ingest(
        rows,
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
        need_id=True,
        all_or_nothing=True,
    )
    got = [(r.index, r.field, r.reason) for r in report.rejected]
    assert got == [
        (0, "kpi", "unknown_kpi"),
        (1, "scope", "unknown_department"),
        (2, "scope", "unknown_person"),
        (3, "period", "bad_period"),
        (4, "period", "period_frequency"),
        (5, "value", "bad_value"),
        (6, "value", "bad_value"),
        (7, "id", "missing"),
        (8, "unit", "unknown_field"),
        (9, "scope", "bad_scope"),
        (11, "id", "repeated_id"),
    ]
    assert report.written == []
    assert explain(report.rejected[4]) == (
        "period: LOSS_RATE is recorded monthly; “2026-W48” is not such a period"
    )
    assert "损耗率" not in explain(report.rejected[0], "zh-CN")
    assert explain(report.rejected[0], "zh-CN") == "kpi：没有指标“NOPE”"


def test_same_id_twice_is_stored_once_and_a_changed_value_is_refused(
    session: Session, kc: KpiCompany
) -> None:
    row = {
        "id": "mes-1",
        "kpi": "loss_rate",
        "scope": "hao@acme.com",
        "period": "2026-11",
        "value": "3.5%",
    }
    first = ingest(
        [row], session=session, workspace=kc.workspace, source=ReadingSource.API, need_id=True
    )
    again = ingest(
        [row], session=session, workspace=kc.workspace, source=ReadingSource.API, need_id=True
    )
    changed = ingest(
        [row | {"value": 3.9}],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
        need_id=True,
    )
    assert (len(first.written), first.duplicates) == (1, 0)
    assert (len(again.written), again.duplicates) == (0, 1)
    assert [(r.field, r.reason) for r in changed.rejected] == [("id", "id_conflict")]
    assert _count(session) == 1
    stored = session.exec(select(KpiReading)).one()
    assert (stored.person_id, stored.value, stored.source) == (kc.hao.id, 3.5, ReadingSource.API)
