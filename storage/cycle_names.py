"""What OKR cycles are called: a year and its part — `2026-Q4`, `2026-H1`, `2026-11` — or a
year, `2026` (also written `2026-Y`).

One rule for app.yaml, `/okr cycle open NAME`, `/okr carry … CYCLE` and the cycle word of
`/okr review`.
"""

from __future__ import annotations

import re

PATTERN = r"^\d{4}(-(Q[1-4]|H[12]|\d{2}|Y))?$"  # as stored (app.yaml validates against it)
_NAME = re.compile(PATTERN, re.IGNORECASE)
_YEAR_FIRST = re.compile(r"^\d{4}(?:[-_.]\S+)?$")


def is_cycle_name(text: str) -> bool:
    """True for a well-formed cycle name, in any case."""
    return _NAME.match(text.strip()) is not None


def canonical(text: str) -> str:
    """The name as stored: `2026-q4` -> `2026-Q4`."""
    return text.strip().upper()


def names_a_cycle(word: str) -> bool:
    """A word that starts with a year is meant as a cycle (`2026-Q4`, `2026`, `2026.q4`), so a
    slip gets "no such cycle" rather than being read as a person's name."""
    return _YEAR_FIRST.match(word.strip()) is not None
