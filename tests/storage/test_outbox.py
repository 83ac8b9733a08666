"""The outbox: idempotent enqueue (also concurrently), and console delivery to its person."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.console import chat_loop
from bot.core import Core
from digests.message import Message, Section
from storage.db import session_scope
from storage.models import OutboxMessage, OutboxStatus
from storage.repos import outbox
from tests import factories


def test_enqueue_is_idempotent_by_key(session: Session) -> None:
    ws = factories.workspace(session)
    ana = factories.person(session, ws, "ana@example.com")
    first = outbox.enqueue(
        session=session,
        workspace_id=ws.id,
        person_id=ana.id,
        dedupe_key="checkin:2026-W48:1",
        kind="checkin_prompt",
        payload="{}",
    )
    again = outbox.enqueue(
        session=session,
        workspace_id=ws.id,
        person_id=ana.id,
        dedupe_key="checkin:2026-W48:1",
        kind="checkin_prompt",
        payload="{}",
    )
    session.commit()
    assert (first, again) == (True, False)
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 1


def test_enqueue_many_adds_the_new_keys_in_one_statement(session: Session) -> None:
    ws = factories.workspace(session)
    ana = factories.person(session, ws, "ana@example.com")
    bob = factories.person(session, ws, "bob@example.com")
    first = [
        outbox.Queued(ana.id, "digest:2026-W48:1", "manager_digest", '{"blocks": []}'),
        outbox.Queued(bob.id, "digest:2026-W48:2", "manager_digest", "{}"),
    ]
    assert outbox.enqueue_many(session=session, workspace_id=ws.id, messages=first) == 2
    again = [*first, outbox.Queued(bob.id, "digest:2026-W48:3", "manager_digest", "{}")]
    assert outbox.enqueue_many(session=session, workspace_id=ws.id, messages=again) == 1
    assert outbox.enqueue_many(session=session, workspace_id=ws.id, messages=[]) == 0
    session.commit()
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(r.person_id, r.dedupe_key, r.status) for r in rows] == [
        (ana.id, "digest:2026-W48:1", OutboxStatus.PENDING),
        (bob.id, "digest:2026-W48:2", OutboxStatus.PENDING),
        (bob.id, "digest:2026-W48:3", OutboxStatus.PENDING),
    ]
    assert rows[0].payload == '{"blocks": []}'


def test_concurrent_enqueues_add_one_row(engine: Engine) -> None:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        ana = factories.person(session, ws, "ana@example.com")
        ids = (ws.id, ana.id)

    def add(_: int) -> bool:
        with session_scope(engine) as session:
            return outbox.enqueue(
                session=session,
                workspace_id=ids[0],
                person_id=ids[1],
                dedupe_key="race",
                kind="test",
                payload="{}",
            )

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(add, range(12)))
    assert results.count(True) == 1
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 1


def test_console_delivers_the_chatting_persons_messages_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        ws = factories.workspace(session)
        ana = factories.person(session, ws, "ana@example.com")
        bob = factories.person(session, ws, "bob@example.com")
        for person, text in ((ana, "for Ana"), (bob, "for Bob")):
            outbox.enqueue(
                session=session,
                workspace_id=ws.id,
                person_id=person.id,
                dedupe_key=f"k-{person.id}",
                kind="test",
                payload=Message(blocks=[Section(text=text)]).model_dump_json(),
            )
        ids = (ws.id, ana.id)
        bob_id = bob.id
    for _ in range(2):
        out = io.StringIO()
        chat_loop(
            Core(engine),
            workspace_id=ids[0],
            person_id=ids[1],
            stdin=io.StringIO(""),
            stdout=out,
            interactive=False,
        )
        shown = out.getvalue()
        if _ == 0:
            assert "📬 for Ana" in shown
        else:
            assert "for Ana" not in shown
        assert "for Bob" not in shown
    with Session(engine) as session:
        statuses = dict(session.exec(select(OutboxMessage.dedupe_key, OutboxMessage.status)).all())
    assert statuses == {f"k-{ids[1]}": OutboxStatus.SENT, f"k-{bob_id}": OutboxStatus.PENDING}
