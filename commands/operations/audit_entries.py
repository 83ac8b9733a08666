"""Audit entries as people read them: who changed what, from where, with names resolved and
the changes summarised. `/hr audit` (commands/handlers/hr_audit.py) and `okrbot audit`
(bot/cli_audit.py) both read them here."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.models import AuditLog, Person
from storage.repos import audit

VALUE_WIDTH = 60


@dataclass(frozen=True)
class AuditEntry:
    """One audit row, ready to show: names resolved, changes summarised."""

    id: int
    at: datetime
    actor: str | None
    actor_email: str | None
    source: str
    action: str
    entity_type: str
    entity: str
    changes: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        """A JSON-able dict (ISO time with its zone)."""
        return asdict(self) | {"at": self.at.isoformat()}


def day_bounds(
    since: date | None, until: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """Inclusive days in `zone` → [start, end) instants."""
    start = datetime.combine(since, time(), zone) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), zone) if until else None
    return start, end


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def summarise(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """`field: old → new` for each changed field, `field: value` for new ones."""
    before, after = before or {}, after or {}
    parts: list[str] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in before and key in after:
            if before[key] != after[key]:
                parts.append(f"{key}: {_short(before[key])} → {_short(after[key])}")
        elif key in after:
            parts.append(f"{key}: {_short(after[key])}")
        else:
            parts.append(f"{key}: {_short(before[key])} → ∅")
    return "; ".join(parts)


def _loads(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {"value": loaded}


def entries(
    *,
    session: Session,
    workspace_id: int,
    actor_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> tuple[list[AuditEntry], int]:
    """The newest matching entries (at most `limit`) and how many matched in all."""
    rows, total = audit.search(
        session=session,
        workspace_id=workspace_id,
        actor_id=actor_id,
        since=since,
        until=until,
        limit=limit,
    )
    actor_ids = {r.actor_id for r in rows if r.actor_id is not None}
    actors = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(actor_ids)))}
    return [_entry(row, actors.get(row.actor_id)) for row in rows], total


def _entry(row: AuditLog, actor: Person | None) -> AuditEntry:
    assert row.id is not None
    before, after = _loads(row.before), _loads(row.after)
    return AuditEntry(
        id=row.id,
        at=row.created_at,
        actor=actor.name if actor else None,
        actor_email=actor.email if actor else None,
        source=row.platform.value,
        action=row.action,
        entity_type=row.entity_type,
        entity=row.entity_ref or f"{row.entity_type} #{row.entity_id or '-'}",
        changes=summarise(before, after),
        before=before,
        after=after,
    )
