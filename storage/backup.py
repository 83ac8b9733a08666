"""Snapshots: every table of one or all workspaces, read in one transaction, zipped.

The file is a zip: `manifest.json` (format version, schema revision, engine, created_at, the
tables in insert order with their columns and row counts) and one `tables/<name>.jsonl` per
table, a JSON array of values per row in the manifest's column order. Values that JSON cannot
hold exactly are tagged (see `encode_value`): timestamps keep their zone, decimals and bytes
are lossless. Tables come from `SQLModel.metadata` (so new models are covered without a
change here) plus any other table the migrations created (slack_sdk's OAuth stores).

Per-workspace snapshots keep rows whose `workspace_id` is the workspace's, rows reached
through a foreign key from such rows' tables, and the Slack installation rows of the
workspace's team; tables with no path to a workspace (processed_event, rate_pace,
slack_oauth_states: short-lived dedupe, send schedule and OAuth state) are left out and listed
in the manifest.
"""

from __future__ import annotations

import base64
import json
import math
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.types import utcnow

FORMAT = "okrbot-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SKIP_TABLES = frozenset({"alembic_version"})
SLACK_TEAM_TABLES = ("slack_installations", "slack_bots")
BATCH = 1000
PLAIN = frozenset({type(None), bool, int, str})  # written as they are
DUMPS: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}


class BackupError(Exception):
    """A snapshot cannot be written or read; the message says why."""


@dataclass
class BackupResult:
    """What a backup wrote."""

    path: Path
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def encode_value(value: Any) -> Any:
    """A column value as JSON, tagged when plain JSON would lose its type or precision."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, Enum):
        return encode_value(value.value)
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise BackupError(f"cannot back up a value of type {type(value).__name__}")


def decode_value(value: Any) -> Any:
    """The inverse of `encode_value`."""
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    decoders: dict[str, Any] = {
        "$float": float,
        "$datetime": datetime.fromisoformat,
        "$date": date.fromisoformat,
        "$time": time.fromisoformat,
        "$decimal": Decimal,
        "$bytes": base64.b64decode,
        "$json": lambda v: v,
    }
    if tag not in decoders:
        raise BackupError(f"unknown value tag {tag!r} in the snapshot")
    return decoders[tag](raw)


def snapshot_tables(connection: Connection) -> list[sa.Table]:
    """The tables to copy, parents before children: the models', then the other ones."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIP_TABLES]
    known = {t.name for t in tables}
    existing = set(sa.inspect(connection).get_table_names())
    missing = known - existing
    if missing:
        raise BackupError(f"tables missing from the database: {', '.join(sorted(missing))}")
    others = sorted(existing - known - SKIP_TABLES)
    if others:
        reflected = sa.MetaData()
        reflected.reflect(connection, only=others)
        tables.extend(t for t in reflected.sorted_tables)
    return tables


@contextmanager
def snapshot_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one read-only transaction that sees a single point in time.

    PostgreSQL: REPEATABLE READ, READ ONLY. SQLite: an explicit BEGIN, so every SELECT reads
    the same WAL snapshot (the driver would otherwise run each SELECT on its own).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        ) as connection:
            try:
                yield connection
            finally:
                connection.rollback()
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def workspace_filters(
    connection: Connection, tables: list[sa.Table], slug: str
) -> tuple[dict[str, sa.ColumnElement[bool]], list[str]]:
    """Per table, the WHERE clause keeping one workspace's rows; and the tables left out."""
    by_name = {t.name: t for t in tables}
    workspace = by_name["workspace"]
    row = connection.execute(
        sa.select(workspace.c.id, workspace.c.platform, workspace.c.external_id).where(
            workspace.c.slug == slug
        )
    ).first()
    if row is None:
        raise BackupError(f"No workspace {slug!r}.")
    filters: dict[str, sa.ColumnElement[bool]] = {"workspace": workspace.c.id == row.id}
    skipped: list[str] = []
    for table in tables:
        if table.name in filters:
            continue
        if "workspace_id" in table.c:
            filters[table.name] = table.c.workspace_id == row.id
        elif table.name in SLACK_TEAM_TABLES and "team_id" in table.c:
            is_slack = row.platform == "slack"
            filters[table.name] = table.c.team_id == row.external_id if is_slack else sa.false()
        else:
            parent = _through_foreign_key(table, filters, by_name)
            if parent is None:
                skipped.append(table.name)
            else:
                filters[table.name] = parent
    return filters, skipped


def _through_foreign_key(
    table: sa.Table,
    filters: dict[str, sa.ColumnElement[bool]],
    by_name: dict[str, sa.Table],
) -> sa.ColumnElement[bool] | None:
    """Rows pointing at a kept row of an already filtered table (tables come parents first)."""
    for fk in table.foreign_keys:
        target = fk.column.table
        if target.name in filters and target.name != table.name:
            kept = sa.select(fk.column).where(filters[target.name])
            return fk.parent.in_(kept)
    return None


def write_backup(engine: Engine, path: Path, *, workspace: str | None = None) -> BackupResult:
    """Write a snapshot of every workspace, or of the one with slug `workspace`, to `path`
    (via `path.partial`, so a failed backup never leaves a half-written file under its name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with snapshot_connection(engine) as connection:
            result = _write_archive(connection, partial, workspace)
        result.path = path
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _write_archive(connection: Connection, file: Path, workspace: str | None) -> BackupResult:
    if not sa.inspect(connection).has_table("alembic_version"):
        raise BackupError("The database has no okrbot schema: nothing to back up.")
    revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    result = BackupResult(path=file, revision=str(revision))
    tables = snapshot_tables(connection)
    filters: dict[str, sa.ColumnElement[bool]] = {}
    if workspace is not None:
        filters, result.skipped = workspace_filters(connection, tables, workspace)
    manifest_tables: list[dict[str, Any]] = []
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            if table.name in result.skipped:
                continue
            count = _write_table(connection, archive, table, filters.get(table.name))
            result.rows[table.name] = count
            manifest_tables.append(
                {
                    "name": table.name,
                    "file": f"tables/{table.name}.jsonl",
                    "columns": [c.name for c in table.columns],
                    "rows": count,
                }
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": result.revision,
            "created_at": utcnow().isoformat(),
            "engine": connection.dialect.name,
            "workspace": workspace,
            "tables": manifest_tables,
            "skipped_tables": result.skipped,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return result


def _write_table(
    connection: Connection,
    archive: zipfile.ZipFile,
    table: sa.Table,
    where: sa.ColumnElement[bool] | None,
) -> int:
    query = sa.select(table)
    if where is not None:
        query = query.where(where)
    primary = list(table.primary_key.columns)
    if primary:
        query = query.order_by(*primary)
    count = 0
    entry = zipfile.ZipInfo(f"tables/{table.name}.jsonl", date_time=utcnow().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(entry, "w") as out:
        result = connection.execution_options(yield_per=BATCH).execute(query)
        for rows in result.partitions():
            lines = [
                json.dumps([v if type(v) in PLAIN else encode_value(v) for v in row], **DUMPS)
                for row in rows
            ]
            out.write(("\n".join(lines) + "\n").encode("utf-8"))
            count += len(lines)
    return count


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a snapshot file; BackupError when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise BackupError(f"{path}: not an okrbot backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not an okrbot backup")
    return manifest


def read_rows(archive: zipfile.ZipFile, entry: dict[str, Any]) -> Iterator[list[Any]]:
    """The decoded rows of one table of a snapshot."""
    with archive.open(entry["file"]) as lines:
        for line in lines:
            yield [decode_value(v) for v in json.loads(line)]
