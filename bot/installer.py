"""The person who installs okrbot in a workspace with no admin yet becomes its admin."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from bot.identity import PlatformProfile
from digests.i18n import normalise_locale
from storage.models import Person, Platform, Role, Workspace
from storage.repos import audit, people

log = logging.getLogger("okrbot")


def has_admin(session: Session, workspace_id: int) -> bool:
    """Whether an active admin already runs this workspace."""
    found = session.exec(
        select(Person.id).where(
            Person.workspace_id == workspace_id,
            Person.role == Role.ADMIN,
            col(Person.active).is_(True),
        )
    ).first()
    return found is not None


def installer_becomes_admin(
    *,
    session: Session,
    workspace: Workspace,
    platform: Platform,
    external_id: str,
    profile: PlatformProfile | None,
) -> Person | None:
    """Make the installer the workspace's admin while it has none (found by platform id or
    email, added to the workspace when new); the admin, None when nothing changed."""
    assert workspace.id is not None
    if has_admin(session, workspace.id):
        return None
    person = people.get_by_identity(
        session=session, workspace_id=workspace.id, platform=platform, external_id=external_id
    )
    if person is None and profile is not None and profile.email:
        person = people.get_by_email(
            session=session, workspace_id=workspace.id, email=profile.email
        )
        if person is None:
            person = Person(
                workspace_id=workspace.id,
                email=people.normalise_email(profile.email),
                name=(profile.name or profile.email)[:200],
                timezone=profile.timezone,
                locale=normalise_locale(profile.locale) if profile.locale else None,
            )
    if person is None:
        log.warning("installer unknown: no admin set", extra={"workspace": workspace.slug})
        return None
    before = person.role
    person.role, person.active = Role.ADMIN, True
    session.add(person)
    session.flush()
    assert person.id is not None
    people.link_identity(
        session=session,
        workspace_id=workspace.id,
        person_id=person.id,
        platform=platform,
        external_id=external_id,
    )
    audit.record(
        session=session,
        workspace_id=workspace.id,
        actor_id=person.id,
        platform=platform,
        action="app_installed",
        entity_type="person",
        entity_id=person.id,
        entity_ref=person.email,
        before={"role": before.value},
        after={"role": Role.ADMIN.value},
    )
    return person
