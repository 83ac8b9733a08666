"""A cycle's OKRs as a table for HR: one row per key result (an objective without KRs gets one
row of its own), written as CSV (UTF-8 with BOM, so Excel reads Chinese names) or XLSX.

Private objectives are left out unless `include_private` is set: the shell export is an admin
action, but a private objective is meant for its owner and their management chain, so taking
it out of the building is an explicit choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage import table_files
from storage.models import (
    CheckIn,
    Cycle,
    Department,
    KeyResult,
    KeyResultScore,
    Objective,
    ObjectiveStatus,
    OwnerType,
    Person,
    Visibility,
    Workspace,
)
from storage.progress import KrNumbers, percent, progress
from storage.repos import okrs

COLUMNS = (
    "cycle",
    "owner",
    "email",
    "department",
    "objective_ref",
    "objective",
    "objective_owner",
    "visibility",
    "kr_ref",
    "key_result",
    "start",
    "target",
    "current",
    "unit",
    "progress_pct",
    "confidence",
    "status",
    "last_check_in",
    "owner_score",
    "manager_score",
)
EXPORTED_STATUSES = (
    ObjectiveStatus.APPROVED,
    ObjectiveStatus.PENDING,
    ObjectiveStatus.CHANGES_REQUESTED,
)


@dataclass
class OkrTable:
    """The rows, and how many objectives they cover or leave out."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    objectives: int = 0
    private_left_out: int = 0


def cycle_names(*, session: Session, workspace_id: int) -> list[str]:
    """The workspace's cycle names, oldest first (for "unknown cycle" messages)."""
    query = (
        select(Cycle.name).where(Cycle.workspace_id == workspace_id).order_by(col(Cycle.start_date))
    )
    return list(session.exec(query))


def okr_rows(
    *, session: Session, workspace: Workspace, cycle: Cycle, include_private: bool = False
) -> OkrTable:
    """Every approved, pending or being-reworked objective of `cycle` with its KRs."""
    assert workspace.id is not None
    query = (
        select(Objective)
        .where(
            Objective.workspace_id == workspace.id,
            Objective.cycle_id == cycle.id,
            col(Objective.status).in_(EXPORTED_STATUSES),
        )
        .order_by(col(Objective.number))
    )
    table = OkrTable()
    objectives = []
    for objective in session.exec(query):
        if objective.visibility is Visibility.PRIVATE and not include_private:
            table.private_left_out += 1
        else:
            objectives.append(objective)
    table.objectives = len(objectives)
    krs = okrs.key_results_by_objective(
        session=session,
        workspace_id=workspace.id,
        objective_ids=[o.id for o in objectives if o.id is not None],
    )
    kr_ids = [kr.id for group in krs.values() for kr in group if kr.id is not None]
    lookup = _Lookup(session, workspace, kr_ids)
    for objective in objectives:
        base = {
            "cycle": cycle.name,
            "objective_ref": f"O-{objective.number}",
            "objective": objective.title,
            "objective_owner": lookup.objective_owner(objective),
            "visibility": objective.visibility.value,
            "status": objective.status.value,
        }
        group = krs.get(objective.id or 0, [])
        if not group:
            table.rows.append(base | lookup.person_columns(objective.owner_person_id))
        for kr in group:
            table.rows.append(base | lookup.person_columns(kr.owner_id) | lookup.kr_columns(kr))
    return table


class _Lookup:
    """People, departments, latest check-ins and scores, each loaded once."""

    def __init__(self, session: Session, workspace: Workspace, kr_ids: list[int]) -> None:
        self.zone = ZoneInfo(workspace.timezone or "UTC")
        self.people = {
            p.id: p for p in session.exec(select(Person).where(Person.workspace_id == workspace.id))
        }
        self.departments = {
            d.id: d.name
            for d in session.exec(select(Department).where(Department.workspace_id == workspace.id))
        }
        self.last_check_in: dict[int, Any] = {}
        self.scores: dict[int, KeyResultScore] = {}
        if kr_ids:
            for key_result_id, created_at in session.exec(
                select(CheckIn.key_result_id, CheckIn.created_at).where(
                    col(CheckIn.key_result_id).in_(kr_ids)
                )
            ):
                latest = self.last_check_in.get(key_result_id)
                if latest is None or created_at > latest:
                    self.last_check_in[key_result_id] = created_at
            self.scores = {
                s.key_result_id: s
                for s in session.exec(
                    select(KeyResultScore).where(col(KeyResultScore.key_result_id).in_(kr_ids))
                )
            }

    def person_columns(self, person_id: int | None) -> dict[str, Any]:
        person = self.people.get(person_id)
        if person is None:
            return {"owner": "", "email": "", "department": ""}
        return {
            "owner": person.name,
            "email": person.email,
            "department": self.departments.get(person.department_id, ""),
        }

    def objective_owner(self, objective: Objective) -> str:
        if objective.owner_type is OwnerType.COMPANY:
            return "company"
        if objective.owner_type is OwnerType.DEPARTMENT:
            return self.departments.get(objective.owner_department_id, "")
        person = self.people.get(objective.owner_person_id)
        return person.name if person is not None else ""

    def kr_columns(self, kr: KeyResult) -> dict[str, Any]:
        numbers = KrNumbers(
            kr.metric, kr.start_value, kr.target_value, kr.current_value, kr.direction
        )
        checked = self.last_check_in.get(kr.id or 0)
        score = self.scores.get(kr.id or 0)
        return {
            "kr_ref": f"KR-{kr.number}",
            "key_result": kr.title,
            "start": kr.start_value,
            "target": kr.target_value,
            "current": kr.current_value,
            "unit": kr.unit or ("%" if kr.metric.value == "percent" else ""),
            "progress_pct": percent(progress(numbers)),
            "confidence": kr.confidence.value,
            "last_check_in": (
                checked.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if checked else ""
            ),
            "owner_score": score.owner_score if score is not None else None,
            "manager_score": score.manager_score if score is not None else None,
        }


def write_table(rows: list[dict[str, Any]], path: Path, file_format: str) -> Path:
    """Write the rows as CSV or XLSX under the COLUMNS header."""
    return table_files.write_table(rows, path, file_format, columns=COLUMNS, sheet_title="okrs")
