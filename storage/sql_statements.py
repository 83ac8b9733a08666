"""How many SQL statements a text holds, read the way a database reads it: semicolons inside
quotes, quoted names, dollar-quoted bodies and comments do not end a statement."""

from __future__ import annotations

import re

_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")


def statements(sql: str) -> list[str]:
    """The statements of `sql`, each stripped, empty ones (a trailing `;`) left out."""
    found: list[str] = []
    start = i = 0
    while i < len(sql):
        char = sql[i]
        if char in ("'", '"'):
            i = _after_quoted(sql, i, char)
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
            continue
        if sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            i = len(sql) if end < 0 else end + 2
            continue
        if char == "$" and (tag := _DOLLAR_TAG.match(sql, i)):
            end = sql.find(tag.group(), tag.end())
            i = len(sql) if end < 0 else end + len(tag.group())
            continue
        if char == ";":
            found.append(sql[start:i])
            start = i + 1
        i += 1
    found.append(sql[start:])
    return [text.strip() for text in found if _has_code(text)]


def _after_quoted(sql: str, i: int, quote: str) -> int:
    """The index after the quoted text opening at `i` (a doubled quote stays inside)."""
    j = i + 1
    while j < len(sql):
        if sql[j] == quote:
            if sql.startswith(quote * 2, j):
                j += 2
                continue
            return j + 1
        j += 1
    return j


def _has_code(text: str) -> bool:
    """True unless `text` is only blanks and comments."""
    without = re.sub(r"--[^\n]*|/\*.*?\*/", "", text, flags=re.DOTALL)
    return bool(without.strip())
