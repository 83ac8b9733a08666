"""The README's console transcript is exactly what the command it names prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OKRBOT = shutil.which("okrbot", path=str(Path(sys.executable).parent))
# A chart's file name stays; where the charts live depends on the machine.
CHART_DIR = re.compile(r"(?<=: )\S*/(?=[^/\s]+\.png\]$)", re.MULTILINE)


def console_block() -> tuple[list[str], list[str]]:
    """The command line of the README's console session and the lines it shows."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### A console session", 1)[1]
    block = section.split("```text\n", 1)[1].split("\n```", 1)[0]
    first, *shown = block.split("\n")
    assert first.startswith("$ okrbot demo --today "), first
    return first.removeprefix("$ okrbot ").split(), shown


def test_the_console_transcript_is_what_the_demo_prints(tmp_path: Path) -> None:
    args, shown = console_block()
    typed = [line.removeprefix("> ") for line in shown if line.startswith("> ")]
    assert typed[-1] == "quit"
    assert OKRBOT is not None
    env = {k: v for k, v in os.environ.items() if k not in ("OKRBOT_CONFIG", "OKRBOT_NOW")}
    env["OKRBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.db'}"
    env["OKRBOT_CHART_DIR"] = str(tmp_path / "charts")
    result = subprocess.run(
        [OKRBOT, *args, "--echo"],
        input="\n".join(typed) + "\n",
        text=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = CHART_DIR.sub("", result.stdout.rstrip("\n"))
    assert printed == CHART_DIR.sub("", "\n".join(shown))
