"""people.find: a mention matches by email, platform id, the email's name part or the full
name; `_` and `%` in a mention are plain characters, not wildcards."""

from __future__ import annotations

from sqlmodel import Session

from storage.repos import people
from tests import factories


def names(session: Session, workspace_id: int, query: str) -> list[str]:
    return sorted(
        p.name for p in people.find(session=session, workspace_id=workspace_id, query=query)
    )


def test_find_by_each_kind_of_mention(session: Session) -> None:
    ws = factories.workspace(session)
    factories.person(session, ws, "ana_b@example.com", "Ana Bell")
    factories.person(session, ws, "anaxb@example.com", "Ana Xu")
    factories.person(session, ws, "bob@example.com", "Bob Brown")
    session.commit()
    assert ws.id is not None
    assert names(session, ws.id, "@ana_b@example.com") == ["Ana Bell"]
    assert names(session, ws.id, "ana_b") == ["Ana Bell"]  # `_` is not any character
    assert names(session, ws.id, "anaxb") == ["Ana Xu"]
    assert names(session, ws.id, "bob brown") == ["Bob Brown"]
    assert names(session, ws.id, "%") == []  # nor is `%` anything at all
    assert names(session, ws.id, "  ") == []
