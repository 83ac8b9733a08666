"""The console chat adapter: lines in, plain-text replies out."""

from __future__ import annotations

from typing import TextIO

from bot.core import Core, Inbound
from digests.text import render_text
from storage.models import Platform

QUIT_WORDS = {"quit", "exit", "/quit", "/exit", "退出"}


def chat_loop(
    core: Core,
    *,
    workspace_id: int,
    person_id: int,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool,
    prompt: str = "> ",
) -> int:
    """Answer lines until end of input (or `quit`); returns how many commands were answered.

    Interactive: a prompt before each line. Piped: one command per line, each reply printed
    and followed by a blank line; empty lines and `#` comments are skipped.
    """
    answered = 0
    while True:
        if interactive:
            stdout.write(prompt)
            stdout.flush()
        line = stdin.readline()
        if not line:
            if interactive:
                stdout.write("\n")
            return answered
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.lower() in QUIT_WORDS:
            return answered
        reply = core.handle(
            Inbound(
                platform=Platform.CONSOLE, workspace_id=workspace_id, person_id=person_id, text=text
            )
        )
        stdout.write(render_text(reply) + "\n\n")
        stdout.flush()
        answered += 1
