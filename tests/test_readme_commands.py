"""Every `okrbot …` command the README and docs/ name exists, with the flags they show."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SPAN = re.compile(r"`(okrbot [^`\n]+)`")
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHELL_LINE = re.compile(r"^\s*(?:\$ )?(okrbot [^\n#]+)", re.MULTILINE)
PROMPT_LINE = re.compile(r"^\$ (okrbot [^\n#]+)", re.MULTILINE)  # a transcript's command


def _named() -> list[str]:
    """Inline `okrbot …` spans and `okrbot …` lines of code blocks (not transcripts' output)."""
    found: set[str] = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        found.update(m[1].strip() for m in SPAN.finditer(text))
        for block in FENCE.finditer(text):
            lines = PROMPT_LINE if block[1] == "text" else SHELL_LINE
            found.update(m[1].strip() for m in lines.finditer(block[2]))
    return sorted(found)


@cache
def _help(words: tuple[str, ...]) -> tuple[int, str]:
    import importlib

    from bot.cli import COMMAND_MODULES, app

    for module in COMMAND_MODULES:
        importlib.import_module(module)
    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _command_words(line: str) -> tuple[str, ...]:
    """`okrbot kpi token revoke NAME …` → ("kpi", "token", "revoke"): the words that name a
    (sub)command, as far as each is one."""
    words: list[str] = []
    for word in line.split()[1:]:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        code, _ = _help((*words, word))
        if code != 0:
            break
        words.append(word)
    return tuple(words)


@pytest.mark.parametrize("line", _named())
def test_a_named_command_exists_with_its_flags(line: str) -> None:
    words = _command_words(line)
    assert words or line.split()[1].startswith("-"), f"no such command: {line}"
    code, shown = _help(words)
    assert code == 0, shown
    for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line):
        assert flag in shown, f"{line}: {flag} is not an option of okrbot {' '.join(words)}"
