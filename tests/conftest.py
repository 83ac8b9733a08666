"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, isolated per test.

Each test worker migrates one template database once; a test that asks for `engine` gets a
fresh copy of it, so Alembic runs once per worker instead of once per test. On SQLite the copy
is a file copy. On PostgreSQL the worker makes its database once with `CREATE DATABASE …
TEMPLATE` and empties it before each test (rows deleted, sequences restarted: a fraction of a
CREATE DATABASE on a busy server); a test that changed the schema gets a new copy instead. A
test that asks only for `database_url` gets an empty database (a new SQLite file or a new
PostgreSQL schema). PostgreSQL is shared by everyone on the machine: every name made here is
unique, and each one is dropped when its test or worker ends.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from storage import migrate
from storage.db import make_engine

pytest_plugins = ["tests.suite_clock"]

POSTGRES_URL = os.environ.get(
    "OKRBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MIGRATED = "engine"  # a test using this fixture starts from a copy of the migrated template


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _admin() -> Engine:
    """A connection to the shared server that may create and drop databases."""
    return make_engine(POSTGRES_URL, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")


def _database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's migrated SQLite database, copied by every test that needs one."""
    path = tmp_path_factory.mktemp("template") / "okrbot-template.db"
    engine = make_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    migrate.upgrade(engine)
    with engine.connect() as connection:  # fold the WAL into the file before it is copied
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@dataclass
class PostgresCopies:
    """This worker's migrated template, and the database its tests reuse (made on first use)."""

    template: str
    tables: frozenset[str]
    current: str | None = None


def _tables(connection: sa.Connection) -> frozenset[str]:
    query = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return frozenset(row[0] for row in connection.execute(sa.text(query)))


@pytest.fixture(scope="session")
def postgres_copies() -> Iterator[PostgresCopies]:
    """This worker's migrated PostgreSQL template (unique names), dropped when the worker ends."""
    copies = PostgresCopies(f"okrbot_tmpl_{uuid.uuid4().hex[:12]}", frozenset())
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{copies.template}"'))
    try:
        engine = make_engine(_database_url(copies.template), poolclass=sa.pool.NullPool)
        migrate.upgrade(engine)
        with engine.connect() as connection:
            copies.tables = _tables(connection)
        engine.dispose()
        yield copies
    finally:
        with admin.connect() as connection:
            for name in (copies.current, copies.template):
                if name is not None:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _emptied(copies: PostgresCopies) -> bool:
    """Empty this worker's database for the next test; False when its schema is no longer the
    template's (a test migrated it), so a new copy is needed."""
    assert copies.current is not None
    engine = make_engine(_database_url(copies.current), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            # Whatever the last test left connected (a thread, a child process) lets go.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            version = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
            if _tables(connection) != copies.tables or version.scalar() != migrate.head_revision():
                return False
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in sorted(copies.tables - {"alembic_version"}):
                connection.execute(sa.text(f'DELETE FROM "{table}"'))
            sequences = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            for (sequence,) in connection.execute(sa.text(sequences)).all():
                connection.execute(sa.text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        return True
    except sa.exc.DBAPIError:
        return False  # e.g. the alembic_version table is gone
    finally:
        engine.dispose()


def _migrated_database(admin: Engine, copies: PostgresCopies) -> str:
    """The URL of this worker's database, as migrated and empty as the template."""
    if copies.current is not None and _emptied(copies):
        return _database_url(copies.current)
    with admin.connect() as connection:
        if copies.current is not None:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copies.current}" WITH (FORCE)'))
        copies.current = f"okrbot_t_{uuid.uuid4().hex[:12]}"
        connection.execute(
            sa.text(f'CREATE DATABASE "{copies.current}" TEMPLATE "{copies.template}"')
        )
    return _database_url(copies.current)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database: a copy of the migrated template when the test also uses
    `engine`, else an empty one (a new SQLite file, or a new PostgreSQL schema).

    PostgreSQL being down is an error, never a skip: CI must prove both engines.
    """
    migrated = MIGRATED in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "okrbot-test.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin = _admin()
    try:
        if migrated:
            yield _migrated_database(admin, request.getfixturevalue("postgres_copies"))
        else:
            yield from _empty_schema(admin)
    finally:
        admin.dispose()


def _empty_schema(admin: Engine) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(POSTGRES_URL, schema)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a migrated, empty database (as the worker's template), on each engine."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; tests commit as the app does."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
