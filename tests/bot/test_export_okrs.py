"""`okrbot export okrs --cycle C --format csv|xlsx`: one row per KR for HR, read back."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_export_okrs  # noqa: F401  (registers the command)
from bot.cli import app
from storage.models import (
    AuditLog,
    CheckIn,
    Confidence,
    KeyResultScore,
    Metric,
    ObjectiveStatus,
    OwnerType,
    Role,
    Visibility,
)
from storage.okr_export import COLUMNS
from storage.repos import okrs
from tests import factories


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


@pytest.fixture
def company(session: Session) -> None:
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    sales = factories.department(session, ws, "Sales")
    boss = factories.person(session, ws, "ceo@example.com", "Cai Boss", role=Role.ADMIN)
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima 安娜", manager_id=boss.id, department_id=sales.id
    )
    q4 = factories.cycle(session, ws)
    q3 = factories.cycle(
        session, ws, "2026-Q3", start_date=date(2026, 7, 1), end_date=date(2026, 9, 30)
    )
    factories.objective(
        session, ws, q4, boss, "Lead the EV market",
        owner_type=OwnerType.COMPANY, owner_person_id=None,
    )  # fmt: skip
    goal = factories.objective(session, ws, q4, ana, "签下新能源客户", parent_id=1)
    accounts = factories.key_result(
        session, goal, ana, "New accounts", start=0, target=10, current=2, unit="accounts"
    )
    factories.key_result(
        session, goal, ana, "Win rate", start=20, target=40, current=20, metric=Metric.PERCENT
    )
    check_in = okrs.record_check_in(
        session=session,
        key_result=accounts,
        person_id=ana.id or 0,
        value=4,
        confidence=Confidence.AT_RISK,
        note=None,
    )
    check_in.created_at = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    session.add(check_in)
    session.add(
        KeyResultScore(
            workspace_id=ws.id or 0,
            key_result_id=accounts.id or 0,
            owner_score=0.4,
            manager_score=0.5,
        )
    )
    private = factories.objective(
        session, ws, q4, ana, "Six Sigma Green Belt", visibility=Visibility.PRIVATE
    )
    factories.key_result(session, private, ana, "Exam passed", target=1, metric=Metric.BOOLEAN)
    factories.objective(session, ws, q4, ana, "A draft", status=ObjectiveStatus.DRAFT)
    factories.objective(session, ws, q3, ana, "Last quarter")
    session.commit()


def _read(path: Path, file_format: str) -> list[dict[str, Any]]:
    if file_format == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    sheet = load_workbook(path).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [{str(k): _cell(v) for k, v in zip(header, row, strict=True)} for row in rows]


def _cell(value: object) -> str:
    """An xlsx cell as the CSV shows it (openpyxl reads 10.0 back as 10)."""
    if value is None:
        return ""
    return str(float(value)) if isinstance(value, int | float) else str(value)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_one_row_per_key_result(
    cli: CliRunner, session: Session, company: None, tmp_path: Path, file_format: str
) -> None:
    out = tmp_path / "out" / f"okrs.{file_format}"
    args = ["export", "okrs", "--cycle", "2026-q4", "--format", file_format]
    result = cli.invoke(app, [*args, "--output", str(out), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: objectives 2, rows 3." in result.output
    assert "1 private objective left out; add --include-private" in result.output
    rows = _read(out, file_format)
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["objective_ref"], r["kr_ref"]) for r in rows] == [
        ("O-1", ""),
        ("O-2", "KR-1"),
        ("O-2", "KR-2"),
    ]
    company_row, accounts, win_rate = rows
    assert company_row["objective_owner"] == "company"
    assert company_row["owner"] == ""
    assert {k: accounts[k] for k in COLUMNS} == {
        "cycle": "2026-Q4",
        "owner": "Ana Lima 安娜",
        "email": "ana@example.com",
        "department": "Sales",
        "objective_ref": "O-2",
        "objective": "签下新能源客户",
        "objective_owner": "Ana Lima 安娜",
        "visibility": "public",
        "kr_ref": "KR-1",
        "key_result": "New accounts",
        "start": "0.0",
        "target": "10.0",
        "current": "4.0",
        "unit": "accounts",
        "progress_pct": "40.0",
        "confidence": "at_risk",
        "status": "approved",
        "last_check_in": "2026-11-20 09:30",  # the workspace's time zone
        "owner_score": "0.4",
        "manager_score": "0.5",
    }
    assert (win_rate["unit"], win_rate["progress_pct"], win_rate["owner_score"]) == ("%", "0.0", "")
    assert win_rate["last_check_in"] == ""
    audit = session.exec(select(AuditLog).where(AuditLog.action == "export_okrs")).one()
    assert audit.entity_ref == "2026-Q4"


def test_private_objectives_only_on_request(cli: CliRunner, company: None, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    args = ["export", "okrs", "--cycle", "2026-Q4", "--include-private", "--output", str(out)]
    result = cli.invoke(app, [*args, "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "objectives 3, rows 4" in result.output
    assert "left out" not in result.output
    rows = _read(out, "csv")
    assert [(r["objective"], r["visibility"]) for r in rows][-1] == (
        "Six Sigma Green Belt",
        "private",
    )


def test_unknown_cycle_or_format_is_a_clear_error(
    cli: CliRunner, session: Session, company: None, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["export", "okrs", "--cycle", "2027-Q1", "--workspace", "acme"])
    assert result.exit_code == 2
    assert (
        "There is no cycle “2027-Q1” in workspace acme. Known cycles: 2026-Q3, 2026-Q4."
        in result.output
    )
    assert "Traceback" not in result.output
    bad = ["export", "okrs", "--cycle", "2026-Q4", "--format", "pdf", "--workspace", "acme"]
    result = cli.invoke(app, bad)
    assert result.exit_code == 2
    assert "Unknown format “pdf”: use csv or xlsx." in result.output
    result = cli.invoke(app, ["export", "okrs", "--cycle", "2026-Q4", "--workspace", "nope"])
    assert result.exit_code == 2
    assert list(tmp_path.glob("okrs-*")) == []
    default = cli.invoke(app, ["export", "okrs", "--cycle", "2026-Q4", "--workspace", "acme"])
    assert default.exit_code == 0, default.output
    assert (tmp_path / "okrs-2026-Q4.csv").exists()
    assert session.exec(select(CheckIn)).first() is not None
