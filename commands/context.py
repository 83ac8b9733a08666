"""What a handler knows about the request: who asks, where, in which language, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands.settings import Settings
from digests.i18n import translate
from digests.message import Message
from digests.render import render
from storage.access import Access
from storage.models import Person, Platform, Workspace


@dataclass
class Context:
    session: Session
    workspace: Workspace
    person: Person
    locale: str
    platform: Platform
    now: datetime
    settings: Settings = field(default_factory=Settings)

    @property
    def workspace_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    @cached_property
    def access(self) -> Access:
        """What the requester may see and do (storage.access), for this request."""
        return Access(self.session, self.person)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.person.timezone or self.workspace.timezone)

    @property
    def today(self) -> date:
        """Today in the person's own time zone."""
        return self.now.astimezone(self.timezone).date()

    def t(self, key: str, **params: Any) -> str:
        """A catalog message in the person's language."""
        return translate(self.locale, key, **params)

    def render(self, template: str, **data: Any) -> Message:
        """A template rendered in the person's language."""
        return render(template, locale=self.locale, **data)
