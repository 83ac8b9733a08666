"""`okrbot broadcast --audience … --message … --yes`: previews the size, queues once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_broadcast  # noqa: F401  (registers the command)
from bot.cli import app
from storage.models import OutboxMessage, Role
from tests import factories


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


@pytest.fixture
def people(session: Session) -> list[int]:
    ws = factories.workspace(session, "acme")
    sales = factories.department(session, ws, "Sales")
    found = [
        factories.person(session, ws, "boss@example.com", role=Role.MANAGER),
        factories.person(session, ws, "ana@example.com", department_id=sales.id),
        factories.person(session, ws, "bob@example.com", department_id=sales.id),
    ]
    session.commit()
    return [p.id for p in found if p.id is not None]


ARGS = ["broadcast", "--workspace", "acme", "--audience", "department:Sales"]


def test_broadcast_with_yes_queues_once(
    cli: CliRunner, session: Session, people: list[int]
) -> None:
    result = cli.invoke(app, [*ARGS, "--message", "Q4 reviews due Friday", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Audience department:Sales in workspace acme: 2 people." in result.output
    assert "2 messages queued" in result.output
    again = cli.invoke(app, [*ARGS, "--message", "Q4 reviews due Friday", "--yes"])
    assert again.exit_code == 0, again.output
    assert "already sent" in again.output
    keys = sorted(row.dedupe_key for row in session.exec(select(OutboxMessage)))
    assert keys == sorted(f"broadcast:1:{pid}" for pid in people[1:])


def test_broadcast_asks_first_and_a_no_sends_nothing(
    cli: CliRunner, session: Session, people: list[int]
) -> None:
    result = cli.invoke(app, [*ARGS, "--message", "hello"], input="n\n")
    assert result.exit_code == 1
    assert "Nothing was sent." in result.output
    assert session.exec(select(OutboxMessage)).all() == []


def test_a_bad_audience_is_explained(cli: CliRunner, people: list[int]) -> None:
    result = cli.invoke(
        app, ["broadcast", "--workspace", "acme", "--audience", "vips", "--message", "hi", "--yes"]
    )
    assert result.exit_code == 2
    assert "vips is not an audience" in result.output


@pytest.mark.parametrize(
    ("audience", "preview"),
    [
        ("Department:Sales", "Audience department:Sales"),
        ("部门：Sales", "Audience department:Sales"),
        ("role:MANAGER", "Audience role:manager in workspace acme: 1 person."),
        ("全体", "Audience everyone in workspace acme: 3 people."),
    ],
)
def test_an_audience_in_any_case_or_language(
    cli: CliRunner, people: list[int], audience: str, preview: str
) -> None:
    result = cli.invoke(
        app,
        ["broadcast", "--workspace", "acme", "--audience", audience, "--message", "hi", "--yes"],
    )
    assert result.exit_code == 0, result.output
    assert preview in result.output
