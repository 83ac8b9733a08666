"""The one validation and write path for KPI readings: chat, API, file import and SQL pulls.

A reading arrives as a mapping of `id` (client id), `kpi` (code), `scope`, `period` and `value`.
`scope` is `company`, `department:NAME` or `person:EMAIL` (a bare email also works).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from storage import number_bounds, periods
from storage.dialect_insert import insert_for
from storage.models import (
    Department,
    KpiDefinition,
    KpiReading,
    KpiScope,
    Person,
    ReadingSource,
)
from storage.types import utcnow

FIELDS = ("id", "kpi", "scope", "period", "value")
MAX_ID_LENGTH = 128
_CHUNK = 500


@dataclass(frozen=True)
class Rejection:
    """Why reading number `index` (0-based in its batch) was refused; `reason` is a catalog key
    under `kpi.reject.`."""

    index: int
    field: str
    reason: str
    params: dict[str, Any] = _field(default_factory=dict)


@dataclass(frozen=True)
class ValidReading:
    index: int
    kpi: KpiDefinition
    scope: KpiScope
    department_id: int | None
    person_id: int | None
    period: str
    value: float
    client_id: str | None


@dataclass
class Validated:
    readings: list[ValidReading] = _field(default_factory=list)
    duplicates: int = 0
    rejected: list[Rejection] = _field(default_factory=list)


class _Lookup:
    """Per-batch caches of the workspace's KPIs, departments and people."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.kpis = {
            k.code: k
            for k in session.exec(
                select(KpiDefinition).where(KpiDefinition.workspace_id == workspace_id)
            )
        }
        self.departments = {
            d.name.casefold(): d.id
            for d in session.exec(select(Department).where(Department.workspace_id == workspace_id))
        }
        self.people = {
            p.email.casefold(): p.id
            for p in session.exec(select(Person).where(Person.workspace_id == workspace_id))
        }


