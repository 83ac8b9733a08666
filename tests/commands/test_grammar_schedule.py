"""The grammar of `/okr pause|resume|prompts` and `/hr broadcast|status`, English and Chinese."""

from __future__ import annotations

from datetime import date

import pytest

from commands.grammar import parse
from commands.types import (
    Command,
    CommandError,
    Help,
    HrBroadcast,
    HrStatus,
    OkrPause,
    OkrPromptTime,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/okr pause until 2026-12-01", OkrPause(date(2026, 12, 1))),
        ("暂停 至 2026/12/1", OkrPause(date(2026, 12, 1))),
        ("/okr pause 2026-12-01", OkrPause(date(2026, 12, 1))),
        ("/okr snooze until 2026-12-01", OkrPause(date(2026, 12, 1))),
        ("/okr vacation until 2026-12-01", OkrPause(date(2026, 12, 1))),
        ("休假 至 2026-12-01", OkrPause(date(2026, 12, 1))),
        ("/okr resume", OkrPause(None)),
        ("恢复", OkrPause(None)),
        ("/okr prompts mon 09:30", OkrPromptTime("mon", "09:30")),
        ("/okr 提醒时间 周三 9:05", OkrPromptTime("wed", "09:05")),
        ("/okr prompts ９：３０", OkrPromptTime(None, "09:30")),
        ("/okr prompts friday", OkrPromptTime("fri", None)),
        ("/okr prompts friday 8am", OkrPromptTime("fri", "08:00")),
        ("/okr prompts thu 3:15 pm", OkrPromptTime("thu", "15:15")),
        ("/okr prompts 12am", OkrPromptTime(None, "00:00")),
        ("/okr prompts 21h30", OkrPromptTime(None, "21:30")),
        ("/okr 提醒时间 周五 下午3点", OkrPromptTime("fri", "15:00")),
        ("/okr 提醒时间 9点半", OkrPromptTime(None, "09:30")),
        ("/okr 提醒时间 晚上8点30分", OkrPromptTime(None, "20:30")),
        ("/okr prompts 默认", OkrPromptTime()),
        ("/hr", Help("hr")),
        (
            "/hr broadcast everyone Q4 reviews due Friday",
            HrBroadcast("everyone", "Q4 reviews due Friday"),
        ),
        (
            "/hr 广播 Department:销售部,Ops 周五前 完成评估 确认",
            HrBroadcast("department:", "", True, departments_and_text="销售部,Ops 周五前 完成评估"),
        ),
        ("/hr broadcast ROLE:Manager hi confirm", HrBroadcast("role:manager", "hi", True)),
        ("/hr status", HrStatus()),
        ("/hr 状态 #3", HrStatus(3)),
    ],
)
def test_parses(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "usage"),
    [
        ("/okr pause", "schedule.pause.missing_date", "okr.pause"),
        ("/okr pause until 2026-13-01", "schedule.pause.bad_date", "okr.pause"),
        ("/okr prompts", "schedule.prompts.missing", "okr.prompts"),
        ("/okr prompts mon tue", "schedule.prompts.bad", "okr.prompts"),
        ("/okr prompts wed 25:00", "schedule.prompts.bad", "okr.prompts"),
        ("/okr prompts 13pm", "schedule.prompts.bad", "okr.prompts"),
        ("/okr prompts 9", "schedule.prompts.bad", "okr.prompts"),
        ("/hr broadcast everyone confirm", "hr.broadcast.missing", "hr.broadcast"),
        ("/hr status 1 2", "hr.status.bad_ref", "hr.status"),
        ("/hr shout everyone hi", "error.unknown_verb", "hr.help"),
    ],
)
def test_bad_input_names_its_usage(text: str, key: str, usage: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse(text)
    assert (raised.value.key, raised.value.usage) == (key, usage)
