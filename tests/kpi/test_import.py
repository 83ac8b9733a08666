"""`okrbot import kpi FILE.csv|FILE.xlsx`: good rows load, bad rows are reported by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_kpi  # noqa: F401  (registers the commands)
from bot.cli import app
from storage.models import KpiReading, ReadingSource
from tests.kpi.conftest import KpiCompany

ROWS = [
    ["kpi", "scope", "period", "value", "id"],
    ["LOSS_RATE", "person:hao@acme.com", "2026-10", "3.6", ""],
    ["LOSS_RATE", "department:Machining Workshop", "2026-10", "4.4%", "shop-10"],
    ["LOSS_RATE", "person:nobody@acme.com", "2026-10", "3.6", ""],
    ["MONTHLY_SALES", "ana@acme.com", "2026-10", "412,000", ""],
    ["MONTHLY_SALES", "company", "2026-Q4", "1000000", ""],
]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


def _write(path: Path) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in ROWS), "utf-8")
    else:
        book = Workbook()
        for row in ROWS:
            book.active.append([float(c) if c.replace(".", "").isdigit() else c for c in row])
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_import_reports_bad_rows_and_is_idempotent(
    cli: CliRunner, session: Session, kc: KpiCompany, tmp_path: Path, suffix: str
) -> None:
    path = _write(tmp_path / f"readings{suffix}")
    result = cli.invoke(app, ["import", "kpi", str(path), "--workspace", "acme"])
    assert result.exit_code == 1, result.output
    assert "stored 3, already there 0, rejected 2" in result.output
    assert "line 4: scope: there is no person with email “nobody@acme.com”" in result.output
    assert "line 6: period: MONTHLY_SALES is recorded monthly; “2026-Q4”" in result.output
    again = cli.invoke(app, ["import", "kpi", str(path), "--workspace", "acme"])
    assert "stored 0, already there 3, rejected 2" in again.output
    stored = session.exec(select(KpiReading).order_by(KpiReading.id)).all()
    assert [(r.value, r.source) for r in stored] == [
        (3.6, ReadingSource.IMPORT),
        (4.4, ReadingSource.IMPORT),
        (412_000, ReadingSource.IMPORT),
    ]


def test_a_business_systems_headers_in_english_or_chinese_and_extra_columns(
    cli: CliRunner, session: Session, kc: KpiCompany, tmp_path: Path
) -> None:
    """A MES export: `指标,范围,周期,实际值` and a remarks column, which is named and left out
    (it used to refuse every row as an unknown field)."""
    path = tmp_path / "mes.csv"
    path.write_text(
        "指标,范围,周期,实际值,备注\nLOSS_RATE,person:hao@acme.com,2026-10,3.6,line 3\n", "utf-8"
    )
    result = cli.invoke(app, ["import", "kpi", str(path), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "stored 1, already there 0, rejected 0" in result.output
    assert "Columns left out (okrbot does not know them): 备注." in result.output
    assert [r.value for r in session.exec(select(KpiReading))] == [3.6]

    targets = tmp_path / "targets.csv"
    targets.write_text(
        "KPI Code,Scope,Target,Warning Line,Owner\nLOSS_RATE,company,4.8,5,Wei\n", "utf-8"
    )
    result = cli.invoke(app, ["import", "kpi-targets", str(targets), "--workspace", "acme"])
    assert "new targets 1, changed 0, unchanged 0, rejected 0" in result.output, result.output
    assert "Columns left out (okrbot does not know them): Owner." in result.output


def test_an_unreadable_file_loads_nothing(cli: CliRunner, kc: KpiCompany, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("kpi,value\nLOSS_RATE,3\n", "utf-8")
    result = cli.invoke(app, ["import", "kpi", str(path), "--workspace", "acme"])
    assert result.exit_code == 2
    assert "the header row lacks scope, period" in result.output
    assert cli.invoke(app, ["import", "kpi", "nope.txt"]).exit_code == 2


def test_token_create_prints_a_working_token(
    cli: CliRunner, session: Session, kc: KpiCompany
) -> None:
    from storage.repos import kpi_tokens

    result = cli.invoke(app, ["kpi", "token", "create", "--workspace", "acme", "--name", "mes"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert kpi_tokens.workspace_of(session=session, token=token) == kc.workspace.id
    missing = cli.invoke(app, ["kpi", "token", "create", "--workspace", "nope"])
    assert missing.exit_code == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_assessment(
    cli: CliRunner, session: Session, kc: KpiCompany, tmp_path: Path, file_format: str
) -> None:
    from openpyxl import load_workbook

    from commands.operations.kpi_intake import ingest

    rows = [("person:ana@acme.com", 480_000), ("person:tao@acme.com", 280_000)]
    ingest(
        [{"kpi": "MONTHLY_SALES", "scope": s, "period": "2026-11", "value": v} for s, v in rows],
        session=session,
        workspace=kc.workspace,
        source=ReadingSource.API,
    )
    session.commit()
    out = tmp_path / f"a.{file_format}"
    args = ["export", "assessment", "--period", "2026-11", "--format", file_format]
    result = cli.invoke(app, [*args, "--output", str(out), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "people 4, rows 5" in result.output
    if file_format == "csv":
        lines = out.read_text("utf-8-sig").splitlines()
    else:
        sheet = load_workbook(out).active
        lines = [",".join(_cell(c) for c in r) for r in sheet.iter_rows(values_only=True)]
    assert lines[0].startswith("email,name,department,period,kpi,actual,target")
    assert (
        "ana@acme.com,Ana Lima,Sales,2026-11,MONTHLY_SALES,"
        "480000.0,400000.0,1.0,120.0,120.0,120.0,bonus" in lines
    )
    assert (
        "tao@acme.com,Tao Wu,Sales,2026-11,MONTHLY_SALES,"
        "280000.0,350000.0,1.0,80.0,80.0,80.0,partial" in lines
    )
    assert cli.invoke(app, [*args[:-1], "pdf"]).exit_code == 2


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(float(value)) if isinstance(value, int | float) else str(value)
