"""`okrbot import kpi-targets FILE.csv|.xlsx`: targets by row (code, scope, target, warning,
critical, period), each through the same rule as app.yaml and `/kpi target`; a row that fails
is reported by its line and the others are set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from storage import number_bounds
from storage.kpi_files import read_records
from storage.kpi_target_rules import TargetError
from storage.kpi_targets import TargetSpec, set_target
from storage.models import Platform

REQUIRED = ("code", "scope", "target")
COLUMNS = (*REQUIRED, "warning", "critical", "period")
ALIASES = {
    **dict.fromkeys(["kpi", "kpi_code", "指标", "指标代码", "代码"], "code"),
    **dict.fromkeys(["范围", "对象"], "scope"),
    **dict.fromkeys(["目标", "目标值"], "target"),
    **dict.fromkeys(["预警", "预警值", "warning_line"], "warning"),
    **dict.fromkeys(["严重", "严重值", "critical_line"], "critical"),
    **dict.fromkeys(["周期", "期间"], "period"),
}


@dataclass(frozen=True)
class RowProblem:
    """A rejected (or, for `flagged`, a set but unsupported) row: its line and why."""

    line: int
    reason: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class TargetImport:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    flagged: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def import_targets(*, session: Session, workspace_id: int, path: Path) -> TargetImport:
    """Set each row's target in the caller's transaction; raises KpiFileError when the file
    cannot be read at all."""
    records = read_records(path, COLUMNS, REQUIRED, ALIASES)
    report = TargetImport(ignored_columns=records.ignored)
    for line, row in records.rows:
        try:
            spec = _spec(row)
            with session.begin_nested():
                done = set_target(
                    session=session,
                    workspace_id=workspace_id,
                    spec=spec,
                    actor_id=None,
                    platform=Platform.CLI,
                )
        except TargetError as error:
            report.rejected.append(RowProblem(line, error.reason, dict(error.params)))
            continue
        if done.created:
            report.created += 1
        elif done.changed:
            report.changed += 1
        else:
            report.unchanged += 1
        if done.unsupported is not None:
            params = {"code": spec.code, "scope": spec.scope, "parent": done.unsupported.target}
            report.flagged.append(RowProblem(line, "unsupported", params))
    return report


def _spec(row: dict[str, Any]) -> TargetSpec:
    return TargetSpec(
        code=str(row.get("code") or "").strip(),
        scope=str(row.get("scope") or "").strip(),
        target=_number(row.get("target"), "target", required=True) or 0.0,
        warning=_number(row.get("warning"), "warning"),
        critical=_number(row.get("critical"), "critical"),
        period=str(row["period"]).strip() if row.get("period") not in (None, "") else None,
    )


def _number(value: Any, column: str, *, required: bool = False) -> float | None:
    if value in (None, ""):
        if required:
            raise TargetError("missing_number", column=column)
        return None
    text = str(value).strip().rstrip("%").replace(",", "")
    exact = number_bounds.exact(text)
    if exact is None or not number_bounds.within_bounds(exact):
        raise TargetError("bad_number", column=column, value=str(value))
    return float(exact)
