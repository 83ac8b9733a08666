"""Value parsing: separators, suffixes, currencies, percentages, yes/no."""

from __future__ import annotations

import pytest

from commands.types import CommandError, ValueKind
from commands.values import parse_value


@pytest.mark.parametrize(
    ("text", "amount", "kind"),
    [
        ("65", 65, ValueKind.PLAIN),
        ("65%", 65, ValueKind.PERCENT),
        ("5.95%", 5.95, ValueKind.PERCENT),
        ("1.2k", 1200, ValueKind.PLAIN),
        ("1.5M", 1_500_000, ValueKind.PLAIN),
        ("1.5万", 15_000, ValueKind.PLAIN),
        ("2亿", 200_000_000, ValueKind.PLAIN),
        ("¥1,000,000", 1_000_000, ValueKind.CURRENCY),
        ("$1.2m", 1_200_000, ValueKind.CURRENCY),
        ("100元", 100, ValueKind.CURRENCY),
        ("-3", -3, ValueKind.PLAIN),
        (".5", 0.5, ValueKind.PLAIN),
        ("yes", 1, ValueKind.BOOLEAN),
        ("完成", 1, ValueKind.BOOLEAN),
        ("no", 0, ValueKind.BOOLEAN),
    ],
)
def test_values(text: str, amount: float, kind: ValueKind) -> None:
    value = parse_value(text)
    assert value.amount == pytest.approx(amount)
    assert value.kind is kind


@pytest.mark.parametrize("text", ["abc", "1,2", "12,34,567", "¥$5", "5%k", "--5", "", "¥5%"])
def test_not_values(text: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_value(text)
    assert caught.value.key == "error.bad_value"
