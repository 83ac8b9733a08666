"""Parsing typed values: numbers with separators, suffixes, currency and percent; yes/no."""

from __future__ import annotations

import re

from commands.types import CommandError, Value, ValueKind
from storage import number_bounds

_NUMBER = re.compile(
    r"""^(?P<sign>[-+])?
        (?P<currency>[¥$€£])?
        (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
        (?P<suffix>[kmb]|万|亿|%)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "b": 1e9, "万": 1e4, "亿": 1e8}
_TRUE = {"yes", "y", "true", "done", "是", "完成", "已完成", "达成"}
_FALSE = {"no", "n", "false", "not-done", "否", "未完成", "未达成"}
_CURRENCY_WORDS = {"rmb": "¥", "cny": "¥", "元": "¥", "usd": "$", "eur": "€"}


def parse_value(text: str) -> Value:
    """Parse one value token; raises CommandError('error.bad_value') when it is not a value."""
    token = text.strip()
    lowered = token.lower()
    if lowered in _TRUE:
        return Value(1.0, ValueKind.BOOLEAN, text=token)
    if lowered in _FALSE:
        return Value(0.0, ValueKind.BOOLEAN, text=token)
    currency: str | None = None
    for word, symbol in _CURRENCY_WORDS.items():
        if lowered.endswith(word) and len(lowered) > len(word):
            lowered, currency = lowered[: -len(word)], symbol
            break
    match = _NUMBER.match(lowered)
    if match is None or (currency and match["currency"]):
        raise CommandError("error.bad_value", {"value": token})
    digits = number_bounds.exact(match["digits"].replace(",", ""))
    if digits is None or not number_bounds.within_bounds(digits):
        raise CommandError("error.value_out_of_range", {"value": token})
    amount = float(digits)
    suffix = (match["suffix"] or "").lower()
    if suffix in _MULTIPLIERS:
        amount *= _MULTIPLIERS[suffix]
    if match["sign"] == "-":
        amount = -amount
    if abs(amount) >= number_bounds.LIMIT:
        raise CommandError("error.value_out_of_range", {"value": token})
    currency = currency or match["currency"]
    added = match["sign"] == "+"
    if suffix == "%":
        if currency:
            raise CommandError("error.bad_value", {"value": token})
        return Value(amount, ValueKind.PERCENT, text=token, added=added)
    if currency:
        return Value(amount, ValueKind.CURRENCY, currency=currency, text=token, added=added)
    return Value(amount, ValueKind.PLAIN, text=token, added=added)
