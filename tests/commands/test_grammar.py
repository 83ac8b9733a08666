"""The command grammar: English and Chinese, any width and spacing; errors with usage."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.grammar import VERBS, parse
from commands.types import (
    CommandError,
    Help,
    KpiList,
    KpiRecord,
    KpiShow,
    OkrDecide,
    OkrList,
    OkrShow,
    OkrUpdate,
    ValueKind,
)
from storage.models import Confidence


@pytest.mark.parametrize(
    "text",
    [
        "/okr update KR-12 65",
        "/OKR UPDATE kr-12 65",
        "okr update 12 65",
        "/okr   update\tKR12   65 ",
        "/okr 更新 KR-12 65",
        "／ｏｋｒ　ｕｐｄａｔｅ　ＫＲ－１２　６５",
        "update KR-12 65",
        "更新 12 65",
        "/okr update #12 65",
        "/okr update KR–12 65",
    ],
)
def test_update_spellings_all_parse_alike(text: str) -> None:
    command = parse(text)
    assert isinstance(command, OkrUpdate)
    assert command.kr_number == 12
    assert command.value.amount == 65


def test_update_with_confidence_and_note_keeps_the_note_as_typed() -> None:
    command = parse("/okr 更新 KR-3 60 有风险 供应商延期，下周到货")
    assert command == OkrUpdate(
        3, parse("/okr update 3 60").value, Confidence.AT_RISK, "供应商延期，下周到货"
    )


@pytest.mark.parametrize(
    ("word", "confidence"),
    [
        ("on-track", Confidence.ON_TRACK),
        ("at-risk", Confidence.AT_RISK),
        ("off-track", Confidence.OFF_TRACK),
        ("正常", Confidence.ON_TRACK),
        ("落后", Confidence.OFF_TRACK),
        ("AT_RISK", Confidence.AT_RISK),
    ],
)
def test_confidence_aliases(word: str, confidence: Confidence) -> None:
    command = parse(f"/okr update KR-1 40 {word}")
    assert isinstance(command, OkrUpdate)
    assert command.confidence is confidence
    assert command.note is None


def test_a_note_without_confidence() -> None:
    command = parse("/okr update KR-1 40 waiting for the supplier")
    assert isinstance(command, OkrUpdate)
    assert command.confidence is None
    assert command.note == "waiting for the supplier"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/okr", OkrList()),
        ("/okr list", OkrList()),
        ("/okr 列表", OkrList()),
        ("/okr list @ana", OkrList(person="@ana")),
        ("/okr list @Ana Lima", OkrList(person="@Ana Lima")),
        ("/okr show O-3", OkrShow(3)),
        ("/okr 查看 o3", OkrShow(3)),
        ("/okr help", Help("okr")),
        ("/okr 帮助", Help("okr")),
        ("help", Help()),
        ("", Help()),
        ("/kpi", KpiList()),
        ("/kpi list", KpiList()),
        ("/kpi show loss_rate", KpiShow("LOSS_RATE")),
        ("/kpi 帮助", Help("kpi")),
    ],
)
def test_other_commands(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_kpi_record_with_and_without_period() -> None:
    with_period = parse("/kpi record loss_rate 4.2% 2026-11")
    assert isinstance(with_period, KpiRecord)
    assert (with_period.code, with_period.value.amount, with_period.period) == (
        "LOSS_RATE",
        4.2,
        "2026-11",
    )
    assert with_period.value.kind is ValueKind.PERCENT
    without = parse("/kpi 记录 MONTHLY_SALES ¥1,200,000")
    assert isinstance(without, KpiRecord)
    assert without.value.amount == 1_200_000
    assert without.period is None


@pytest.mark.parametrize(
    ("text", "key", "usage"),
    [
        ("/okr update", "error.missing_kr_ref", "okr.update"),
        ("/okr update KR-x 4", "error.bad_kr_ref", "okr.update"),
        ("/okr update KR-1", "error.missing_value", "okr.update"),
        ("/okr update KR-1 sixty", "error.bad_value", "okr.update"),
        ("/okr show", "error.missing_objective_ref", "okr.show"),
        ("/okr show 1x", "error.bad_objective_ref", "okr.show"),
        ("/okr frobnicate", "error.unknown_verb", "okr.help"),
        ("/okr updte KR-1 3", "error.unknown_verb_close", "okr.update"),
        ("/okr aprove O-3", "error.unknown_verb_close", "okr.approve"),
        ("/kpi recrod LOSS_RATE 4", "error.unknown_verb_close", "kpi.record"),
        ("/kpi record", "error.missing_kpi_code", "kpi.record"),
        ("/kpi record LOSS_RATE", "error.missing_value", "kpi.record"),
        ("/kpi record LOSS_RATE 4 2026-13", "error.bad_period", "kpi.record"),
        ("/kpi record LOSS_RATE 4 2026-11 extra", "error.too_many_args", "kpi.record"),
        ("/kpi show 1bad", "error.bad_kpi_code", "kpi.show"),
    ],
)
def test_errors_name_the_problem_and_the_usage(text: str, key: str, usage: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(text)
    assert caught.value.key == key
    assert caught.value.usage == usage


def test_free_text_is_an_unknown_command() -> None:
    with pytest.raises(CommandError) as caught:
        parse("hello there")
    assert (caught.value.key, caught.value.usage) == ("error.unknown_command", "help")


def test_every_verb_has_a_distinct_name_within_its_namespace() -> None:
    seen: set[tuple[str, str]] = set()
    for verb in VERBS:
        for name in verb.names:
            assert (verb.namespace, name) not in seen
            seen.add((verb.namespace, name))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_raises_anything_but_a_command_error(text: str) -> None:
    with contextlib.suppress(CommandError):
        parse(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "/okr",
                "okr",
                "update",
                "更新",
                "KR-1",
                "KR-",
                "1",
                "65%",
                "¥1,000",
                "1.2k",
                "@",
                "有风险",
                "at-risk",
                "/kpi",
                "record",
                "show",
                "O-",
                "2026-11",
                "　",
                "－",
                "ｋｒ",
            ]
        ),
        max_size=8,
    )
)
def test_command_like_word_salad_never_crashes(words: list[str]) -> None:
    with contextlib.suppress(CommandError):
        parse(" ".join(words))


@pytest.mark.parametrize("verb", ["changes", "request-changes", "send-back", "sendback", "退回"])
def test_sending_back_has_the_names_managers_use(verb: str) -> None:
    assert parse(f"/okr {verb} O-3 split KR-2 in two") == OkrDecide(
        "changes", 3, "split KR-2 in two"
    )


def test_show_takes_a_key_result_too() -> None:
    assert parse("/okr show KR-12") == OkrShow(0, kr_number=12)
    assert parse("/okr 查看 O-3") == OkrShow(3)
