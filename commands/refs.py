"""How people name objectives and key results: `O-3`, `o3`, `#3`; `KR-7`, `kr7`, `#7`, `7`.
One place for the patterns the grammar, buttons and forms all read (after `grammar.normalise`
or as typed: the patterns ignore case)."""

from __future__ import annotations

import re

KR_REF = re.compile(r"^(?:kr-?|#)?(\d{1,9})$", re.IGNORECASE)
KR_ONLY_REF = re.compile(r"^kr-?(\d{1,9})$", re.IGNORECASE)  # `KR-n` only, not a bare number
OBJECTIVE_REF = re.compile(r"^(?:o-?|#)?(\d{1,9})$", re.IGNORECASE)
EXPLICIT_OBJECTIVE_REF = re.compile(r"^(?:o-?|#)(\d{1,9})$", re.IGNORECASE)  # not a bare number


def kr_number(text: str) -> int | None:
    """The number of `KR-7`, `kr7`, `#7` or `7`; None when the text names no KR."""
    match = KR_REF.match(text.strip())
    return int(match[1]) if match else None


def objective_number(text: str) -> int | None:
    """The number of `O-3`, `o3`, `#3` or `3`; None when the text names no objective."""
    match = OBJECTIVE_REF.match(text.strip())
    return int(match[1]) if match else None
