"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, isolated per test.

Each test worker migrates one template database once; a test that asks for `engine` gets a
copy of it (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), so Alembic
runs once per worker instead of once per test. A test that asks only for `database_url` gets
an empty database, as before. PostgreSQL is shared by everyone on the machine: every name
made here is unique, and each one is dropped when its test or worker ends.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from storage import migrate
from storage.db import make_engine

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


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """This worker's migrated PostgreSQL database (unique name), dropped when the worker ends."""
    name = f"okrbot_tmpl_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(_database_url(name), poolclass=sa.pool.NullPool)
        migrate.upgrade(engine)
        engine.dispose()
        yield name
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
            yield from _copied_database(admin, request.getfixturevalue("postgres_template"))
        else:
            yield from _empty_schema(admin)
    finally:
        admin.dispose()


def _copied_database(admin: Engine, template: str) -> Iterator[str]:
    name = f"okrbot_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _database_url(name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    """An engine on a migrated database (a copy of the worker's template), on each engine."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; tests commit as the app does."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
