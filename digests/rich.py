"""Rich text: plain characters plus the spans shown in bold, kept apart from each other.

Bold never travels as markup inside the text, so no name or note can switch it on or off: a
title typed as `**x**` shows its asterisks, and a renderer marks up only the spans it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from digests.safe_text import Span


@dataclass(frozen=True, slots=True)
class Rich:
    """Text with bold spans (character offsets, start inclusive, end exclusive)."""

    text: str = ""
    bold: tuple[Span, ...] = ()

    def __add__(self, other: Rich | str) -> Rich:
        if isinstance(other, str):
            return Rich(self.text + other, self.bold)
        return Rich(self.text + other.text, self.bold + shifted(other.bold, len(self.text)))

    def __radd__(self, other: str) -> Rich:
        return Rich(other + self.text, shifted(self.bold, len(other)))

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


Text = Rich | str


def rich(text: Text) -> Rich:
    """`text` as Rich (a str has no bold)."""
    return text if isinstance(text, Rich) else Rich(text)


def strong(text: Text) -> Rich:
    """All of `text` in bold."""
    plain = str(text)
    return Rich(plain, ((0, len(plain)),) if plain else ())


def join(separator: str, parts: Iterable[Text]) -> Rich:
    """The parts one after another with `separator` between them (empty parts kept)."""
    joined = Rich()
    for index, part in enumerate(parts):
        joined = joined + separator + part if index else rich(part)
    return joined


def shifted(spans: Sequence[Span], by: int) -> tuple[Span, ...]:
    """Spans moved `by` characters to the right."""
    return tuple((start + by, end + by) for start, end in spans) if by else tuple(spans)


def merged(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Spans sorted, with overlapping or touching ones merged into one."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def segments(text: str, bold: Sequence[Span]) -> Iterator[tuple[str, bool]]:
    """The text cut into (piece, is_bold) runs, in order; empty pieces left out."""
    at = 0
    for start, end in bold:
        if start > at:
            yield text[at:start], False
        if end > start:
            yield text[start:end], True
        at = end
    if at < len(text):
        yield text[at:], False
