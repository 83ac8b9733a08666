"""`/okr help`, `/kpi help`, and the usage shown with errors."""

from __future__ import annotations

from commands.context import Context
from commands.grammar import VERBS
from commands.types import Help
from digests.message import Message


def usages(topic: str) -> list[str]:
    """Usage keys of every verb in a namespace ('all' for every namespace)."""
    return [
        v.usage for v in VERBS if topic in ("all", v.namespace) and not v.usage.endswith(".help")
    ]


def help_message(command: Help, ctx: Context) -> Message:
    """The command reference in the person's language."""
    return ctx.render("help", usages=usages(command.topic), topic=command.topic)
