"""HR broadcasts: who a broadcast reaches, and queuing it (or a reminder round) for them.

Sending enqueues one outbox row a person under `broadcast:<id>:<person_id>`; a second Send,
a repeated `… confirm` or a resend after a crash enqueue the same keys, so nobody gets it twice.
`/hr broadcast`, its buttons and `okrbot broadcast` all send through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, select

from commands.grammar_words import QUOTES, audience_spec
from commands.types import CommandError
from commands.words import normalise
from digests import words
from digests.i18n import reader_locale
from digests.render import render
from storage.models import Broadcast, Department, Person, Workspace
from storage.repos import broadcasts, outbox


def audience_from_text(text: str) -> str:
    """`okrbot broadcast --audience` as a spec: kinds and roles in any case or language
    (`Everyone`, `全体`, `role:HR_ADMIN`), department names as they are spelled."""
    kind, colon, names = text.strip().replace("：", ":").partition(":")
    if colon and audience_spec(normalise(kind.strip()) + ":") == "department:":
        return "department:" + names.strip()
    return audience_spec(normalise(text.strip()))


def audience_of(*, session: Session, workspace_id: int, spec: str, now: datetime) -> list[Person]:
    """The people `spec` names; a CommandError with usage when it names nothing."""
    try:
        people = broadcasts.resolve(session=session, workspace_id=workspace_id, spec=spec, now=now)
    except broadcasts.AudienceError as error:
        raise CommandError(error.key, {"ref": error.ref}, usage="hr.broadcast") from None
    if not people:
        raise CommandError("hr.broadcast.nobody", {"audience": words.audience_phrase(spec)})
    return people


def split_departments(*, session: Session, workspace_id: int, words: str) -> tuple[str, str]:
    """`Machining Workshop, Sales Reviews due` → (`department:Machining Workshop,Sales`,
    `Reviews due`): a quoted name ends at its closing quote, an unquoted one is the longest
    department name the words start with (else one word, which then names no department)."""
    known = list(
        session.exec(select(Department.name).where(Department.workspace_id == workspace_id))
    )
    by_length = sorted(known, key=len, reverse=True)
    spelled = {name.casefold(): name for name in known}
    rest = words.strip()
    chosen: list[str] = []
    while True:
        closing = QUOTES.get(rest[:1])
        if closing is not None:
            end = rest.find(closing, 1)
            end = len(rest) if end < 0 else end
            name, rest = rest[1:end], rest[end + 1 :]
        else:
            name = next((n for n in by_length if _starts_with_name(rest, n)), "")
            if not name:
                match = _WORD.match(rest)
                name = match.group() if match else ""
            rest = rest[len(name) :]
        chosen.append(spelled.get(name.strip().casefold(), name.strip()))
        rest = rest.lstrip()
        if rest[:1] not in (",", "，", "、"):
            break
        rest = rest[1:].lstrip()
    return "department:" + ",".join(chosen), rest.strip()


_WORD = re.compile(r"[^\s,，、]+")


def _starts_with_name(text: str, name: str) -> bool:
    """`text` begins with the department `name` (any letter case) as whole words."""
    head = text[: len(name)]
    following = text[len(name) : len(name) + 1]
    return head.casefold() == name.casefold() and (not following or _WORD.match(following) is None)


def send(
    *, session: Session, workspace: Workspace, broadcast: Broadcast, now: datetime, sender: str
) -> int:
    """Enqueue the broadcast for its audience (resolved now); how many rows were new."""
    assert workspace.id is not None
    assert broadcast.id is not None
    broadcast_id = broadcast.id
    people = audience_of(
        session=session, workspace_id=workspace.id, spec=broadcast.audience, now=now
    )
    queued = enqueue(
        session=session,
        workspace=workspace,
        people=people,
        key=lambda person_id: broadcasts.key(broadcast_id, person_id),
        kind=broadcasts.KIND,
        text=broadcast.text,
        sender=sender,
        reminder=False,
    )
    broadcast.confirmed_at = broadcast.confirmed_at or now
    broadcast.audience_size = max(broadcast.audience_size, len(people))
    session.add(broadcast)
    return queued


def enqueue(
    *,
    session: Session,
    workspace: Workspace,
    people: list[Person],
    key: Callable[[int], str],
    kind: str,
    text: str,
    sender: str,
    reminder: bool,
) -> int:
    """One outbox row a person under `key(person_id)`, rendered once per locale; how many
    rows were new."""
    assert workspace.id is not None
    payloads: dict[str, str] = {}
    queued = 0
    for person in people:
        assert person.id is not None
        locale = reader_locale(person, workspace)
        if locale not in payloads:
            message = render(
                "broadcast", locale=locale, text=text, sender=sender, reminder=reminder
            )
            payloads[locale] = message.model_dump_json()
        queued += outbox.enqueue(
            session=session,
            workspace_id=workspace.id,
            person_id=person.id,
            dedupe_key=key(person.id),
            kind=kind,
            payload=payloads[locale],
        )
    return queued


def people_by_id(session: Session, person_ids: list[int]) -> dict[int, Person]:
    """The people with these ids, by id (one query)."""
    found = session.exec(select(Person).where(col(Person.id).in_(person_ids)))
    return {person.id or 0: person for person in found}
