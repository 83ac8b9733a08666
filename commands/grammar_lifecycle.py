"""Parsers for the alignment map and cycle rollover: `/okr map`, `/okr cycle`, `/okr carry`.

Rows for them live in grammar.VERBS; the parsing is here to keep grammar.py short.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from commands.grammar_words import cycle_label, period_label
from commands.refs import OBJECTIVE_REF
from commands.types import Command, CommandError, OkrCarry, OkrCycle, OkrMap
from storage import cycle_names

if TYPE_CHECKING:
    from commands.grammar import Args

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_EVERYTHING = {"all", "everything", "company", "全部", "所有", "公司"}
_LIST = {"list", "ls", "列表"}
_OPEN = {"open", "start", "开启", "开始", "新建"}
_CLOSE = {"close", "end", "关闭", "结束"}
_CARRY = {"carry", "carry-all", "rollover", "结转"}
_TO = {"to", "into", "到", "至"}


def parse_map(args: Args) -> Command:
    """Nothing, `all`, `O-n`, `@person`, or a department or person name."""
    if not args.tokens:
        return OkrMap()
    first = args.tokens[0].norm
    if first in _EVERYTHING and len(args.tokens) == 1:
        return OkrMap(everything=True)
    if (match := OBJECTIVE_REF.match(first)) is not None:
        if len(args.tokens) > 1:
            raise CommandError("error.too_many_args", usage="okr.map")
        return OkrMap(objective_number=int(match[1]))
    return OkrMap(subject=args.rest_from(0))


def cycle_name(text: str, usage: str) -> str:
    """A cycle name as stored (2026-Q4, 2026-H1, 2026-11, 2026-Y); Chinese spellings too
    (2026年第4季度, 2026年上半年)."""
    text = cycle_label(text)
    if not cycle_names.is_cycle_name(text):
        raise CommandError("cycles.bad_name", {"name": text}, usage=usage)
    return cycle_names.canonical(text)


def _date(text: str, usage: str) -> date:
    match = _DATE.match(period_label(text))
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CommandError("cycles.bad_date", {"date": text}, usage=usage) from None


def parse_cycle(args: Args) -> Command:
    """`list` | `open NAME [START END]` | `close NAME [carry [to CYCLE]]`."""
    usage = "okr.cycle"
    words = [t.norm for t in args.tokens]
    if not words or words[0] in _LIST:
        if len(words) > 1:
            raise CommandError("error.too_many_args", usage=usage)
        return OkrCycle()
    action, rest = words[0], words[1:]
    if action in _OPEN:
        if len(rest) not in (1, 3):
            raise CommandError("cycles.open_args", usage=usage)
        name = cycle_name(rest[0], usage)
        if len(rest) == 1:
            return OkrCycle("open", name)
        start, end = _date(rest[1], usage), _date(rest[2], usage)
        if end <= start:
            raise CommandError("cycles.bad_range", {"start": start, "end": end}, usage=usage)
        return OkrCycle("open", name, start, end)
    if action in _CLOSE:
        if not rest:
            raise CommandError("cycles.missing_name", usage=usage)
        name = cycle_name(rest[0], usage)
        options = [w for w in rest[1:] if w not in _CONFIRM]
        carry, carry_to = _carry_options(options, usage)
        confirm = len(options) < len(rest) - 1
        return OkrCycle("close", name, carry=carry, carry_to=carry_to, confirm=confirm)
    raise CommandError("cycles.unknown_action", {"action": action}, usage=usage)


_CONFIRM = {"confirm", "yes", "确认"}


def _carry_options(words: list[str], usage: str) -> tuple[bool, str | None]:
    if not words:
        return False, None
    if words[0] not in _CARRY:
        raise CommandError("error.too_many_args", usage=usage)
    if len(words) == 1:
        return True, None
    if len(words) == 3 and words[1] in _TO:
        return True, cycle_name(words[2], usage)
    raise CommandError("error.too_many_args", usage=usage)


def parse_carry(args: Args) -> Command:
    """`O-n [to CYCLE]`."""
    usage = "okr.carry"
    words = [t.norm for t in args.tokens]
    if not words:
        raise CommandError("error.missing_objective_ref", usage=usage)
    match = OBJECTIVE_REF.match(words[0])
    if match is None:
        raise CommandError("error.bad_objective_ref", {"ref": words[0]}, usage=usage)
    rest = words[1:]
    if rest and rest[0] in _TO:
        rest = rest[1:]
    if len(rest) > 1:
        raise CommandError("error.too_many_args", usage=usage)
    return OkrCarry(int(match[1]), cycle_name(rest[0], usage) if rest else None)
