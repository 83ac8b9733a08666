"""Message catalogs (en, zh-CN): flat dotted keys to str.format templates.

Each locale is a folder, digests/catalogs/<locale>/, of YAML files (one per area: core,
import, ...) merged into one mapping; nested keys are joined with dots. `**` marks bold. A key
whose value is a mapping of plural forms (`one`, `other`; optional `plural:` names the counted
param, else `count`) is chosen by that number.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from digests.rich import Rich, merged, shifted
from storage.locales import (  # the language rule lives with the data it reads
    DEFAULT_LOCALE,
    LOCALES,
    normalise_locale,
    reader_locale,
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "catalog", "normalise_locale", "reader_locale", "translate"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATALOG_DIR = Path(__file__).parent / "catalogs"


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


@cache
def catalog(locale: str) -> dict[str, str]:
    """All messages of one locale, keyed by dotted name."""
    flat: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / locale).glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        _flatten("", raw, flat)
    return flat


_FORMATTER = string.Formatter()


@dataclass(frozen=True, slots=True)
class Phrase:
    """A catalog message that fills a param in the reader's language: a CommandError raised
    with `{"status": Phrase("okr.status.draft")}` reads "draft" or "草稿" as it is shown."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Phrase:
        return cls(key, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class _Piece:
    literal: str
    field: str | None
    conversion: str | None
    spec: str
    bold: bool


@cache
def _pieces(template: str) -> tuple[_Piece, ...]:
    """A catalog text cut into literals and fields; `**` toggles bold between them."""
    pieces: list[_Piece] = []
    for index, segment in enumerate(template.split("**")):
        bold = index % 2 == 1
        for literal, field, spec, conversion in _FORMATTER.parse(segment):
            pieces.append(_Piece(literal, field, conversion, spec or "", bold))
    return tuple(pieces)


def _template(locale: str, key: str, params: dict[str, Any]) -> str:
    """The catalog text of `key`; a plural key picks its form by the number it counts."""
    for table in (catalog(locale), catalog(DEFAULT_LOCALE)):
        text = table.get(key)
        if text is not None:
            return text
        if f"{key}.other" in table:
            counted = params[table.get(f"{key}.plural", "count")]
            form = plural_form(locale if table is catalog(locale) else DEFAULT_LOCALE, counted)
            return table.get(f"{key}.{form}") or table[f"{key}.other"]
    raise KeyError(f"no message {key!r} in the catalogs")


def plural_form(locale: str, count: Any) -> str:
    """CLDR's plural category: English says "1 objective" and "2 objectives"; Chinese has
    one form."""
    return "one" if locale == "en" and count == 1 else "other"


def translate_rich(locale: str, key: str, /, **params: Any) -> Rich:
    """The message `key` in `locale` (falling back to English) with params filled in, and its
    `**bold**` parts as spans. A param is never read as markup: `**` in a name stays text."""
    if not params:
        return _fixed(locale, key)
    return _filled(locale, key, params)


@cache
def _fixed(locale: str, key: str) -> Rich:
    """A message without params: the same every time (labels, headings, enum words)."""
    return _filled(locale, key, {})


def _filled(locale: str, key: str, params: dict[str, Any]) -> Rich:
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    size = 0
    for piece in _pieces(_template(locale, key, params)):
        start = size
        if piece.literal:
            out.append(piece.literal)
            size += len(piece.literal)
        if piece.field is not None:
            value, _ = _FORMATTER.get_field(piece.field, (), params)
            if isinstance(value, Phrase):
                value = translate_rich(locale, value.key, **dict(value.params))
            if isinstance(value, Rich) and not piece.spec and not piece.conversion:
                spans.extend(shifted(value.bold, size))
                text = value.text
            else:
                value = value.text if isinstance(value, Rich) else value
                if piece.conversion:
                    value = _FORMATTER.convert_field(value, piece.conversion)
                text = format(value, piece.spec)
            out.append(text)
            size += len(text)
        if piece.bold and size > start:
            spans.append((start, size))
    return Rich("".join(out), merged(spans))


def translate(locale: str, key: str, /, **params: Any) -> str:
    """The message `key` in `locale` (falling back to English), with params filled in, as
    plain text."""
    return translate_rich(locale, key, **params).text


def has_message(locale: str, key: str) -> bool:
    """True when this locale's own catalog has the key (no fallback)."""
    return key in catalog(locale)
