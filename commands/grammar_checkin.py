"""Parsers for the guided check-in (`/okr checkin`) and KR adjustments (`/okr adjust KR-n …`).

Rows for them live in grammar.VERBS; the parsing is here to keep grammar.py short.
`/okr checkin KR-n VALUE …` with arguments stays the one-line update it always was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.refs import KR_REF
from commands.types import Command, CommandError, OkrAdjust, OkrCheckin
from commands.values import parse_value
from commands.words import normalise
from storage.text_limits import REASON_MAX

if TYPE_CHECKING:
    from commands.grammar import Args

MAX_REASON = REASON_MAX  # why a KR is adjusted (storage/text_limits.py)


def parse_checkin(args: Args) -> Command:
    """No arguments: the guided check-in; `KR-n VALUE …`: the one-line update."""
    if not args.tokens:
        return OkrCheckin()
    from commands.grammar import _parse_okr_update

    return _parse_okr_update(args)


def parse_adjust(args: Args) -> Command:
    """`KR-n` (step by step) or `KR-n NEW_TARGET REASON…` (the reason is required)."""
    usage = "okr.adjust"
    if not args.tokens:
        raise CommandError("error.missing_kr_ref", usage=usage)
    match = KR_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_kr_ref", {"ref": args.tokens[0].norm}, usage=usage)
    number = int(match[1])
    if len(args.tokens) == 1:
        return OkrAdjust(number)
    title: str | None = None
    after = args.original[args.tokens[1].start :]
    bar = min((i for i in (after.find("|"), after.find("｜")) if i >= 0), default=-1)
    if bar >= 0:  # `KR-n TITLE | TARGET REASON`
        title, after = after[:bar].strip(), after[bar + 1 :].strip()
        if not title or not after:
            raise CommandError("adjust.bad_quick_title", usage=usage)
    value, _, reason = after.partition(" ")
    try:
        target = parse_value(normalise(value))
    except CommandError as error:
        error.usage = usage
        raise
    if not reason.strip():
        raise CommandError("adjust.reason_needed", {"max": MAX_REASON}, usage=usage)
    return OkrAdjust(number, target, reason.strip(), title)
