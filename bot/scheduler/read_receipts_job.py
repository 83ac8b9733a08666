"""The read receipts job: every 15 minutes, ask Feishu who has read the broadcasts it
delivered in the last 7 days and mark them read (`outbox_message.read_at`), for /hr status.

Slack does not tell a bot who read a message, so only Feishu workspaces are asked. A message
marked read is never asked about again, and one older than 7 days neither (Feishu no longer
answers for it): re-runs only ask about what is still unread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session, col, select

from bot.config import AppConfig
from bot.scheduler.context import JobRun
from storage.db import session_scope
from storage.models import (
    OutboxMessage,
    OutboxStatus,
    PersonIdentity,
    Platform,
    Workspace,
)
from storage.repos.broadcasts import KIND, REMINDER_KIND

log = logging.getLogger("okrbot.scheduler")

EVERY_MINUTES = 15
WINDOW = timedelta(days=7)  # Feishu answers read_users only for a week after sending
MAX_PER_RUN = 2000  # about two minutes of queries at Feishu's 1,000 calls a minute
COMMIT_EVERY = 50

_last_started: dict[str, datetime] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Unread:
    outbox_id: int
    message_id: str
    open_id: str


def read_receipt_triggers(config: AppConfig) -> dict[str, CronTrigger]:
    """Every 15 minutes (a run does nothing unless Feishu is enabled: Slack reports no reads)."""
    return {"read_receipts@every15min": CronTrigger(minute=f"*/{EVERY_MINUTES}", timezone=UTC)}


def unread(*, session: Session, now: datetime, limit: int = MAX_PER_RUN) -> list[Unread]:
    """Feishu broadcasts (and reminders) delivered in the last 7 days, not yet read, with
    their message id and the recipient's open_id; the newest first."""
    query = (
        select(OutboxMessage.id, OutboxMessage.platform_ref, PersonIdentity.external_id)
        .join(Workspace, col(Workspace.id) == OutboxMessage.workspace_id)
        .join(
            PersonIdentity,
            sa.and_(
                col(PersonIdentity.person_id) == OutboxMessage.person_id,
                col(PersonIdentity.platform) == Platform.FEISHU,
            ),
        )
        .where(
            Workspace.platform == Platform.FEISHU,
            col(OutboxMessage.kind).in_((KIND, REMINDER_KIND)),
            OutboxMessage.status == OutboxStatus.SENT,
            col(OutboxMessage.read_at).is_(None),
            col(OutboxMessage.platform_ref).is_not(None),
            col(OutboxMessage.sent_at) >= now - WINDOW,
        )
        .order_by(col(OutboxMessage.sent_at).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    )
    return [
        Unread(int(row_id), str(ref), str(open_id))
        for row_id, ref, open_id in session.exec(query)
        if row_id is not None and ref
    ]


def mark_read(*, session: Session, reads: dict[int, datetime]) -> int:
    """Set read_at on rows not marked yet; how many changed."""
    changed = 0
    for outbox_id, at in reads.items():
        result = session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id) == outbox_id, col(OutboxMessage.read_at).is_(None))
            .values(read_at=at)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


def _due(run: JobRun) -> bool:
    """Forced runs always; otherwise at most once per interval (the cron run and the
    sweep would each run it every 15 minutes)."""
    key = str(run.engine.url)
    with _lock:
        last = _last_started.get(key)
        if (
            not run.force
            and last is not None
            and run.now - last < timedelta(minutes=EVERY_MINUTES - 1)
        ):
            return False
        _last_started[key] = run.now
    return True


def read_receipts(run: JobRun) -> int:
    """Ask Feishu about unread broadcast messages; how many were newly marked read."""
    if not run.config.feishu.enabled or not _due(run):
        return 0
    with session_scope(run.engine) as session:
        pending = unread(session=session, now=run.now)
    if not pending:
        return 0  # nothing to ask: do not load lark-oapi
    from bot.feishu.api import build_client
    from bot.feishu.credentials import credentials_from_env
    from bot.feishu.read_receipts import ReadUsersError, read_users

    credentials = credentials_from_env(run.config.feishu)
    if not credentials.app_id or not credentials.app_secret:
        log.warning("read receipts skipped: no Feishu app credentials")
        return 0
    client = build_client(credentials, run.config.feishu.domain)
    marked = 0
    reads: dict[int, datetime] = {}
    for item in pending:
        try:
            readers = read_users(client, item.message_id, now=run.now)
        except ReadUsersError as error:
            log.warning("feishu read_users refused", extra={"code": error.code})
            if error.throttled:
                break  # still throttled after retries: try again next run
            continue
        except OSError as error:
            log.warning("feishu read_users failed", extra={"error": type(error).__name__})
            break
        if item.open_id in readers:
            reads[item.outbox_id] = readers[item.open_id]
        if len(reads) >= COMMIT_EVERY:
            marked += _commit(run, reads)
    return marked + _commit(run, reads)


def _commit(run: JobRun, reads: dict[int, datetime]) -> int:
    if not reads:
        return 0
    with session_scope(run.engine) as session:
        changed = mark_read(session=session, reads=reads)
    reads.clear()
    return changed
