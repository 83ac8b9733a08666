"""People named in a command: by email, the email's name part, a platform mention, the full
name, the Chinese or English part of it, or one word of it; quoted or not. An unknown name
answers with usage, an ambiguous one lists the candidates."""

from __future__ import annotations

import re

from commands.context import Context
from commands.grammar_words import QUOTES
from commands.types import CommandError
from storage.models import Person
from storage.repos import people

# A name is at most this many words; longer prefixes are not tried.
_MAX_NAME_WORDS = 4


def unquoted(text: str) -> str:
    """`"Ana Lima"`, `“Ana Lima”`, `「李娜」` → the name inside; anything else stripped."""
    text = text.strip()
    if len(text) >= 2 and QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def candidates(ctx: Context, mention: str) -> list[Person]:
    """Everyone `mention` may name (quotes and a leading @ ignored)."""
    query = unquoted(mention.strip().lstrip("@").strip())
    return people.find(session=ctx.session, workspace_id=ctx.workspace_id, query=query)


def one_person(ctx: Context, mention: str, *, usage: str | None = None) -> Person:
    """The one person `mention` names; a CommandError naming the problem otherwise."""
    found = candidates(ctx, mention)
    if not found:
        raise CommandError("error.unknown_person", {"person": mention.strip()}, usage=usage)
    if len(found) > 1:
        raise CommandError(
            "error.ambiguous_person", {"person": mention.strip(), "names": listing(found)}
        )
    return found[0]


def listing(found: list[Person]) -> str:
    """Up to five candidates as `Name <email>`, for an ambiguous mention."""
    return ", ".join(f"{p.name} <{p.email}>" for p in found[:5])


def leading_person(ctx: Context, text: str, *, usage: str | None = None) -> tuple[Person, str]:
    """The person named at the start of `text` and the words after the name.

    A quoted name ends at its closing quote; otherwise the longest run of up to four words that
    names someone wins, so `@Ana Lima pipeline looks thin` is Ana Lima and "pipeline looks thin".
    """
    text = text.strip()
    start = 1 if text.startswith("@") else 0
    closing = QUOTES.get(text[start : start + 1])
    if closing is not None:
        end = text.find(closing, start + 1)
        if end > start:
            return one_person(ctx, text[start + 1 : end], usage=usage), text[end + 1 :].strip()
    words = list(re.finditer(r"\S+", text))
    for count in range(min(len(words), _MAX_NAME_WORDS), 1, -1):
        found = candidates(ctx, text[: words[count - 1].end()])
        if len(found) == 1:
            return found[0], text[words[count - 1].end() :].strip()
    first = words[0].group() if words else ""
    return one_person(ctx, first, usage=usage), text[len(first) :].strip()
