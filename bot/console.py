"""The console chat adapter: lines in, plain-text replies out."""

from __future__ import annotations

from typing import TextIO

from bot.core import Core, Inbound
from bot.text import render_text
from digests.message import Context, Message
from storage.db import session_scope
from storage.models import OutboxMessage, Platform
from storage.outbox_targets import channel_of
from storage.repos import outbox
from storage.types import utcnow

INBOX_MARK = "📬"
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
    echo: bool = False,
) -> int:
    """Answer lines until end of input (or `quit`); returns how many commands were answered.

    Interactive: a prompt before each line. Piped: one command per line, each reply printed
    and followed by a blank line; empty lines and `#` comments are skipped. `echo` prints each
    piped command after the prompt first, so the output reads like the terminal session.
    """
    answered = 0
    for delivered in deliver_pending(core, workspace_id=workspace_id, person_id=person_id):
        stdout.write(f"{INBOX_MARK} {render_text(delivered)}\n\n")
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
        if echo and not interactive:
            stdout.write(f"{prompt}{text}\n")
        if text.lower() in QUIT_WORDS:
            return answered
        reply = core.handle(
            Inbound(
                platform=Platform.CONSOLE, workspace_id=workspace_id, person_id=person_id, text=text
            )
        )
        stdout.write(render_text(reply) + "\n\n")
        for delivered in deliver_pending(core, workspace_id=workspace_id, person_id=person_id):
            stdout.write(f"{INBOX_MARK} {render_text(delivered)}\n\n")
        stdout.flush()
        answered += 1


def deliver_pending(core: Core, *, workspace_id: int, person_id: int) -> list[Message]:
    """The console is this person's chat: hand over their due outbox messages and mark them
    sent (messages for other people wait for their own chat or platform)."""
    with session_scope(core.engine) as session:
        due = outbox.pending_for_person(
            session=session, workspace_id=workspace_id, person_id=person_id, now=utcnow()
        )
        for message in due:
            outbox.mark_sent(session=session, message=message, platform_ref="console")
        return [_shown(message) for message in due]


def _shown(row: OutboxMessage) -> Message:
    """The message; one for a channel (the console has none) says which channel first."""
    message = Message.model_validate_json(row.payload)
    channel = channel_of(row.dedupe_key)
    if channel is None:
        return message
    return message.model_copy(update={"blocks": [Context(text=f"→ {channel}"), *message.blocks]})
