"""Text that any character can pass through: cleaned once at the door, neutralised when shown.

At the door (`received`) text is kept as typed except what no store or platform can hold: a
lone surrogate (a broken client's half of an emoji) becomes U+FFFD, NUL and the other control
characters are dropped (PostgreSQL refuses NUL; a terminal obeys ESC), tabs and line breaks
stay. When shown (`shown`, `shown_line`) the explicit bidi embeddings, overrides and isolates are
dropped too, so a name or a note can never reverse the rest of a line; the implicit direction of
Arabic or Hebrew text is untouched. Emoji, combining marks and zero-width joiners pass as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int]

REPLACEMENT = "\ufffd"
# C0 controls but tab and line feed, DEL, C1 controls, and lone surrogates.
_UNSTORABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
# LRE RLE PDF LRO RLO and LRI RLI FSI PDI: the characters that change the direction of what
# follows them. (LRM, RLM and ALM only mark one position and are kept.)
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_AT_DOOR = re.compile(f"[{_UNSTORABLE}]")
_WHEN_SHOWN = re.compile(f"[{_UNSTORABLE}{BIDI_CONTROLS}]")
_LINE_BREAKS = re.compile("[\n\u2028\u2029]")
# Characters that belong to the one before them (combining marks, variation selectors, joiners,
# skin tones, tag characters): a cut never separates them from it.
_JOINED = (
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    "\u200c\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
)
_JOINED_AT_END = re.compile(f"[{_JOINED}]+$")
_JOINED_CHAR = re.compile(f"[{_JOINED}]")


def _neutral(match: re.Match[str]) -> str:
    char = match.group(0)
    return REPLACEMENT if "\ud800" <= char <= "\udfff" else ""


def received(text: str) -> str:
    """Text as it may be stored: lone surrogates as U+FFFD, controls but tab and newline gone."""
    return _AT_DOOR.sub(_neutral, text) if _AT_DOOR.search(text) else text


def shown(text: str) -> str:
    """Text as it may be shown: as received, and without bidi embedding or override controls."""
    return _WHEN_SHOWN.sub(_neutral, text) if _WHEN_SHOWN.search(text) else text


def shown_line(text: str) -> str:
    """A one-line slot (a header, a label, a button): line breaks become spaces as well."""
    text = shown(text)
    if "\t" in text:
        text = text.replace("\t", " ")
    return _LINE_BREAKS.sub(" ", text) if _LINE_BREAKS.search(text) else text


def shown_with_spans(text: str, spans: Sequence[Span]) -> tuple[str, tuple[Span, ...]]:
    """`shown(text)` with character spans (e.g. bold) moved to where their characters went;
    spans outside the text or overlapping an earlier one are dropped."""
    ordered = _valid(len(text), spans)
    if not _WHEN_SHOWN.search(text):
        return text, ordered
    kept: list[str] = []
    position = [0] * (len(text) + 1)  # the new offset of each old offset
    size = 0
    for index, char in enumerate(text):
        position[index] = size
        found = _WHEN_SHOWN.match(char)
        shown_char = _neutral(found) if found else char
        kept.append(shown_char)
        size += len(shown_char)
    position[len(text)] = size
    moved = tuple((position[a], position[b]) for a, b in ordered if position[a] < position[b])
    return "".join(kept), moved


def _valid(length: int, spans: Sequence[Span]) -> tuple[Span, ...]:
    found: list[Span] = []
    end = 0
    for start, stop in sorted((int(a), int(b)) for a, b in spans):
        if 0 <= start < stop <= length and start >= end:
            found.append((start, stop))
            end = stop
    return tuple(found)


def head(text: str, size: int) -> str:
    """The longest start of `text` of at most `size` characters that does not cut an emoji
    sequence or a letter from its combining marks."""
    if len(text) <= size:
        return text
    end = size
    while end and _JOINED_CHAR.match(text, end):
        end -= 1  # the next character belongs to the last one kept
    return _JOINED_AT_END.sub("", text[:end])
