"""`okrbot export review --cycle C [--person|--department] --format csv|xlsx|md`, read back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_export_review  # noqa: F401  (registers the command)
from bot.cli import app
from storage.models import AuditLog, KeyResultScore, ObjectiveReview
from tests.flows import conftest as flow_conftest
from tests.flows.conftest import Team
from tests.flows.review_seed import SPARK_KR1, SPARK_KR2, Seeded, seed


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


@pytest.fixture
def seeded(session: Session) -> tuple[Team, Seeded]:
    team: Team = flow_conftest.team.__wrapped__(session)  # type: ignore[attr-defined]
    found = seed(session, team.ana, team.bob, team.lara)
    ws = team.workspace.id or 0
    session.add(KeyResultScore(workspace_id=ws, key_result_id=found.kr1.id or 0, owner_score=0.7))
    session.add(
        KeyResultScore(
            workspace_id=ws, key_result_id=found.kr2.id or 0, owner_score=0.6, manager_score=0.5
        )
    )
    session.add(
        ObjectiveReview(
            workspace_id=ws,
            objective_id=found.objective.id or 0,
            worked="Early demos, 早期演示",
            did_not="Legal | slow",
            manager_comment="Good push",
        )
    )
    session.commit()
    return team, found


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    head = [str(c) for c in rows[0]]
    return [
        {h: "" if v is None else str(v) for h, v in zip(head, row, strict=True)} for row in rows[1:]
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_person_export_reads_back(
    cli: CliRunner, seeded: tuple[Team, Seeded], tmp_path: Path, file_format: str
) -> None:
    out = tmp_path / f"r.{file_format}"
    args = ["export", "review", "--cycle", "2026-q4", "--person", "ana@example.com"]
    result = cli.invoke(
        app, [*args, "--format", file_format, "--output", str(out), "--workspace", "acme"]
    )
    assert result.exit_code == 0, result.output
    assert "objectives 1, key results 2" in result.output
    rows = _csv(out) if file_format == "csv" else _xlsx(out)
    assert [r["key_result"] for r in rows] == ["KR-1", "KR-2"]
    first, second = rows
    assert first["owner_email"] == "ana@example.com"
    assert first["objective"] == "O-2"
    assert float(first["final"]) == 3.6
    assert float(first["target"]) == 5
    assert float(first["progress_pct"]) == 72
    assert float(first["owner_score"]) == 0.7
    assert first["manager_score"] in ("", "None")
    assert first["sparkline"] == SPARK_KR1
    assert first["worked"] == "Early demos, 早期演示"
    assert first["manager_comment"] == "Good push"
    assert second["sparkline"] == SPARK_KR2
    assert float(second["manager_score"]) == 0.5
    assert second["unit"] == "%"


def test_markdown_department_export_and_private_objectives(
    cli: CliRunner, seeded: tuple[Team, Seeded], tmp_path: Path, session: Session
) -> None:
    out = tmp_path / "r.md"
    args = ["export", "review", "--cycle", "2026-Q4", "--department", "Sales", "--format", "md"]
    result = cli.invoke(app, [*args, "--output", str(out), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("# Review 2026-Q4 · Sales\n")
    assert "## O-2 Win the EV segment · Ana Lima" in text
    assert "| KR-1 Sign EV accounts | 3.6 accounts / 5 accounts | 72.0% | 0.7 | — | ▁▂▄▆ |" in text
    assert "- What did not: Legal \\| slow" in text
    assert "Secret hiring plan" not in text
    assert "## O-4 Grow the sales team · Lara Lead" in text
    with_private = cli.invoke(
        app, [*args, "--output", str(out), "--workspace", "acme", "--include-private"]
    )
    assert with_private.exit_code == 0
    assert "## O-3 Secret hiring plan · Bob Brown" in out.read_text("utf-8")
    audits = session.exec(select(AuditLog).where(AuditLog.action == "export_review")).all()
    assert len(audits) == 2


def test_chinese_markdown_of_everyone(
    cli: CliRunner, seeded: tuple[Team, Seeded], tmp_path: Path
) -> None:
    out = tmp_path / "r.md"
    args = ["export", "review", "--cycle", "2026-Q4", "--format", "md", "--locale", "zh-CN"]
    result = cli.invoke(app, [*args, "--output", str(out), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith("# 复盘 2026-Q4 · 全体\n")
    assert "做得好的：Early demos, 早期演示" in text
    assert "| 关键结果 | 最终值 / 目标 | 进度 | 自评 | 经理 | 走势 |" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--cycle", "2031-Q1"], "There is no cycle “2031-Q1” in acme."),
        (["--cycle", "2026-Q4", "--format", "pdf"], "Unknown format “pdf”"),
        (["--cycle", "2026-Q4", "--person", "zed@example.com"], "no person with the email"),
        (["--cycle", "2026-Q4", "--department", "Nope"], "no department “Nope”"),
        (
            ["--cycle", "2026-Q4", "--department", "Sales", "--person", "ana@example.com"],
            "not both",
        ),
    ],
)
def test_bad_options_are_refused(
    cli: CliRunner, seeded: tuple[Team, Seeded], extra: list[str], message: str
) -> None:
    result = cli.invoke(app, ["export", "review", *extra, "--workspace", "acme"])
    assert result.exit_code == 2
    assert message in result.output
