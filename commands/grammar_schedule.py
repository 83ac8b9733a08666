"""Parsers for a person's prompt schedule (`/okr pause|resume|prompts`) and `/hr` verbs.

Rows for them live in grammar.VERBS; the parsing is here to keep grammar.py short.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from commands.grammar_words import audience_spec, clock_time, period_label
from commands.types import (
    Command,
    CommandError,
    HrBroadcast,
    HrStatus,
    OkrDelegate,
    OkrPause,
    OkrPromptTime,
)

if TYPE_CHECKING:
    from commands.grammar import Args

DAYS: dict[str, str] = {}
for _index, _day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
    _zh = "一二三四五六日"[_index]
    _long = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    DAYS.update(dict.fromkeys([_day, _long[_index], f"周{_zh}", f"星期{_zh}"], _day))
DAYS.update({"周天": "sun", "星期天": "sun"})

_UNTIL = {"until", "till", "to", "到", "至", "直到"}
_RESET = {"default", "reset", "默认", "恢复默认"}
_CONFIRM = {"confirm", "yes", "确认", "发送"}
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_pause(args: Args) -> Command:
    """`until 2026-12-01` or just `2026-12-01`."""
    usage = "okr.pause"
    tokens = [t for t in args.tokens if t.norm not in _UNTIL]
    if len(tokens) != 1:
        raise CommandError("schedule.pause.missing_date", usage=usage)
    match = _DATE.match(period_label(tokens[0].norm))
    try:
        if match is None:
            raise ValueError(tokens[0].norm)
        return OkrPause(date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        raise CommandError("schedule.pause.bad_date", {"date": tokens[0].norm}, usage) from None


_OFF = {"off", "stop", "none", "end", "取消", "结束", "关闭"}


def parse_delegate(args: Args) -> Command:
    """`@person [until 2026-12-31]`, or `off`."""
    usage = "okr.delegate"
    if len(args.tokens) == 1 and args.tokens[0].norm in _OFF:
        return OkrDelegate(None)
    if not args.tokens:
        raise CommandError("delegate.missing", usage=usage)
    at = next((i for i, t in enumerate(args.tokens) if t.norm in _UNTIL), None)
    if at is None and len(args.tokens) > 1 and _DATE.match(period_label(args.tokens[-1].norm)):
        at = len(args.tokens) - 1  # `@person 2026-12-31`
    end = at if at is not None else len(args.tokens)
    person = args.original[
        args.tokens[0].start : (
            args.tokens[end].start if end < len(args.tokens) else len(args.original)
        )
    ].strip()
    if not person:
        raise CommandError("delegate.missing", usage=usage)
    until: date | None = None
    if at is not None:
        dated = [t for t in args.tokens[at:] if t.norm not in _UNTIL]
        match = _DATE.match(period_label(dated[0].norm)) if len(dated) == 1 else None
        try:
            if match is None:
                raise ValueError
            until = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            shown = " ".join(t.norm for t in dated) or args.tokens[at].norm
            raise CommandError("delegate.bad_date", {"date": shown}, usage) from None
    return OkrDelegate(person, until)


def parse_undelegate(args: Args) -> Command:
    if args.tokens:
        raise CommandError("error.too_many_args", usage="okr.undelegate")
    return OkrDelegate(None)


def parse_resume(args: Args) -> Command:
    if args.tokens:
        raise CommandError("error.too_many_args", usage="okr.resume")
    return OkrPause(None)


def parse_prompts(args: Args) -> Command:
    """`mon 09:30`, `wed`, `09:30`, or `default`: either part may be left out."""
    usage = "okr.prompts"
    if len(args.tokens) == 1 and args.tokens[0].norm in _RESET:
        return OkrPromptTime()
    if not args.tokens or len(args.tokens) > 3:
        raise CommandError("schedule.prompts.missing", usage=usage)
    day: str | None = None
    time: str | None = None
    for word in _joined_meridiem([token.norm for token in args.tokens]):
        if word in DAYS and day is None:
            day = DAYS[word]
        elif (clock := clock_time(word)) is not None and time is None:
            time = clock
        else:
            raise CommandError("schedule.prompts.bad", {"value": word}, usage=usage)
    return OkrPromptTime(day, time)


def _joined_meridiem(words: list[str]) -> list[str]:
    """`3 pm` → `3pm`."""
    joined: list[str] = []
    for word in words:
        if word in ("am", "pm") and joined:
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def parse_broadcast(args: Args) -> Command:
    """`AUDIENCE MESSAGE… [confirm]`."""
    usage = "hr.broadcast"
    tokens = args.tokens
    confirm = bool(tokens) and tokens[-1].norm in _CONFIRM
    if confirm:
        tokens = tokens[:-1]
    if len(tokens) < 2:
        raise CommandError("hr.broadcast.missing", usage=usage)
    end = args.tokens[-1].start if confirm else len(args.original)
    text = args.original[tokens[1].start : end].strip()
    kind, colon, arg = audience_spec(tokens[0].norm).partition(":")
    if kind in ("department", "dept") and colon:
        # Names may have spaces and keep their case: the handler splits names from the message.
        raw = args.original[tokens[0].start : end]
        cut = min(i for i in (raw.find(":"), raw.find("："), len(raw)) if i >= 0)
        return HrBroadcast("department:", "", confirm, departments_and_text=raw[cut + 1 :].strip())
    return HrBroadcast(kind + colon + arg, text, confirm)


def parse_status(args: Args) -> Command:
    usage = "hr.status"
    if not args.tokens:
        return HrStatus()
    ref = args.tokens[0].norm.lstrip("#")
    if len(args.tokens) > 1 or not ref.isdigit():
        raise CommandError("hr.status.bad_ref", {"ref": args.tokens[0].norm}, usage=usage)
    return HrStatus(int(ref))
