"""`/okr map [O-n|@person|department|all]` (目标地图): the alignment tree, as text and as a PNG.

With no argument a small company (up to DEFAULT_LIMIT objectives) is shown whole; a bigger one
shows the company-level objectives plus the requester's own branch (their objectives and their
department's, with what they align to and what aligns to them), and says how many were left out.
Only objectives the requester may see are ever loaded, so neither the text nor the picture can
show a hidden one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from commands import lookups, mentions
from commands.context import Context
from commands.types import CommandError, OkrMap
from digests.charts.files import cached_chart
from digests.message import Message
from storage import okr_tree
from storage.models import Cycle, Department, Objective, OwnerType, Person
from storage.okr_tree import MapNode
from storage.repos import okrs, people

DEFAULT_LIMIT = 30
MAX_ROWS = 80
USAGE = "okr.map"


@dataclass(frozen=True)
class Scope:
    """Which part of the forest to show and how to name it."""

    label: str
    keep: set[int] | None  # None: everything
    limited: bool = False  # the default view of a big company: say how many were left out


def okr_map(command: OkrMap, ctx: Context) -> Message:
    """The alignment map of the current cycle (or of the named objective's cycle)."""
    focus = _focus_objective(ctx, command.objective_number)
    cycle = (
        ctx.session.get(Cycle, focus.cycle_id)
        if focus is not None
        else okrs.current_cycle(session=ctx.session, workspace_id=ctx.workspace_id, today=ctx.today)
    )
    if cycle is None or cycle.id is None:
        return ctx.render("okr_map", cycle=None, scope="", rows=[], more=0, chart=None, alt="")
    forest = okr_tree.load_forest(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        cycle_id=cycle.id,
        visible=_visibility(ctx),
    )
    scope = _scope(ctx, command, forest, focus)
    shown = forest if scope.keep is None else okr_tree.prune(forest, scope.keep)
    rows = _rows(ctx, shown)
    more = max(0, len(rows) - MAX_ROWS)
    if scope.limited:
        more += okr_tree.count(forest) - len(rows)
    rows = rows[:MAX_ROWS]
    title = ctx.t("okr_map.title", cycle=cycle.name, scope=scope.label)
    chart = _chart(ctx, rows, title, more)
    return ctx.render(
        "okr_map",
        cycle=cycle.name,
        scope=scope.label,
        rows=rows,
        more=more,
        chart=str(chart) if chart else None,
        alt=ctx.t("okr_map.alt", cycle=cycle.name, scope=scope.label, count=len(rows)),
    )


def _visibility(ctx: Context) -> Callable[[Objective], bool]:
    """`Access.can_view_objective`, with the workspace's reporting line loaded in one query
    first: the map looks at every objective of the cycle."""
    ctx.access.load_workspace()
    return ctx.access.can_view_objective


def _focus_objective(ctx: Context, number: int | None) -> Objective | None:
    return None if number is None else lookups.objective(ctx, number, usage=USAGE)


def _scope(ctx: Context, command: OkrMap, forest: list[MapNode], focus: Objective | None) -> Scope:
    nodes = [node for _, node in okr_tree.walk(forest)]
    if focus is not None:
        if focus.id not in {n.id for n in nodes}:
            raise CommandError("okr_map.not_on_map", {"ref": f"O-{focus.number}"}, usage=USAGE)
        assert focus.id is not None
        return Scope(f"O-{focus.number}", okr_tree.branch_ids(forest, {focus.id}))
    if command.everything:
        return Scope(ctx.t("okr_map.scope_all"), None)
    if command.subject is not None:
        return _subject_scope(ctx, command.subject, forest, nodes)
    if len(nodes) <= DEFAULT_LIMIT:
        return Scope(ctx.t("okr_map.scope_all"), None)
    mine = {n.id for n in nodes if _belongs(n, {ctx.person_id}, _own_departments(ctx))}
    company = {n.id for n in nodes if n.objective.owner_type is OwnerType.COMPANY}
    keep = okr_tree.branch_ids(forest, mine) | company
    return Scope(ctx.t("okr_map.scope_mine"), keep, limited=True)


def _own_departments(ctx: Context) -> set[int]:
    return {ctx.person.department_id} if ctx.person.department_id is not None else set()


def _belongs(node: MapNode, person_ids: set[int], department_ids: set[int]) -> bool:
    """Owned by one of the people (or holding a KR they own), or by one of the departments."""
    objective = node.objective
    if (
        objective.owner_type is OwnerType.DEPARTMENT
        and objective.owner_department_id in department_ids
    ):
        return True
    # A department objective also belongs to the person who owns it (its head).
    return objective.owner_person_id in person_ids or any(
        kr.owner_id in person_ids for kr in node.key_results
    )


def _subject_scope(
    ctx: Context, subject: str, forest: list[MapNode], nodes: list[MapNode]
) -> Scope:
    """A person (`@name`, email, name) or a department (with its sub-departments)."""
    department = None
    if not subject.startswith("@"):
        department = people.department_by_name(
            session=ctx.session, workspace_id=ctx.workspace_id, name=subject
        )
    if department is not None and department.id is not None:
        departments = people.department_and_below(
            session=ctx.session, workspace_id=ctx.workspace_id, department_id=department.id
        )
        members = set(
            ctx.session.exec(
                select(Person.id).where(
                    Person.workspace_id == ctx.workspace_id,
                    col(Person.department_id).in_(departments),
                )
            )
        )
        wanted = {
            n.id for n in nodes if _belongs(n, {m for m in members if m is not None}, departments)
        }
        return Scope(department.name, okr_tree.branch_ids(forest, wanted))
    found = mentions.candidates(ctx, subject)
    if not found:
        raise CommandError("okr_map.unknown_subject", {"subject": subject}, usage=USAGE)
    if len(found) > 1:
        names = mentions.listing(found)
        raise CommandError("error.ambiguous_person", {"person": subject, "names": names})
    person = found[0]
    wanted = {n.id for n in nodes if _belongs(n, {person.id or 0}, set())}
    return Scope(person.name, okr_tree.branch_ids(forest, wanted))


def _rows(ctx: Context, forest: list[MapNode]) -> list[dict[str, Any]]:
    """Template rows in tree order; `parent` is the index of the row above it in the tree."""
    walked = list(okr_tree.walk(forest))
    person_ids = {n.objective.owner_person_id for _, n in walked} - {None}
    department_ids = {n.objective.owner_department_id for _, n in walked} - {None}
    names = {
        p.id: p.name for p in ctx.session.exec(select(Person).where(col(Person.id).in_(person_ids)))
    }
    departments = {
        d.id: d.name
        for d in ctx.session.exec(select(Department).where(col(Department.id).in_(department_ids)))
    }
    index_of: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    for depth, node in walked:
        objective = node.objective
        if objective.owner_type is OwnerType.PERSON:
            owner = names.get(objective.owner_person_id, "")
        elif objective.owner_type is OwnerType.DEPARTMENT:
            owner = departments.get(objective.owner_department_id, "")
        else:
            owner = ctx.t("okr.owner_type.company")
        index_of[node.id] = len(rows)
        rows.append(
            {
                "ref": f"O-{objective.number}",
                "title": objective.title,
                "owner": owner,
                "depth": depth,
                "indent": min(depth, 3),
                "percent": node.percent,
                "confidence": node.confidence.value,
                "krs": len(node.key_results),
                "risky_below": node.risky_below,
                "pending": objective.status.value == "pending",
                "parent": index_of.get(objective.parent_id or 0),
            }
        )
    return rows


def _chart(ctx: Context, rows: list[dict[str, Any]], title: str, more: int) -> Path | None:
    """The map as a PNG (cached by content); None when there is nothing to draw or it fails."""
    if not rows:
        return None
    from digests.charts.okr_map import MapRow, draw_map

    drawn = [
        MapRow(
            r["depth"],
            f"{r['ref']} {r['title']}",
            r["owner"],
            r["percent"],
            r["confidence"],
            r["parent"] if r["parent"] is not None and r["parent"] < len(rows) else None,
        )
        for r in rows
    ]
    more_text = ctx.t("okr_map.more", count=more) if more else ""
    return cached_chart(
        "okr-map",
        (ctx.workspace_id, title, drawn, more_text),
        lambda path: draw_map(drawn, title=title, path=path, more=more_text),
    )