class _Bad(Exception):
    def __init__(self, field_name: str, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.field, self.reason, self.params = field_name, reason, params


def parse_scope(text: str, lookup: _Lookup) -> tuple[KpiScope, int | None, int | None]:
    """`company`, `department:NAME` or `person:EMAIL` -> (scope, department id, person id)."""
    kind, _, name = text.strip().partition(":")
    kind, name = kind.strip().casefold(), name.strip()
    if kind == "company" and not name:
        return KpiScope.COMPANY, None, None
    if kind in {"department", "dept"} and name:
        department_id = lookup.departments.get(name.casefold())
        if department_id is None:
            raise _Bad("scope", "unknown_department", name=name)
        return KpiScope.DEPARTMENT, department_id, None
    email = name if kind == "person" else text.strip()
    if "@" in email:
        person_id = lookup.people.get(email.casefold())
        if person_id is None:
            raise _Bad("scope", "unknown_person", email=email)
        return KpiScope.PERSON, None, person_id
    raise _Bad("scope", "bad_scope", scope=text)


def _value(raw: Any) -> float:
    if isinstance(raw, bool) or raw is None:
        raise _Bad("value", "bad_value", value=str(raw)[:40])
    if isinstance(raw, float):
        number = number_bounds.of_float(raw)
    else:
        text = str(raw).strip().replace(",", "").removesuffix("%")
        number = number_bounds.exact(text) if len(text) <= 64 else None
    if number is None:
        raise _Bad("value", "bad_value", value=str(raw)[:40])
    if not number_bounds.within_bounds(number):
        raise _Bad("value", "out_of_range", value=str(raw)[:40])
    return float(number)


def _shown(bound: float | None) -> str:
    return "—" if bound is None else f"{bound:f}".rstrip("0").rstrip(".")


def _text(row: Mapping[str, Any], name: str) -> str:
    raw = row.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _Bad(name, "missing")
    if not isinstance(raw, str | int | float | Decimal) or isinstance(raw, bool):
        raise _Bad(name, "not_text")
    return str(raw).strip()


def _one(index: int, row: Mapping[str, Any], lookup: _Lookup, need_id: bool) -> ValidReading:
    if not isinstance(row, Mapping):
        raise _Bad("reading", "not_object")
    unknown = sorted(set(row) - set(FIELDS))
    if unknown:
        raise _Bad(str(unknown[0]), "unknown_field")
    client_id: str | None = None
    if need_id or row.get("id") not in (None, ""):
        client_id = _text(row, "id")
        if len(client_id) > MAX_ID_LENGTH:
            raise _Bad("id", "id_too_long", max=MAX_ID_LENGTH)
    code = _text(row, "kpi").upper()
    kpi = lookup.kpis.get(code)
    if kpi is None:
        raise _Bad("kpi", "unknown_kpi", code=code)
    scope, department_id, person_id = parse_scope(_text(row, "scope"), lookup)
    raw_period = _text(row, "period")
    if not periods.is_valid(raw_period):
        raise _Bad("period", "bad_period", period=raw_period)
    period = periods.normalise(raw_period)
    if periods.current(kpi.frequency, periods.bounds(period)[0]) != period:
        raise _Bad("period", "period_frequency", code=code, period=period, frequency=kpi.frequency)
    if "value" not in row:
        raise _Bad("value", "missing")
    value = _value(row["value"])
    low, high = kpi.bounds()
    if (low is not None and value < low) or (high is not None and value > high):
        shown = {"min": _shown(low), "max": _shown(high)}
        raise _Bad("value", "out_of_bounds", value=_shown(value), code=code, **shown)
    return ValidReading(index, kpi, scope, department_id, person_id, period, value, client_id)


def validate(
    rows: Sequence[Mapping[str, Any]], *, session: Session, workspace_id: int, need_id: bool
) -> Validated:
    """Check every reading; already-stored ids with the same content count as duplicates."""
    lookup = _Lookup(session, workspace_id)
    result = Validated()
    seen: set[str] = set()
    for index, row in enumerate(rows):
        try:
            reading = _one(index, row, lookup, need_id)
        except _Bad as bad:
            result.rejected.append(Rejection(index, bad.field, bad.reason, bad.params))
            continue
        if reading.client_id is not None:
            if reading.client_id in seen:
                result.rejected.append(Rejection(index, "id", "repeated_id"))
                continue
            seen.add(reading.client_id)
        result.readings.append(reading)
    _drop_stored(result, session=session, workspace_id=workspace_id)
    return result


def _drop_stored(result: Validated, *, session: Session, workspace_id: int) -> None:
    ids = [r.client_id for r in result.readings if r.client_id is not None]
    stored: dict[str, KpiReading] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(KpiReading).where(
            KpiReading.workspace_id == workspace_id,
            col(KpiReading.client_id).in_(ids[start : start + _CHUNK]),
        )
        stored.update({r.client_id or "": r for r in session.exec(query)})
    kept: list[ValidReading] = []
    for reading in result.readings:
        old = stored.get(reading.client_id or "") if reading.client_id else None
        if old is None:
            kept.append(reading)
        elif (old.kpi_id, old.scope, old.department_id, old.person_id, old.period, old.value) == (
            reading.kpi.id,
            reading.scope,
            reading.department_id,
            reading.person_id,
            reading.period,
            reading.value,
        ):
            result.duplicates += 1
        else:
            result.rejected.append(Rejection(reading.index, "id", "id_conflict"))
    result.readings = kept


def write(
    readings: Sequence[ValidReading],
    *,
    session: Session,
    workspace_id: int,
    source: ReadingSource,
    recorded_by_id: int | None = None,
) -> list[KpiReading]:
    """Insert validated readings; an id stored meanwhile by someone else is skipped, never
    doubled (INSERT … ON CONFLICT DO NOTHING). Returns the rows written, with ids."""
    table = KpiReading.__table__  # type: ignore[attr-defined]
    written: list[KpiReading] = []
    now = utcnow()
    for start in range(0, len(readings), _CHUNK):
        chunk = readings[start : start + _CHUNK]
        rows = [_row(r, workspace_id, source, recorded_by_id, now) for r in chunk]
        statement = (
            insert_for(session, table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["workspace_id", "client_id"])
            .returning(table.c.id, table.c.client_id)
        )
        inserted = session.execute(statement).all()
        by_client = {client: id_ for id_, client in inserted if client is not None}
        anonymous = iter(id_ for id_, client in inserted if client is None)
        for row in rows:
            new_id = by_client.get(row["client_id"]) if row["client_id"] else next(anonymous, None)
            if new_id is not None:
                written.append(KpiReading(id=new_id, **row))
    return written


def _row(
    reading: ValidReading,
    workspace_id: int,
    source: ReadingSource,
    recorded_by_id: int | None,
    now: Any,
) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "kpi_id": reading.kpi.id,
        "scope": reading.scope,
        "department_id": reading.department_id,
        "person_id": reading.person_id,
        "period": reading.period,
        "value": reading.value,
        "source": source,
        "client_id": reading.client_id,
        "recorded_by_id": recorded_by_id,
        "created_at": now,
    }


def scope_text(scope: KpiScope, *, department: str | None = None, email: str | None = None) -> str:
    """The `scope` spelling of a target's owner, for building readings in code."""
    if scope is KpiScope.COMPANY:
        return "company"
    if scope is KpiScope.DEPARTMENT:
        return f"department:{department}"
    return f"person:{email}"
