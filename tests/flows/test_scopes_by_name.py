"""`/okr map @email` finds the objectives a person owns, department objectives they head
included; `/okr review department` covers the departments under it. Through `okrbot demo` as
each persona would type it."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import run

TODAY = "2026-11-16"


def _chat(tmp_path: Path, who: str, *lines: str) -> str:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = run(
        ["demo", "--today", TODAY, "--as", who], url=url, cwd=tmp_path, stdin="\n".join(lines)
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_map_by_email_shows_the_department_objective_she_heads(tmp_path: Path) -> None:
    shown = _chat(tmp_path, "ana@example.com", "/okr map @li.na@example.com")
    assert "O-4 Grow revenue in new-energy and export markets" in shown
    assert "No approved objectives to show here yet" not in shown


def test_a_department_review_covers_its_workshop(tmp_path: Path) -> None:
    shown = _chat(tmp_path, "wei.zhang@example.com", "/okr review department")
    assert "O-3 Zero-defect machining at full capacity" in shown  # Production's own
    assert "O-7 Machining Workshop: stable, low-loss output" in shown  # the workshop under it
    assert "O-8 降低 3 号加工单元的废品率" in shown  # an operator of the workshop


def test_people_are_found_by_any_part_of_their_name(tmp_path: Path) -> None:
    shown = _chat(
        tmp_path,
        "ana@example.com",
        "/okr list @李娜",
        "/okr list @li na",
        "/okr map @Mei Lin",
    )
    assert shown.count("Li Na 李娜 — OKRs") == 2
    assert "Alignment map · 2026-Q4 · Mei Lin 林美" in shown
    assert "I can't find" not in shown
