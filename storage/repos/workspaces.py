"""Workspaces (tenants)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Platform, Workspace


def get_by_slug(*, session: Session, slug: str) -> Workspace | None:
    """The workspace with this slug, if any."""
    return session.exec(select(Workspace).where(Workspace.slug == slug)).first()


def get_by_platform(*, session: Session, platform: Platform, external_id: str) -> Workspace | None:
    """The workspace a platform team/tenant id belongs to, if any."""
    query = select(Workspace).where(
        Workspace.platform == platform, Workspace.external_id == external_id
    )
    return session.exec(query).first()


def list_all(*, session: Session) -> list[Workspace]:
    """Every workspace, oldest first."""
    return list(session.exec(select(Workspace).order_by(Workspace.id)))  # type: ignore[arg-type]


def ensure(
    *,
    session: Session,
    slug: str,
    name: str,
    platform: Platform,
    external_id: str,
    timezone: str = "UTC",
    language: str = "en",
) -> Workspace:
    """Return the workspace with `slug`, creating it when missing."""
    workspace = get_by_slug(session=session, slug=slug)
    if workspace is None:
        workspace = Workspace(
            slug=slug,
            name=name,
            platform=platform,
            external_id=external_id,
            timezone=timezone,
            language=language,
        )
        session.add(workspace)
        session.flush()
    return workspace
