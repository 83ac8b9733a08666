"""Tenants and people: workspace, department tree, person and their platform identities."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.enums import Platform, Role
from storage.types import UTCDateTime, enum_type, utcnow


class Workspace(SQLModel, table=True):
    """One tenant: a Slack team, a Feishu tenant, or a console company."""

    __table_args__ = (sa.UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    platform: Platform = Field(sa_type=enum_type(Platform))
    external_id: str = Field(max_length=128)
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Department(SQLModel, table=True):
    """A node of the org tree. `head_person_id` is a plain id: person and department refer
    to each other, and a circular foreign key cannot be created on SQLite."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="department.id")
    head_person_id: int | None = Field(default=None)
    external_id: str | None = Field(default=None, max_length=128)


class Person(SQLModel, table=True):
    """An employee. Email is the identity that survives across platforms."""

    __table_args__ = (sa.UniqueConstraint("workspace_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    manager_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    title: str | None = Field(default=None, max_length=200)
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    role: Role = Field(default=Role.EMPLOYEE, sa_type=enum_type(Role))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PersonIdentity(SQLModel, table=True):
    """A person's id on one platform (Slack user id, Feishu open_id, ...)."""

    __tablename__ = "person_identity"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "platform", "external_id"),
        sa.UniqueConstraint("person_id", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: Platform = Field(sa_type=enum_type(Platform))
    external_id: str = Field(max_length=128)


class PlatformMiss(SQLModel, table=True):
    """A person a platform could not find by email when a message had to reach them: HR sees
    them in /hr status and the digest, and they are looked up again only after a while, never
    on every message. Cleared when their platform id becomes known."""

    __tablename__ = "platform_miss"
    __table_args__ = (sa.UniqueConstraint("person_id", "platform"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    platform: Platform = Field(sa_type=enum_type(Platform))
    reason: str = Field(max_length=200)
    misses: int = Field(default=1)
    first_missed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    checked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
