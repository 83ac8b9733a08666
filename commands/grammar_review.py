"""Parsers for scoring and the review report (`/okr score O-n`, `/okr review …`).

Rows for them live in grammar.VERBS; the parsing is here to keep grammar.py short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.refs import EXPLICIT_OBJECTIVE_REF, OBJECTIVE_REF
from commands.types import Command, CommandError, OkrReview, OkrScore
from storage import cycle_names

if TYPE_CHECKING:
    from commands.grammar import Args

_SCOPES = {
    **dict.fromkeys(["team", "reports", "团队", "下属"], "team"),
    **dict.fromkeys(["department", "dept", "部门"], "department"),
    **dict.fromkeys(["me", "mine", "我", "我的"], "person"),
}


def parse_score(args: Args) -> Command:
    """`O-n`."""
    usage = "okr.score"
    if not args.tokens:
        raise CommandError("error.missing_objective_ref", usage=usage)
    if len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage=usage)
    match = OBJECTIVE_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_objective_ref", {"ref": args.tokens[0].norm}, usage=usage)
    return OkrScore(int(match[1]))


def parse_review(args: Args) -> Command:
    """`[@person|team|department [NAME]] [CYCLE]`; `O-n` alone starts scoring it."""
    tokens = list(args.tokens)
    if len(tokens) == 1 and (match := EXPLICIT_OBJECTIVE_REF.match(tokens[0].norm)):
        return OkrScore(int(match[1]))
    cycle: str | None = None
    if tokens and cycle_names.names_a_cycle(tokens[-1].norm):
        cycle = args.original[tokens[-1].start :].split()[0].upper()
        tokens = tokens[:-1]
    if not tokens:
        return OkrReview(cycle=cycle)
    scope = _SCOPES.get(tokens[0].norm)
    if scope is None:
        end = len(args.original) if len(tokens) == len(args.tokens) else args.tokens[-1].start
        subject = args.original[tokens[0].start : end].strip()
        return OkrReview("person", subject, cycle)
    if scope == "team" and len(tokens) > 1:
        raise CommandError("error.too_many_args", usage="okr.review")
    rest = None
    if len(tokens) > 1:
        end = len(args.original) if len(tokens) == len(args.tokens) else args.tokens[-1].start
        rest = args.original[tokens[1].start : end].strip() or None
    if scope == "person":
        return OkrReview(cycle=cycle) if rest is None else OkrReview("person", rest, cycle)
    return OkrReview(scope, rest, cycle)
