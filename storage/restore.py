"""Restoring a snapshot (storage.backup) into an empty database of either engine.

The database is first migrated to the snapshot's schema revision, the rows go in in one
transaction (parents first; self-references filled in afterwards), PostgreSQL sequences are
moved past the restored ids, and the database is then upgraded to this okrbot's schema.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage import migrate
from storage.backup import BATCH, FORMAT_VERSION, BackupError, read_manifest, read_rows


@dataclass
class RestoreResult:
    """What a restore did."""

    snapshot_revision: str
    revision: str | None
    workspace: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def restore_backup(engine: Engine, path: Path, *, upgrade: bool = True) -> RestoreResult:
    """Restore the snapshot at `path` into the empty database behind `engine`.

    Raises BackupError when the file is not a snapshot, comes from a newer okrbot, or the
    database is not empty.
    """
    manifest = read_manifest(path)
    revision = _check_compatible(manifest)
    _prepare_empty_schema(engine, revision)
    result = RestoreResult(
        snapshot_revision=revision, revision=None, workspace=manifest.get("workspace")
    )
    with engine.begin() as connection, zipfile.ZipFile(path) as archive:
        target = sa.MetaData()
        target.reflect(connection)
        for entry in manifest["tables"]:
            table = _target_table(target, entry)
            result.rows[table.name] = _insert_rows(connection, table, entry, archive)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, target)
    if upgrade:
        migrate.upgrade(engine)
    result.revision = migrate.current_revision(engine)
    return result


def _check_compatible(manifest: dict[str, Any]) -> str:
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"This snapshot was written by a newer okrbot (backup format {version}, this "
            f"okrbot reads up to {FORMAT_VERSION}). Upgrade okrbot, then restore."
        )
    revision = str(manifest.get("schema_revision"))
    if revision not in migrate.known_revisions():
        raise BackupError(
            f"This snapshot comes from a newer database schema ({revision}) than this okrbot "
            f"knows (latest {migrate.head_revision()}). Upgrade okrbot, then restore."
        )
    return revision


def _prepare_empty_schema(engine: Engine, revision: str) -> None:
    """Refuse a database holding data; migrate an empty one to exactly `revision`."""
    current = migrate.current_revision(engine)
    with engine.connect() as connection:
        names = [n for n in sa.inspect(connection).get_table_names() if n != "alembic_version"]
        if current is None and names:
            raise BackupError(
                "The database has tables but no okrbot schema. Restore needs an empty "
                "database: create a new one and point database.url / $OKRBOT_DATABASE_URL at it."
            )
        filled = _tables_with_rows(connection, names)
    if filled:
        raise BackupError(
            "The database is not empty (rows in "
            + ", ".join(filled[:5])
            + (" ..." if len(filled) > 5 else "")
            + "). Restore needs an empty database: create a new one and point "
            "database.url / $OKRBOT_DATABASE_URL at it."
        )
    if current is not None and current not in migrate.known_revisions():
        raise BackupError(
            f"The database schema ({current}) is newer than this okrbot knows. Upgrade okrbot."
        )
    if current is None or _follows(revision, current):
        migrate.upgrade(engine, revision)
    elif current != revision:
        migrate.downgrade(engine, revision)


def _tables_with_rows(connection: Connection, names: list[str]) -> list[str]:
    filled = []
    for name in sorted(names):
        table = sa.table(name)
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            filled.append(name)
    return filled


def _follows(revision: str, ancestor: str) -> bool:
    """Whether `revision` comes after `ancestor` in the migration chain."""
    known = migrate.known_revisions()
    step = known.get(revision)
    while step is not None:
        if step == ancestor:
            return True
        step = known.get(step)
    return False


def _target_table(target: sa.MetaData, entry: dict[str, Any]) -> sa.Table:
    name = entry["name"]
    if name not in target.tables:
        raise BackupError(f"The snapshot has a table {name!r} the schema does not have.")
    table = target.tables[name]
    unknown = [c for c in entry["columns"] if c not in table.c]
    if unknown:
        raise BackupError(f"The snapshot's table {name!r} has unknown columns: {unknown}")
    return table


def _insert_rows(
    connection: Connection, table: sa.Table, entry: dict[str, Any], archive: zipfile.ZipFile
) -> int:
    """Insert one table's rows; columns referring to the same table are set afterwards, so
    a row may point at one with a higher id (a manager imported after their report)."""
    columns: list[str] = entry["columns"]
    self_refs = [
        c.name
        for c in table.columns
        if c.name in columns and any(fk.column.table is table for fk in c.foreign_keys)
    ]
    primary = [c.name for c in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    for values in read_rows(archive, entry):
        row = dict(zip(columns, values, strict=True))
        refs = {name: row[name] for name in self_refs if row[name] is not None}
        if refs:
            later.append({**{f"pk_{k}": row[k] for k in primary}, **refs})
            row.update(dict.fromkeys(refs))
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            _insert(connection, table, batch)
            batch = []
    if batch:
        _insert(connection, table, batch)
    for name in self_refs:
        rows = [r for r in later if name in r]
        if not rows:
            continue
        where = sa.and_(*(table.c[k] == sa.bindparam(f"pk_{k}") for k in primary))
        update = table.update().where(where).values({name: sa.bindparam(f"v_{name}")})
        params = [
            {**{f"pk_{k}": r[f"pk_{k}"] for k in primary}, f"v_{name}": r[name]} for r in rows
        ]
        for start in range(0, len(params), BATCH):
            connection.execute(update, params[start : start + BATCH])
    return count


def _insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (a round trip per row is the slow part there), on the session's own
    connection and transaction; executemany elsewhere, or when a value needs SQLAlchemy's
    typing (JSON)."""
    columns = list(rows[0])
    plain = not any(isinstance(v, dict | list) for row in rows for v in row.values())
    if connection.dialect.name != "postgresql" or not plain:
        connection.execute(table.insert(), rows)
        return
    names = ", ".join(f'"{c}"' for c in columns)
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _reset_sequences(connection: Connection, target: sa.MetaData) -> None:
    """Move each serial primary key's sequence past the restored ids (PostgreSQL)."""
    for table in target.sorted_tables:
        primary = list(table.primary_key.columns)
        if len(primary) != 1 or not isinstance(primary[0].type, sa.Integer):
            continue
        column = primary[0].name
        sequence = connection.execute(
            sa.select(sa.func.pg_get_serial_sequence(table.name, column))
        ).scalar()
        if sequence is None:
            continue
        connection.execute(
            sa.text(
                f'SELECT setval(:sequence, COALESCE(MAX("{column}"), 1), MAX("{column}") '
                f'IS NOT NULL) FROM "{table.name}"'
            ),
            {"sequence": sequence},
        )
