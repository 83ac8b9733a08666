"""The one-form check-in's data: which KRs a page holds, what its fields are called and
prefilled with, and what its submit button carries.

A page holds at most PAGE key results, so it fits every surface: a Slack modal (100 blocks;
a KR takes four) and a Feishu card (30 KB; a KR takes about 1.5 KB at the longest titles).
Beyond that the form pages: each submit records its page and shows the next.

The submit button carries the page's KR numbers, those of the pages still to come, how many
were recorded on earlier pages, and the newest check-in id when the form was made. All of it
comes back from the client, so the KR numbers are looked up again (the check-in operation's
lookup and permission check), and a KR checked in since the form was made is not overwritten
with the form's stale value: the page is shown again with today's values instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from commands.views import format_kr_value, kr_numbers
from storage.models import CheckIn, KeyResult
from storage.progress import percent, progress

PAGE = 15
MAX_REFS = 300  # a button value stays far below Slack's 2,000 characters


@dataclass(frozen=True)
class FormState:
    """What a form's submit button carries."""

    page: tuple[int, ...]
    rest: tuple[int, ...] = ()
    earlier: int = 0
    stamp: int = 0

    def encode(self) -> str:
        page = " ".join(map(str, self.page))
        rest = " ".join(map(str, self.rest[:MAX_REFS]))
        return f"{page}|{rest}|{self.earlier}|{self.stamp}"


def decode(value: str) -> FormState | None:
    """The state a submit button carries, or None when it is not one."""
    parts = value.split("|")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts[2:]):
        return None
    try:
        page = tuple(int(n) for n in parts[0].split())
        rest = tuple(int(n) for n in parts[1].split())
    except ValueError:
        return None
    if not page:
        return None
    return FormState(page, rest, int(parts[2]), int(parts[3]))


def field_name(number: int, part: str) -> str:
    """`kr12_value`, `kr12_confidence`, `kr12_note`: letters, digits and _ suit every client."""
    return f"kr{number}_{part}"


def plain(value: float) -> str:
    """A value as typed back into an input: every digit kept (`0.125`, `4,500,000`)."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.10f}".rstrip("0").rstrip(".")


def kr_form_view(kr: KeyResult) -> dict[str, Any]:
    """One KR as a form shows it."""
    return {
        "ref": f"KR-{kr.number}",
        "number": kr.number,
        "title": kr.title,
        "current": format_kr_value(kr, kr.current_value),
        "target": format_kr_value(kr, kr.target_value),
        "initial": plain(kr.current_value),
        "percent": percent(progress(kr_numbers(kr))),
        "confidence": kr.confidence.value,
    }


def latest_check_in_id(*, session: Session, workspace_id: int) -> int:
    """The newest check-in of the workspace (0 when none): a form's version stamp."""
    query = select(sa.func.max(CheckIn.id)).where(CheckIn.workspace_id == workspace_id)
    return int(session.exec(query).one() or 0)


def checked_in_since(
    *, session: Session, workspace_id: int, key_result_ids: Sequence[int], stamp: int
) -> set[int]:
    """The KRs (ids) with a check-in newer than the stamp."""
    if not key_result_ids:
        return set()
    query = select(CheckIn.key_result_id).where(
        CheckIn.workspace_id == workspace_id,
        col(CheckIn.key_result_id).in_(list(key_result_ids)),
        col(CheckIn.id) > stamp,
    )
    return set(session.exec(query))


def first_page(
    krs: Sequence[KeyResult], *, stamp: int, earlier: int = 0
) -> tuple[list[dict[str, Any]], FormState]:
    """The views of a form's first PAGE KRs and the state its button carries."""
    page, rest = list(krs[:PAGE]), krs[PAGE:]
    state = FormState(
        tuple(kr.number for kr in page), tuple(kr.number for kr in rest), earlier, stamp
    )
    return [kr_form_view(kr) for kr in page], state
