"""The outbox sender for one platform: claim due rows, pace, send, record the outcome.

Each outcome is committed on its own right after the send, so a crash loses at most the
message in flight; that row stays `sending` and is claimed again, `in_doubt`, when its lease
expires (the transport then checks whether it landed before sending again).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import metrics
from bot.delivery.outcome import (
    Dead,
    Directory,
    Envelope,
    Found,
    NotFound,
    Outcome,
    Retry,
    Sent,
    Throttled,
    Transport,
)
from bot.delivery.ratelimit import Limiter
from bot.delivery.shared_budget import SharedBudget
from digests.i18n import normalise_locale
from digests.message import Message
from storage.db import session_scope
from storage.models import OutboxMessage, Person, PersonIdentity, Workspace
from storage.outbox_targets import channel_of
from storage.repos import outbox, people, reach
from storage.types import utcnow

log = logging.getLogger("okrbot.delivery")


@dataclass(frozen=True)
class WorkerSettings:
    batch: int = 50
    lease_seconds: float = 120.0
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    max_backoff_seconds: float = 3600.0
    idle_seconds: float = 1.0
    concurrency: int = 1  # sends in flight at once (the limiter still paces them)
    # A person the platform could not find by email is asked for again after this long;
    # messages to them meanwhile are dead letters at once (HR sees them in /hr status).
    recheck_missing_seconds: float = 86400.0


def backoff(attempts: int, settings: WorkerSettings) -> float:
    """Seconds before retry number `attempts` (30 s, 60 s, 120 s … at most an hour)."""
    return float(min(settings.max_backoff_seconds, settings.backoff_seconds * 2 ** (attempts - 1)))


class OutboxWorker:
    """Drains one platform's share of the outbox. Safe to run in several processes."""

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        limiter: Limiter,
        *,
        settings: WorkerSettings | None = None,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        budget: SharedBudget | None = None,
    ) -> None:
        self.engine = engine
        self.budget = budget
        self.transport = transport
        self.limiter = limiter
        self.settings = settings or WorkerSettings()
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep

    def drain_once(self) -> int:
        """Claim one batch and deliver it; how many rows were handled."""
        envelopes = self._claim()
        if self.settings.concurrency <= 1 or len(envelopes) <= 1:
            for envelope in envelopes:
                self._deliver(envelope)
        else:
            with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
                list(pool.map(self._deliver, envelopes))
        return len(envelopes)

    def drain(self) -> int:
        """Deliver until nothing is due; how many rows were handled."""
        total = 0
        while handled := self.drain_once():
            total += handled
        return total

    def run(self, stop: threading.Event) -> None:
        """Deliver until `stop` is set (a background thread of `okrbot serve`)."""
        while not stop.is_set():
            try:
                if self.drain_once() == 0:
                    stop.wait(self.settings.idle_seconds)
            except Exception:
                log.exception("outbox sender failed; retrying")
                stop.wait(5.0)

    def _claim(self) -> list[Envelope]:
        now = self.clock()
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        with session_scope(self.engine) as session:
            workspace_ids = [
                int(w)
                for w in session.exec(
                    select(Workspace.id).where(Workspace.platform == self.transport.platform)
                )
                if w is not None
            ]
            rows = outbox.claim(
                session=session,
                workspace_ids=workspace_ids,
                now=now,
                lease_until=lease,
                limit=self.settings.batch,
            )
            return self._envelopes(session, rows)

    def _envelopes(self, session: Session, rows: list[OutboxMessage]) -> list[Envelope]:
        if not rows:
            return []
        person_ids = {row.person_id for row in rows}
        found_people = {
            p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(person_ids)))
        }
        identities = {
            i.person_id: i.external_id
            for i in session.exec(
                select(PersonIdentity).where(
                    col(PersonIdentity.person_id).in_(person_ids),
                    PersonIdentity.platform == self.transport.platform,
                )
            )
        }
        languages = {
            w.id: w.language
            for w in session.exec(
                select(Workspace).where(col(Workspace.id).in_({r.workspace_id for r in rows}))
            )
        }
        envelopes: list[Envelope] = []
        now = self.clock()
        for row in rows:
            assert row.id is not None
            channel = channel_of(row.dedupe_key)
            if channel is not None:
                envelopes.append(
                    Envelope(
                        outbox_id=row.id,
                        workspace_id=row.workspace_id,
                        person_id=row.person_id,
                        recipient=channel,
                        locale=normalise_locale(languages.get(row.workspace_id)),
                        message=Message.model_validate_json(row.payload),
                        in_doubt=row.in_doubt,
                        attempts=row.attempts,
                        to_channel=True,
                    )
                )
                continue
            person = found_people.get(row.person_id)
            recipient = identities.get(row.person_id)
            if person is None or not person.active:
                outbox.record_dead(
                    session=session, message_id=row.id, now=now, error="person_inactive"
                )
                continue
            if recipient is None:
                why = self._why_unreachable(session, person, now)
                if why is not None:
                    outbox.record_dead(session=session, message_id=row.id, now=now, error=why)
                    continue
            envelopes.append(
                Envelope(
                    outbox_id=row.id,
                    workspace_id=row.workspace_id,
                    person_id=row.person_id,
                    recipient=recipient or "",
                    locale=normalise_locale(
                        person.locale, normalise_locale(languages.get(row.workspace_id))
                    ),
                    message=Message.model_validate_json(row.payload),
                    in_doubt=row.in_doubt,
                    attempts=row.attempts,
                    email=None if recipient else person.email,
                )
            )
        return envelopes

    def _why_unreachable(self, session: Session, person: Person, now: datetime) -> str | None:
        """Why a person with no platform id cannot be sent to now; None when the platform
        may be asked for them by email (the send looks them up first)."""
        if not isinstance(self.transport, Directory):
            return "no_identity"
        assert person.id is not None
        since = now - timedelta(seconds=self.settings.recheck_missing_seconds)
        miss = reach.recent_miss(
            session=session, person_id=person.id, platform=self.transport.platform, since=since
        )
        return f"not_found: {miss.reason}" if miss is not None else None

    def _look_up(self, envelope: Envelope) -> Envelope | Outcome:
        """Find a person never seen on the platform by email and remember the id; the
        envelope to send, or what to record when they cannot be found."""
        assert isinstance(self.transport, Directory)
        assert envelope.email is not None
        found = self.transport.find_by_email(
            workspace_id=envelope.workspace_id, email=envelope.email
        )
        platform = self.transport.platform
        now = self.clock()
        with session_scope(self.engine) as session:
            match found:
                case Found(external_id=external_id):
                    people.link_identity(
                        session=session,
                        workspace_id=envelope.workspace_id,
                        person_id=envelope.person_id,
                        platform=platform,
                        external_id=external_id,
                    )
                    log.info("found by email", extra={"person": envelope.person_id})
                    return replace(envelope, recipient=external_id)
                case NotFound(error=error):
                    reach.record_miss(
                        session=session,
                        workspace_id=envelope.workspace_id,
                        person_id=envelope.person_id,
                        platform=platform,
                        reason=error,
                        now=now,
                    )
                    log.warning("not found by email", extra={"person": envelope.person_id})
                    return Dead(f"not_found: {error}")
        return found

    def _send(self, envelope: Envelope) -> Outcome:
        """Send, pausing this whole sender while the platform throttles (within half the
        lease; past that the row goes back to pending without using up an attempt)."""
        waited = 0.0
        while True:
            wait = self.limiter.reserve(self.monotonic(), envelope.recipient)
            if wait > 0:
                self._count_wait("limiter", wait)
                self.sleep(wait)
            if self.budget is not None and (wait := self.budget.wait()) > 0:
                self._count_wait("fleet", wait)  # the fleet's next slot is this far off
                self.sleep(wait)
            try:
                outcome = self.transport.send(envelope)
            except Exception as error:  # a transport bug or an unexpected network failure
                log.warning("send raised", exc_info=True)
                return Retry(f"{type(error).__name__}: {error}")
            if not isinstance(outcome, Throttled):
                return outcome
            log.warning("throttled", extra={"after": outcome.after})
            if waited + outcome.after > self.settings.lease_seconds / 2:
                return outcome
            self._count_wait("platform", outcome.after)
            self.sleep(outcome.after)
            waited += outcome.after

    def _count_wait(self, reason: str, seconds: float) -> None:
        observed = metrics.recorder(self.engine)
        if observed is not None:
            platform = self.transport.platform.value
            observed.ratelimit_waits.labels(platform, reason).inc()
            observed.ratelimit_wait_seconds.labels(platform).inc(seconds)

    def _count_send(self, outcome: Outcome) -> None:
        observed = metrics.recorder(self.engine)
        if observed is not None:
            platform = self.transport.platform.value
            name = type(outcome).__name__.lower()  # sent, retry, dead, throttled
            observed.sends.labels(platform, name).inc()
            if not isinstance(outcome, Sent):
                observed.send_failures.labels(platform).inc()

    def _still_mine(self, envelope: Envelope) -> bool:
        """Renew this row's lease right before sending it; False (and nothing is sent) when
        the lease ran out while the batch was paced and another sender holds it now."""
        lease = self.clock() + timedelta(seconds=self.settings.lease_seconds)
        with session_scope(self.engine) as session:
            mine = outbox.renew(
                session=session,
                message_id=envelope.outbox_id,
                claim=envelope.attempts,
                lease_until=lease,
            )
        if not mine:
            log.warning("lease lost; not sending", extra={"outbox_id": envelope.outbox_id})
        return mine

    def _deliver(self, envelope: Envelope) -> None:
        if not self._still_mine(envelope):
            return
        if envelope.needs_lookup:
            looked_up = self._look_up(envelope)
            outcome = self._send(looked_up) if isinstance(looked_up, Envelope) else looked_up
        else:
            outcome = self._send(envelope)
        self._count_send(outcome)
        now = self.clock()
        claim = envelope.attempts  # the fencing token of this sender's claim
        with session_scope(self.engine) as session:
            message_id = envelope.outbox_id
            match outcome:
                case Throttled(after=after, error=error):
                    outbox.record_retry(
                        session=session,
                        message_id=message_id,
                        due_at=now + timedelta(seconds=after),
                        error=error,
                        count_attempt=False,
                        claim=claim,
                    )
                case Sent(ref=ref):
                    outbox.record_sent(
                        session=session,
                        message_id=message_id,
                        now=now,
                        platform_ref=ref,
                        claim=claim,
                    )
                case Dead(error=error):
                    outbox.record_dead(
                        session=session, message_id=message_id, now=now, error=error, claim=claim
                    )
                case Retry(error=error) if envelope.attempts >= self.settings.max_attempts:
                    outbox.record_dead(
                        session=session,
                        message_id=message_id,
                        now=now,
                        error=f"gave up: {error}",
                        claim=claim,
                    )
                case Retry(error=error, in_doubt=in_doubt):
                    due = now + timedelta(seconds=backoff(envelope.attempts, self.settings))
                    outbox.record_retry(
                        session=session,
                        message_id=message_id,
                        due_at=due,
                        error=error,
                        claim=claim,
                        in_doubt=in_doubt,
                    )
