"""What a transport says about one send, and what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from digests.message import Message
from storage.models import Platform


@dataclass(frozen=True)
class Envelope:
    """One outbox row ready to go: who gets it (their platform id) and in which language.

    `in_doubt`: a previous sender died mid-send, so the message may already have landed.
    `to_channel`: `recipient` is a channel (Slack channel id, Feishu chat_id), not a person.
    `email`: set, with an empty `recipient`, for a person never seen on the platform: the
    sender looks them up by email before sending.
    """

    outbox_id: int
    workspace_id: int
    person_id: int
    recipient: str
    locale: str
    message: Message
    in_doubt: bool = False
    attempts: int = 1
    to_channel: bool = False
    email: str | None = None

    @property
    def needs_lookup(self) -> bool:
        """The person's platform id is not known yet."""
        return not self.recipient and not self.to_channel


@dataclass(frozen=True)
class Sent:
    ref: str | None = None


@dataclass(frozen=True)
class Retry:
    """A transient failure (network, 5xx): try again later with backoff. `in_doubt`: the
    request may have reached the platform (the answer was lost), so the next attempt looks for
    the message before sending it again."""

    error: str
    in_doubt: bool = False


@dataclass(frozen=True)
class Throttled:
    """The platform said slow down (429 / rate-limit code): wait `after` seconds."""

    after: float
    error: str = "rate limited"


@dataclass(frozen=True)
class Dead:
    """A permanent failure (user left, bot blocked): never retry."""

    error: str


Outcome = Sent | Retry | Throttled | Dead


@dataclass(frozen=True)
class Found:
    """A person's platform id, found by email."""

    external_id: str


@dataclass(frozen=True)
class NotFound:
    """Nobody with this email on the platform (not invited, outside the app's range)."""

    error: str


Lookup = Found | NotFound | Retry


class Transport(Protocol):
    """Sends one neutral message to one person on one platform."""

    platform: Platform

    def send(self, envelope: Envelope) -> Outcome: ...


@runtime_checkable
class Directory(Protocol):
    """A transport that can find a person never seen on its platform by email."""

    def find_by_email(self, *, workspace_id: int, email: str) -> Lookup: ...
