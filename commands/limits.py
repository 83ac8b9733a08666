"""Text limits checked at the door: a text that is too long is refused with a reply that says
the limit, and nothing is saved; stored text is never cut (limits in storage/text_limits.py)."""

from __future__ import annotations

from commands.types import CommandError
from storage.text_limits import LIMITS, TITLE_MAX

TITLE_MIN = 3


def checked(text: str, kind: str, *, usage: str | None = None) -> str:
    """`text` when it fits the limit of `kind` (title, note, reason, comment, feedback,
    broadcast); else a CommandError `limits.too_long.<kind>` with its length and the limit."""
    limit = LIMITS[kind]
    if len(text) > limit:
        raise CommandError(
            f"limits.too_long.{kind}", {"length": len(text), "max": limit}, usage=usage
        )
    return text


def checked_title(text: str, *, usage: str | None = None) -> str:
    """A title of TITLE_MIN to TITLE_MAX characters (stripped)."""
    title = text.strip()
    if len(title) < TITLE_MIN:
        raise CommandError("limits.title_short", {"min": TITLE_MIN, "max": TITLE_MAX}, usage=usage)
    return checked(title, "title", usage=usage)
