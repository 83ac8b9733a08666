"""API tokens for KPI readings: minted once, kept only as SHA-256, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import KpiApiToken

TOKEN_PREFIX = "okrk_"


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(*, session: Session, workspace_id: int, name: str) -> tuple[KpiApiToken, str]:
    """A new token for a workspace; the plain token is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = KpiApiToken(
        workspace_id=workspace_id, name=name, token_hash=digest(token), prefix=token[:12]
    )
    session.add(row)
    session.flush()
    return row, token


def workspace_of(*, session: Session, token: str) -> int | None:
    """The workspace a live token belongs to, or None."""
    query = select(KpiApiToken).where(
        KpiApiToken.token_hash == digest(token), col(KpiApiToken.revoked_at).is_(None)
    )
    row = session.exec(query).first()
    return row.workspace_id if row is not None else None


def listed(*, session: Session, workspace_id: int) -> list[KpiApiToken]:
    """The workspace's tokens, newest first (revoked ones too)."""
    query = (
        select(KpiApiToken)
        .where(KpiApiToken.workspace_id == workspace_id)
        .order_by(col(KpiApiToken.id).desc())
    )
    return list(session.exec(query))


def revoke(*, session: Session, workspace_id: int, name_or_prefix: str, now: datetime) -> int:
    """Revoke the live tokens of the workspace with this name or prefix; how many."""
    found = [
        row
        for row in listed(session=session, workspace_id=workspace_id)
        if row.revoked_at is None and name_or_prefix in (row.name, row.prefix)
    ]
    for row in found:
        row.revoked_at = now
        session.add(row)
    session.flush()
    return len(found)
