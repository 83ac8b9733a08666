"""Parsers for `/okr link|unlink KR-n [CODE]` (关联 / 取消关联); rows live in grammar.VERBS."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from commands.refs import KR_REF
from commands.types import Command, CommandError, OkrLink

if TYPE_CHECKING:
    from commands.grammar import Args

_KPI_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def _parse(args: Args, usage: str, remove: bool) -> Command:
    if not args.tokens:
        raise CommandError("error.missing_kr_ref", usage=usage)
    if len(args.tokens) > 2:
        raise CommandError("error.too_many_args", usage=usage)
    match = KR_REF.match(args.tokens[0].norm)
    if match is None:
        raise CommandError("error.bad_kr_ref", {"ref": args.tokens[0].norm}, usage=usage)
    code: str | None = None
    if len(args.tokens) == 2:
        code = args.tokens[1].norm
        if not _KPI_CODE.match(code):
            raise CommandError("error.bad_kpi_code", {"code": code}, usage=usage)
        code = code.upper()
    elif remove:
        raise CommandError("error.missing_kpi_code", usage=usage)
    return OkrLink(int(match[1]), code, remove)


def parse_link(args: Args) -> Command:
    """`KR-n CODE` links; `KR-n` alone lists the KR's links."""
    return _parse(args, "okr.link", remove=False)


def parse_unlink(args: Args) -> Command:
    """`KR-n CODE`."""
    return _parse(args, "okr.unlink", remove=True)
