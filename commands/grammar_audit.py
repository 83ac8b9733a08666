"""`/hr audit [@person] [since DATE] [until DATE]` (`/hr 审计 [@某人] [从 DATE] [到 DATE]`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from commands.grammar_words import period_label
from commands.types import Command, CommandError, HrAudit

if TYPE_CHECKING:
    from commands.grammar import Args

USAGE = "hr.audit"
SINCE_WORDS = {"since", "from", "after", "从", "自", "起"}
UNTIL_WORDS = {"until", "till", "to", "before", "到", "至", "止"}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(period_label(text))
    except ValueError:
        raise CommandError("audit.bad_date", {"date": text}, usage=USAGE) from None


def parse_audit(args: Args) -> Command:
    """An optional person, then optional `since DATE` and `until DATE` (inclusive days)."""
    person: str | None = None
    since: date | None = None
    until: date | None = None
    tokens = args.tokens
    index = 0
    while index < len(tokens):
        word = tokens[index].norm
        if word in SINCE_WORDS or word in UNTIL_WORDS:
            if index + 1 >= len(tokens):
                raise CommandError("audit.missing_date", {"word": word}, usage=USAGE)
            day = _date(tokens[index + 1].norm)
            if word in SINCE_WORDS:
                since = day
            else:
                until = day
            index += 2
            continue
        if person is not None and since is None and until is None:
            person += " " + args.original[tokens[index].start :].split()[0]  # "@Ana Lima"
        elif person is not None:
            raise CommandError("error.too_many_args", usage=USAGE)
        else:
            person = args.original[tokens[index].start :].split()[0]
        index += 1
    if since is not None and until is not None and until < since:
        raise CommandError(
            "audit.bad_range", {"since": since.isoformat(), "until": until.isoformat()}, USAGE
        )
    return HrAudit(person=person, since=since, until=until)
