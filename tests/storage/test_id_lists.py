"""`among`: a condition on a long list of ids that both engines run as a plain IN."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.id_lists import among
from storage.models import Person
from tests import factories


def test_among_finds_exactly_the_listed_ids(session: Session) -> None:
    ws = factories.workspace(session)
    people = [factories.person(session, ws, f"p{n}@example.com") for n in range(5)]
    session.commit()
    wanted = [people[1].id, people[3].id, 10_000_000, *range(20_000_000, 20_005_000)]
    found = session.exec(select(Person.email).where(among(session, col(Person.id), wanted)))
    assert sorted(found) == ["p1@example.com", "p3@example.com"]
    assert session.exec(select(Person).where(among(session, col(Person.id), []))).all() == []
