"""What a transport says about one send, and what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from digests.message import Message
from storage.models import Platform


@dataclass(frozen=True)
class Envelope:
    """One outbox row ready to go: who gets it (their platform id) and in which language.

    `in_doubt`: a previous sender died mid-send, so the message may already have landed.
    `to_channel`: `recipient` is a channel (Slack channel id, Feishu chat_id), not a person.
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


@dataclass(frozen=True)
class Sent:
    ref: str | None = None


@dataclass(frozen=True)
class Retry:
    """A transient failure (network, 5xx): try again later with backoff."""

    error: str


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


class Transport(Protocol):
    """Sends one neutral message to one person on one platform."""

    platform: Platform

    def send(self, envelope: Envelope) -> Outcome: ...
