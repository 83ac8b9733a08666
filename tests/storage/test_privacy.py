"""Privacy: export finds everything about a person; erase leaves no trace of their name,
email or platform ids in any text column of any table, and keeps every number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import AuditLog, OutboxMessage, Person
from storage.privacy import erase_person
from storage.privacy_export import export_person
from tests.bot.test_cli import run
from tests.storage.sample_data import SUBJECT_EMAIL, Sample, populate


def mentions(engine: Engine, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text value of every table that contains a needle."""
    found: list[tuple[str, str, str]] = []
    metadata = sa.MetaData()
    with engine.connect() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, sa.String | sa.JSON)]
            if not texts:
                continue
            for row in connection.execute(sa.select(*texts)):
                for column, value in zip(texts, row, strict=True):
                    text = json.dumps(value) if isinstance(value, dict | list) else str(value)
                    found.extend(
                        (table.name, column.name, needle)
                        for needle in needles
                        if needle.lower() in text.lower()
                    )
    return found


def needles(sample: Sample) -> list[str]:
    name = sample.subject_name
    return [sample.subject_email, name, json.dumps(name)[1:-1], *sample.platform_ids]


NUMBERS = {
    "check_in": ("value", "previous_value"),
    "key_result": ("start_value", "target_value", "current_value", "weight"),
    "kpi_reading": ("value",),
    "kpi_target": ("target", "weight"),
    "kpi_alert": ("value", "threshold"),
    "key_result_score": ("owner_score", "manager_score"),
}


def aggregates(engine: Engine) -> dict[str, Any]:
    """Row counts and sums that an erasure must not change."""
    with engine.connect() as connection:
        metadata = sa.MetaData()
        metadata.reflect(connection, only=list(NUMBERS))
        return {
            f"{name}.{column}": connection.execute(
                sa.select(sa.func.count(), sa.func.sum(metadata.tables[name].c[column]))
            ).one()
            for name, columns in NUMBERS.items()
            for column in columns
        }


def test_export_has_everything_about_the_person(session: Session) -> None:
    sample = populate(session)
    document = export_person(session=session, email=SUBJECT_EMAIL.upper())
    (record,) = document["people"]
    tables = record["tables"]
    assert tables["person"][0]["email"] == SUBJECT_EMAIL
    assert {i["external_id"] for i in tables["person_identity"]} == set(sample.platform_ids)
    for expected in (
        "objective",
        "key_result",
        "check_in",
        "kpi_target",
        "kpi_reading",
        "kpi_alert",
        "kpi_feedback",
        "approval_request",
        "flow_run",
        "outbox_message",
        "audit_log",
        "delegation",
        "key_result_version",
        "schedule_preference",
        "objective_review",
        "key_result_score",
        "slack_installations",
    ):
        assert tables.get(expected), expected
    notes = [c["note"] for c in tables["check_in"] if c["note"]]
    assert any("supplier late again" in n for n in notes)
    assert {f["text"] for f in tables["kpi_feedback"]} >= {"Die change took too long"}
    assert all(r["person_id"] == sample.subject_id for r in tables["check_in"])
    assert tables["check_in"][0]["created_at"].endswith("+00:00")
    assert "bot_token" not in tables["slack_installations"][0]
    json.dumps(document)  # JSON all the way down
    assert export_person(session=session, email="nobody@example.com")["people"] == []


def test_erase_leaves_no_trace_and_keeps_the_numbers(engine: Engine, session: Session) -> None:
    sample = populate(session)
    identifying = needles(sample)
    assert {m[0] for m in mentions(engine, identifying)} >= {
        "person",
        "person_identity",
        "check_in",
        "outbox_message",
        "audit_log",
        "flow_run",
        "kpi_feedback",
        "broadcast",
        "slack_installations",
    }
    numbers = aggregates(engine)

    erased = erase_person(session=session, email=SUBJECT_EMAIL)
    session.commit()

    assert [e.pseudonym for e in erased] == [f"erased-person-{sample.subject_id}"]
    assert mentions(engine, identifying) == []
    assert aggregates(engine) == numbers
    person = session.get(Person, sample.subject_id)
    assert person is not None
    assert person.name == f"erased-person-{sample.subject_id}"
    assert not person.active
    outbox = session.exec(select(OutboxMessage)).all()
    assert all(m.payload == "{}" for m in outbox if m.person_id == sample.subject_id)
    entry = session.exec(select(AuditLog).where(AuditLog.action == "privacy.erase")).one()
    assert entry.entity_id == sample.subject_id
    assert entry.actor_id is None
    logged = f"{entry.entity_ref} {entry.before} {entry.after}"
    assert not any(n.lower() in logged.lower() for n in identifying)
    # Someone else's words survive, only the mention is replaced.
    with engine.connect() as connection:
        broadcast = connection.execute(sa.text("SELECT text FROM broadcast")).scalar_one()
    assert broadcast == f"Please update your KRs (ask erased-person-{sample.subject_id} for help)"
    again = erase_person(session=session, email=f"erased-person-{sample.subject_id}@erased.invalid")
    assert [e.pseudonym for e in again] == [f"erased-person-{sample.subject_id}"]  # stable


def test_cli_export_and_erase(database_url: str, tmp_path: Path) -> None:
    from storage import migrate
    from storage.db import make_engine

    engine = make_engine(database_url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        sample = populate(session)
    exported = run(
        ["privacy", "export", "--person", SUBJECT_EMAIL, "-o", str(tmp_path / "me.json")],
        url=database_url,
        cwd=tmp_path,
    )
    assert exported.returncode == 0, exported.stderr
    document = json.loads((tmp_path / "me.json").read_text(encoding="utf-8"))
    assert document["people"][0]["tables"]["person"][0]["name"] == sample.subject_name
    refused = run(["privacy", "erase", "--person", SUBJECT_EMAIL], url=database_url, cwd=tmp_path)
    assert refused.returncode != 0
    erased = run(
        ["privacy", "erase", "--person", SUBJECT_EMAIL, "--yes"], url=database_url, cwd=tmp_path
    )
    assert erased.returncode == 0, erased.stderr
    assert f"erased-person-{sample.subject_id}" in erased.stdout
    assert mentions(engine, needles(sample)) == []
    unknown = run(["privacy", "export", "--person", "x@y.z"], url=database_url, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "No one with email" in unknown.stderr
    engine.dispose()
