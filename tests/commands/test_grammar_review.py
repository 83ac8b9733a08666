"""`/okr score O-n` (评分) and `/okr review [...]` (复盘) parse in English and Chinese."""

from __future__ import annotations

import pytest

from commands.grammar import parse
from commands.types import CommandError, OkrReview, OkrScore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/okr score O-2", OkrScore(2)),
        ("okr 评分 o2", OkrScore(2)),
        ("/okr 打分 #7", OkrScore(7)),
        ("/okr 复盘 O-3", OkrScore(3)),
        ("/okr review", OkrReview()),
        ("/okr 复盘", OkrReview()),
        ("/okr review 2026-q4", OkrReview(cycle="2026-Q4")),
        ("/okr review team", OkrReview("team")),
        ("/okr 复盘 团队 2026-Q3", OkrReview("team", cycle="2026-Q3")),
        ("/okr review department", OkrReview("department")),
        ("/okr review dept Sales Ops 2026-Q4", OkrReview("department", "Sales Ops", "2026-Q4")),
        ("/okr 复盘 部门 销售部", OkrReview("department", "销售部")),
        ("/okr review @Ana", OkrReview("person", "@Ana")),
        ("/okr review ana@example.com 2026-Q4", OkrReview("person", "ana@example.com", "2026-Q4")),
        ("/okr review Ana Lima", OkrReview("person", "Ana Lima")),
        ("/okr review me 2026-Q4", OkrReview(cycle="2026-Q4")),
    ],
)
def test_review_commands_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("/okr score", "error.missing_objective_ref"),
        ("/okr score KR-x", "error.bad_objective_ref"),
        ("/okr score O-2 O-3", "error.too_many_args"),
        ("/okr review team extra", "error.too_many_args"),
    ],
)
def test_bad_review_input_names_the_usage(text: str, key: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse(text)
    assert raised.value.key == key
    assert raised.value.usage in ("okr.score", "okr.review")
