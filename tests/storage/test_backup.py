"""Backup and restore: lossless row by row on both engines and across them, one workspace,
a consistent snapshot while others write, fresh ids after restore, clear refusals."""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import migrate
from storage.backup import (
    BackupError,
    decode_value,
    encode_value,
    snapshot_connection,
    snapshot_tables,
    write_backup,
)
from storage.db import make_engine
from storage.models import Confidence, Person, Workspace
from storage.restore import restore_backup
from tests.bot.test_cli import run
from tests.conftest import POSTGRES_URL, _with_search_path
from tests.storage.sample_data import populate
from tests.storage.test_migrations import FIRST_SCHEMA_ROWS
from tests.storage.test_migrations import WHEN as FIRST_SCHEMA_WHEN


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def target_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A second, empty database (no schema at all) to restore into."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"r_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, poolclass=sa.pool.NullPool)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(_with_search_path(POSTGRES_URL, schema))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (typed where okrbot has a model), in primary key order."""
    with engine.connect() as connection:
        tables = snapshot_tables(connection)
        return {
            t.name: [
                tuple(row)
                for row in connection.execute(sa.select(t).order_by(*t.primary_key.columns))
            ]
            for t in tables
        }


def test_round_trip_is_lossless_within_and_across_engines(
    engine: Engine, session: Session, target_engine: Engine, tmp_path: Path
) -> None:
    populate(session)
    before = dump(engine)
    assert all(before.values()), [name for name, rows in before.items() if not rows]
    file = tmp_path / "all.okrbot-backup"

    written = write_backup(engine, file)
    restored = restore_backup(target_engine, file)

    assert restored.rows == written.rows
    assert restored.revision == migrate.head_revision()
    after = dump(target_engine)
    assert after.keys() == before.keys()
    for name, rows in before.items():
        assert after[name] == rows, name
    person = next(iter(after["person"]))
    created_at = person[[c.name for c in Person.__table__.columns].index("created_at")]  # type: ignore[attr-defined]
    assert created_at.utcoffset() is not None
    with zipfile.ZipFile(file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        line = archive.read("tables/check_in.jsonl").decode().splitlines()[0]
    assert manifest["schema_revision"] == migrate.head_revision()
    assert manifest["engine"] == engine.dialect.name
    assert manifest["format_version"] == 1
    assert '+00:00"}' in line  # timestamps carry their zone in the file


def test_restored_database_gives_new_rows_fresh_ids(
    engine: Engine, session: Session, target_engine: Engine, tmp_path: Path
) -> None:
    populate(session)
    highest = max(p.id or 0 for p in session.exec(select(Person)))
    write_backup(engine, tmp_path / "b.zip")
    restore_backup(target_engine, tmp_path / "b.zip")
    with Session(target_engine) as target:
        ws = target.exec(select(Workspace).where(Workspace.slug == "demo")).one()
        newcomer = Person(workspace_id=ws.id, email="new@example.com", name="New")
        target.add(newcomer)
        target.commit()
        assert newcomer.id is not None
        assert newcomer.id > highest


def test_one_workspace_only(
    engine: Engine, session: Session, target_engine: Engine, tmp_path: Path
) -> None:
    populate(session)
    result = write_backup(engine, tmp_path / "beta.zip", workspace="beta")
    assert set(result.skipped) == {"processed_event", "rate_pace", "slack_oauth_states"}
    restore_backup(target_engine, tmp_path / "beta.zip")
    with Session(target_engine) as target:
        assert [w.slug for w in target.exec(select(Workspace))] == ["beta"]
        people = {p.email: p for p in target.exec(select(Person))}
        assert set(people) == {"lee@beta.example", "han@beta.example"}
        assert people["lee@beta.example"].manager_id == people["han@beta.example"].id
    after = dump(target_engine)
    assert len(after["slack_installations"]) == 1  # the beta team's install came along
    assert after["check_in"] == []
    with pytest.raises(BackupError, match="No workspace 'nope'"):
        write_backup(engine, tmp_path / "x.zip", workspace="nope")
    assert sorted(p.name for p in tmp_path.glob("x.zip*")) == []  # no half-written file


def test_snapshot_does_not_see_writes_committed_after_it_began(engine: Engine) -> None:
    with Session(engine) as writer:
        writer.add(Workspace(slug="one", name="One", platform="console", external_id="1"))
        writer.commit()
    count = sa.select(sa.func.count()).select_from(Workspace)
    with snapshot_connection(engine) as snapshot:
        assert snapshot.execute(count).scalar() == 1
        with Session(engine) as writer:  # the bot keeps running meanwhile
            writer.add(Workspace(slug="two", name="Two", platform="console", external_id="2"))
            writer.commit()
        assert snapshot.execute(count).scalar() == 1
        if engine.dialect.name == "postgresql":
            isolation = snapshot.exec_driver_sql("SHOW transaction_isolation").scalar()
            read_only = snapshot.exec_driver_sql("SHOW transaction_read_only").scalar()
            assert (isolation, read_only) == ("repeatable read", "on")
    with engine.connect() as fresh:
        assert fresh.execute(count).scalar() == 2


def test_refuses_a_snapshot_from_a_newer_schema(
    engine: Engine, target_engine: Engine, tmp_path: Path
) -> None:
    original = tmp_path / "ok.zip"
    write_backup(engine, original)
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(newer, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["schema_revision"] = "9999"
                data = json.dumps(manifest).encode()
            out.writestr(item, data)
    with pytest.raises(BackupError, match=r"newer database schema \(9999\).*Upgrade okrbot"):
        restore_backup(target_engine, newer)
    assert migrate.current_revision(target_engine) is None  # nothing was touched


def test_refuses_a_database_that_is_not_empty(
    engine: Engine, session: Session, tmp_path: Path
) -> None:
    populate(session)
    write_backup(engine, tmp_path / "b.zip")
    with pytest.raises(BackupError, match=r"not empty .*Restore needs an empty database"):
        restore_backup(engine, tmp_path / "b.zip")
    (tmp_path / "junk.zip").write_text("hello")
    with pytest.raises(BackupError, match="not an okrbot backup"):
        restore_backup(engine, tmp_path / "junk.zip")


def test_cli_backup_then_restore(database_url: str, tmp_path: Path) -> None:
    source = make_engine(database_url)
    migrate.upgrade(source)
    with Session(source) as session:
        populate(session)
    source.dispose()
    file = tmp_path / "snap.zip"
    backed = run(["backup", str(file)], url=database_url, cwd=tmp_path)
    assert backed.returncode == 0, backed.stderr
    assert "Backed up all workspaces" in backed.stdout
    target = f"sqlite:///{tmp_path / 'fresh.db'}"
    restored = run(["restore", str(file)], url=target, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    again = run(["restore", str(file)], url=target, cwd=tmp_path)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    assert "Traceback" not in again.stderr


def test_values_json_cannot_hold_exactly_are_tagged_losslessly() -> None:
    shanghai = timezone(timedelta(hours=8))
    values = [
        None,
        True,
        7,
        0.1 + 0.2,
        float("inf"),
        '王浩 \u2028 "quoted"',
        datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=shanghai),
        datetime(2026, 11, 23, 1, 30, tzinfo=UTC).replace(tzinfo=None),  # slack_sdk: naive UTC
        date(2026, 12, 31),
        time(23, 59, 59),
        Decimal("12345678901234567890.000000001"),
        b"\x00\xffbytes",
        {"nested": [1, "二"]},
        Confidence.AT_RISK,
    ]
    line = json.dumps([encode_value(v) for v in values])
    back = [decode_value(v) for v in json.loads(line)]
    assert back[:-1] == values[:-1]
    assert back[-1] == "at_risk"  # enums travel as their stored value
    assert back[6].utcoffset() == timedelta(hours=8)
    assert back[7].tzinfo is None
    assert isinstance(back[10], Decimal)


@pytest.mark.parametrize("target_state", ["no schema", "empty at head"])
def test_an_old_snapshot_restores_into_this_release(
    target_engine: Engine, tmp_path: Path, target_state: str
) -> None:
    """A snapshot taken at the first schema: the database is taken to that revision, filled,
    then carried through every migration since."""
    file = tmp_path / "old.zip"
    entries = []
    with zipfile.ZipFile(file, "w") as archive:
        for name, rows in FIRST_SCHEMA_ROWS.items():
            columns = list(rows[0])
            lines = [json.dumps([encode_value(row[c]) for c in columns]) for row in rows]
            archive.writestr(f"tables/{name}.jsonl", "\n".join(lines) + "\n")
            entries.append({"name": name, "file": f"tables/{name}.jsonl", "columns": columns})
        manifest = {"format": "okrbot-backup", "format_version": 1, "schema_revision": "0001"}
        archive.writestr("manifest.json", json.dumps({**manifest, "tables": entries}))
    if target_state == "empty at head":
        migrate.upgrade(target_engine)

    result = restore_backup(target_engine, file)

    assert result.snapshot_revision == "0001"
    assert result.revision == migrate.head_revision()
    with Session(target_engine) as session:
        hao = session.exec(select(Person).where(Person.email == "hao@example.com")).one()
        assert hao.name == "王浩"
        assert hao.updated_at == FIRST_SCHEMA_WHEN + timedelta(days=1)
        assert hao.manager_id == 1
    assert dump(target_engine)["check_in"][0][-1] == FIRST_SCHEMA_WHEN
