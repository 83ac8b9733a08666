"""The check-in line: several KRs in one `/okr update` (, ; ， ；), confidence words wherever
they stand (with or without a space or hyphen, English and Chinese), ambiguous lines refused."""

from __future__ import annotations

import pytest

from commands.grammar import parse
from commands.types import CommandError, OkrUpdate, OkrUpdateMany, Value, ValueKind
from storage.models.enums import Confidence

AT_RISK, ON_TRACK, OFF_TRACK = Confidence.AT_RISK, Confidence.ON_TRACK, Confidence.OFF_TRACK


def said(update: OkrUpdate) -> tuple[int, float, Confidence | None, str | None]:
    return update.kr_number, update.value.amount, update.confidence, update.note


@pytest.mark.parametrize(
    "text",
    [
        "/okr update KR-1 4, KR-2 6.2m at-risk supplier late; KR-3 2.5",
        "/okr update KR-1 4，KR-2 6.2m at risk supplier late；KR-3 2.5",
        "/okr update KR-1 4 ; KR-2 6.2m atrisk supplier late , KR-3 2.5",
        "/okr 更新 1 4，2 6.2m 有风险 supplier late；3 2.5",
        "/okr update KR-1 4,KR-2 6.2m supplier late at_risk;KR-3 2.5",
    ],
)
def test_several_krs_in_one_line(text: str) -> None:
    command = parse(text)
    assert isinstance(command, OkrUpdateMany)
    assert [said(u) for u in command.updates] == [
        (1, 4, None, None),
        (2, 6_200_000, AT_RISK, "supplier late"),
        (3, 2.5, None, None),
    ]


@pytest.mark.parametrize(
    ("text", "confidence", "note"),
    [
        ("/okr update KR-3 2.5 days at-risk", AT_RISK, "days"),
        ("/okr update KR-1 4 at risk", AT_RISK, None),
        ("/okr update KR-1 4 at-risk", AT_RISK, None),
        ("/okr update KR-1 4 atrisk", AT_RISK, None),
        ("/okr update KR-1 4 AT_RISK", AT_RISK, None),
        ("/okr update KR-1 at risk 4 legal slow", AT_RISK, "legal slow"),
        ("/okr update KR-1 4 legal slow, at risk", AT_RISK, "legal slow"),
        (
            "/okr update KR-1 4 legal is slow (at risk) really",
            AT_RISK,
            "legal is slow really",
        ),
        ("/okr update KR-1 4 off track since March", OFF_TRACK, "since March"),
        ("/okr update KR-1 4 offtrack", OFF_TRACK, None),
        ("/okr update KR-1 4 back on track now", ON_TRACK, "back now"),
        ("/okr 更新 KR-1 4 有 风险", AT_RISK, None),
        ("/okr 更新 KR-1 4 有风险", AT_RISK, None),
        ("/okr 更新 KR-1 4 供应商延期 有风险", AT_RISK, "供应商延期"),
        ("/okr 更新 KR-1 4 有风险，供应商延期", AT_RISK, "供应商延期"),
        ("/okr 更新 KR-1 4 供应商延期，有风险", AT_RISK, "供应商延期"),
        ("/okr 更新 KR-1 4 严重 落后", OFF_TRACK, None),
        ("/okr 更新 KR-1 4 一切 正常", ON_TRACK, "一切"),
        ("/okr 更新 KR-1 4 按 计划 推进", ON_TRACK, "推进"),
        ("/okr update KR-1 4 red tape", OFF_TRACK, "tape"),  # a plain word right after the value
        ("/okr update KR-1 4 the red tape", None, "the red tape"),  # … and only there
        ("/okr update KR-1 4 没有风险", None, "没有风险"),
        ("/okr update KR-1 4 没有 风险", None, "没有 风险"),
        ("/okr update KR-1 4 不正常的天气", None, "不正常的天气"),
    ],
)
def test_confidence_words_anywhere(text: str, confidence: Confidence | None, note: str) -> None:
    command = parse(text)
    assert isinstance(command, OkrUpdate)
    assert (command.confidence, command.note) == (confidence, note)


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("/okr update KR-1 4 not at risk", "update.negated_confidence", {"text": "not at risk"}),
        ("/okr 更新 KR-1 4 不 正常", "update.negated_confidence", {"text": "不 正常"}),
        ("/okr 更新 KR-1 4 没有 有风险", "update.negated_confidence", {"text": "没有 有风险"}),
        (
            "/okr update KR-1 4 at risk, on track by May",
            "update.two_confidences",
            {"first": "at risk", "second": "on track"},
        ),
        (
            "/okr 更新 KR-1 4 正常 有风险",
            "update.two_confidences",
            {"first": "正常", "second": "有风险"},
        ),
        ("/okr update KR-1 4, KR-1 5", "update.same_kr_twice", {"ref": "KR-1"}),
        ("/okr update KR-1 4, KR-2", "error.missing_value", {"ref": "KR-2"}),
        ("/okr update KR-1 at risk", "error.missing_value", {"ref": "KR-1"}),
        ("/okr update KR-1 4; KR-x 5", "error.bad_kr_ref", {"ref": "KR-x"}),
    ],
)
def test_an_ambiguous_line_is_refused_with_the_reason(
    text: str, key: str, params: dict[str, str]
) -> None:
    with pytest.raises(CommandError) as refused:
        parse(text)
    assert (refused.value.key, refused.value.params, refused.value.usage) == (
        key,
        params,
        "okr.update",
    )


@pytest.mark.parametrize(
    ("text", "notes"),
    [
        ("/okr update KR-1 ¥1,000,000, KR-2 5", [None, None]),  # a thousands separator
        ("/okr update KR-1 4 waited 2, 3 weeks", ["waited 2, 3 weeks"]),  # no value after 3
        ("/okr update KR-1 4 cost 1,500 more", ["cost 1,500 more"]),
        ("/okr 更新 KR-3 60 有风险 供应商延期，下周到货", ["供应商延期，下周到货"]),
    ],
)
def test_commas_that_start_no_new_kr(text: str, notes: list[str | None]) -> None:
    command = parse(text)
    updates = command.updates if isinstance(command, OkrUpdateMany) else (command,)
    assert [u.note for u in updates] == notes
    first = updates[0]
    assert isinstance(first, OkrUpdate)
    if "¥" in text:
        assert first.value == Value(1_000_000, ValueKind.CURRENCY, "¥", "¥1,000,000")
