"""Who is speaking: a platform user id -> a person, by stored id, else by email, remembered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from digests.i18n import normalise_locale
from storage.models import Person, Platform, Workspace
from storage.repos import people


@dataclass(frozen=True)
class Speaker:
    """A platform user known to okrbot, with the locale replies are rendered in."""

    workspace_id: int
    person_id: int
    locale: str


@dataclass(frozen=True)
class Stranger:
    """A platform user (or team) okrbot does not know; `reason` is the catalog key to answer."""

    reason: str
    locale: str


@dataclass(frozen=True)
class PlatformProfile:
    """What a platform tells about a user (Slack users.info, Feishu contact API)."""

    email: str | None
    name: str | None = None
    timezone: str | None = None
    locale: str | None = None


def resolve_person(
    *,
    session: Session,
    workspace: Workspace,
    platform: Platform,
    external_id: str,
    fetch_profile: Callable[[], PlatformProfile | None],
) -> Person | None:
    """The person behind a platform user, or None when they are not in the org chart.

    A stored identity answers without calling the platform. Otherwise `fetch_profile` is
    called once, the person is found by email, the id is remembered, and the person's time zone
    and locale are filled in from the platform when they have none.
    """
    assert workspace.id is not None
    known = people.get_by_identity(
        session=session, workspace_id=workspace.id, platform=platform, external_id=external_id
    )
    if known is not None:
        return known
    profile = fetch_profile()
    if profile is None or not profile.email:
        return None
    person = people.get_by_email(session=session, workspace_id=workspace.id, email=profile.email)
    if person is None or person.id is None:
        return None
    people.link_identity(
        session=session,
        workspace_id=workspace.id,
        person_id=person.id,
        platform=platform,
        external_id=external_id,
    )
    if person.timezone is None and profile.timezone:
        person.timezone = profile.timezone
    if person.locale is None and profile.locale:
        person.locale = normalise_locale(profile.locale)
    session.add(person)
    session.flush()
    return person
