"""Header rows of the files HR and business systems hand over: a header as a column name."""

from __future__ import annotations

import re


def header_name(text: str, aliases: dict[str, str]) -> str:
    """`Manager Email`, `manager-email`, `上级邮箱` → `manager_email`: lower case, spaces and
    dashes as `_`, then through `aliases` (other names for the same column)."""
    name = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return aliases.get(name, name)
