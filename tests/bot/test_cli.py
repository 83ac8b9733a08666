"""The `okrbot` console script as a newcomer runs it: demo, piped chat, schema refusal, help.

These run the installed entry point in a subprocess, against a fresh database on each engine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import demo_data
from bot.demo_calendar import DemoCalendar
from storage import clock

OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))


def run(
    args: list[str], *, url: str, cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    assert OKRBOT is not None, "okrbot is not installed in this environment (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if k != "OKRBOT_CONFIG"}
    env["OKRBOT_DATABASE_URL"] = url
    return subprocess.run(
        [OKRBOT, *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_help_and_version(tmp_path: Path) -> None:
    helped = run(["--help"], url="sqlite://", cwd=tmp_path)
    assert helped.returncode == 0
    for command in ("demo", "chat", "import", "db", "serve"):
        assert command in helped.stdout
    version = run(["--version"], url="sqlite://", cwd=tmp_path)
    assert version.stdout.startswith("okrbot ")


def test_demo_then_piped_chat_as_the_readme_says(database_url: str, tmp_path: Path) -> None:
    demo = run(["demo"], url=database_url, cwd=tmp_path, stdin="/okr\n")
    assert demo.returncode == 0, demo.stderr
    assert "You are Ana Lima (ana@example.com)" in demo.stdout
    assert "O-1 Win the new-energy vehicle segment" in demo.stdout
    again = run(["demo", "--as", "hao.wang@example.com"], url=database_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "王浩" in again.stdout

    chat = run(
        ["chat", "--as", "ana@example.com"],
        url=database_url,
        cwd=tmp_path,
        stdin="/okr update KR-1 3 at-risk legal review\n\n# a comment\n/okr update KR-1 lots\n",
    )
    assert chat.returncode == 0, chat.stderr
    first, second = chat.stdout.strip().split("\n\n")
    assert "2 accounts → 3 accounts" in first
    assert "“lots” is not a value I understand" in second
    assert "Usage: /okr update" in second
    assert "Traceback" not in chat.stdout + chat.stderr


def test_chat_refuses_a_database_without_schema(database_url: str, tmp_path: Path) -> None:
    result = run(["chat", "--as", "ana@example.com"], url=database_url, cwd=tmp_path)
    assert result.returncode == 2
    assert "Run `okrbot db upgrade` first" in result.stderr
    upgraded = run(["db", "upgrade"], url=database_url, cwd=tmp_path)
    assert upgraded.returncode == 0
    assert "Database upgraded" in upgraded.stdout
    unknown = run(["chat", "--as", "nobody@example.com"], url=database_url, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "No one with the email nobody@example.com" in unknown.stderr


@pytest.mark.parametrize("bad", ["company:\n  timezon: UTC\n", "cycles: [1\n"])
def test_a_bad_config_is_explained(bad: str, tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(bad)
    result = run(["db", "upgrade"], url="sqlite://", cwd=tmp_path)
    assert result.returncode == 2
    assert "app.yaml" in result.stderr
    assert "Traceback" not in result.stderr


HEAVY_MODULES = (
    *("matplotlib", "numpy", "openpyxl", "prometheus_client", "slack_bolt", "lark_oapi"),
    # other commands' handlers and flows (bot.wiring names handlers, imports on use)
    *("commands.handlers.hr_insights", "commands.handlers.okr_review", "flows.scoring"),
)


def test_a_one_command_chat_loads_only_what_it_needs(tmp_path: Path) -> None:
    """Start-up speed is measured in bench/startup.py; this guards what makes it fast: a chat
    command imports its own handler, not charts, spreadsheets, metrics or platform SDKs."""
    url = f"sqlite:///{tmp_path / 'okrbot.db'}"
    assert run(["demo"], url=url, cwd=tmp_path).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "OKRBOT_CONFIG"}
    env["OKRBOT_DATABASE_URL"] = url
    probe = (
        "import atexit, sys\n"
        f"heavy = {HEAVY_MODULES!r}\n"
        "atexit.register(lambda: print('LOADED', sorted(m for m in heavy if m in sys.modules)))\n"
        "sys.argv = ['okrbot', 'chat', '--as', 'ana@example.com']\n"
        "from bot.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input="/okr\n/okr update KR-1 3\n",
        text=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "2 accounts → 3 accounts" in result.stdout
    assert "LOADED []" in result.stdout


def test_after_the_demo_commands_find_its_workspace_without_flags(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'okrbot.db'}"
    assert run(["demo"], url=url, cwd=tmp_path).returncode == 0
    # The demo's active quarter is the one containing the suite's day (in the company's zone).
    cycle = DemoCalendar(clock.today(ZoneInfo(demo_data.COMPANY_TIMEZONE))).current.name
    exported = run(["export", "okrs", "--cycle", cycle, "--format", "csv"], url=url, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / f"okrs-{cycle}.csv").read_text(encoding="utf-8-sig").startswith("cycle,")
    wrong = run(["audit", "--workspace", "nope"], url=url, cwd=tmp_path)
    assert wrong.returncode == 2
    assert "There is no workspace “nope”; choose one with --workspace: demo." in wrong.stderr
