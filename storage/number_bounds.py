"""What a number okrbot stores may look like: finite, at most 15 significant digits (what a
float keeps exactly and a person can read), and smaller than 10^15 in size."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_SIGNIFICANT = 15
LIMIT = Decimal(10) ** 15


def exact(text: str) -> Decimal | None:
    """The number written in `text`, or None when it is not one."""
    try:
        found = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() else None


def of_float(number: float) -> Decimal | None:
    """A float computed elsewhere (a database, a spreadsheet), rounded to what it can mean."""
    return exact(format(number, f".{MAX_SIGNIFICANT}g"))


def within_bounds(number: Decimal) -> bool:
    """True for a number okrbot can store and show as written."""
    digits = len(number.normalize().as_tuple().digits)
    return number.is_finite() and digits <= MAX_SIGNIFICANT and abs(number) < LIMIT
