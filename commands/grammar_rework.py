"""Reworking a draft by typing: `/okr edit O-n KR-2 target 4m` changes one field,
`/okr edit O-n title New title` the objective's title, `/okr submit O-n` sends it (again) for
approval. `/okr edit O-n` alone reopens the whole draft (a form, or step by step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.refs import EXPLICIT_OBJECTIVE_REF, KR_REF, OBJECTIVE_REF
from commands.types import Command, CommandError, OkrEdit, OkrEditField, OkrSubmit

if TYPE_CHECKING:
    from commands.grammar import Args

FIELDS: dict[str, str] = {
    **dict.fromkeys(["title", "name", "标题", "名称"], "title"),
    **dict.fromkeys(["target", "goal", "目标", "目标值"], "target"),
    **dict.fromkeys(["start", "baseline", "from", "起始", "起始值", "基线"], "start"),
    **dict.fromkeys(["unit", "单位"], "unit"),
    **dict.fromkeys(["weight", "w", "权重"], "weight"),
}
KR_FIELDS = frozenset({"title", "target", "start", "unit", "weight"})


def _objective(args: Args, usage: str) -> int:
    if not args.tokens:
        raise CommandError("error.missing_objective_ref", usage=usage)
    match = OBJECTIVE_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_objective_ref", {"ref": args.tokens[0].norm}, usage=usage)
    return int(match[1])


def parse_edit(args: Args) -> Command:
    """`O-n` (the whole draft), `O-n FIELD VALUE` or `O-n KR-m FIELD VALUE` (one field)."""
    usage = "okr.edit"
    number = _objective(args, usage)
    if len(args.tokens) == 1:
        return OkrEdit(number)
    index, kr_number = 1, None
    word = args.tokens[1].norm
    kr = KR_REF.match(word)
    if kr is not None and not EXPLICIT_OBJECTIVE_REF.match(word):
        kr_number, index = int(kr[1]), 2
    field = FIELDS.get(args.tokens[index].norm) if index < len(args.tokens) else None
    if field is None or (kr_number is None and field != "title"):
        shown = args.tokens[index].norm if index < len(args.tokens) else ""
        raise CommandError("edit.which_field", {"field": shown}, usage=usage)
    value = args.rest_from(index + 1)
    if value is None:
        raise CommandError("edit.missing_value", {"field": field}, usage=usage)
    return OkrEditField(number, kr_number, field, value)


def parse_submit(args: Args) -> Command:
    """`O-n`: send a draft (again) for approval."""
    usage = "okr.submit"
    number = _objective(args, usage)
    if len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage=usage)
    return OkrSubmit(number)
