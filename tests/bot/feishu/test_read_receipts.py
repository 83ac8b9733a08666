"""Read receipts: a broadcast delivered to three Feishu users through the real lark client
and the stub Open API; `okrbot jobs run read_receipts` asks Feishu (read_users, paged) who
read it, and /hr status shows "read 2 of 3". Re-runs ask only about what is still unread,
and messages older than 7 days are never asked about. Slack reports no reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import bot.cli_jobs  # noqa: F401  (registers the command)
from bot.cli import app
from bot.config import AppConfig, CompanyConfig, FeishuConfig
from bot.core import Core, Inbound
from bot.delivery.ratelimit import Limiter
from bot.delivery.worker import OutboxWorker
from bot.feishu.api import build_client
from bot.feishu.credentials import credentials_from_env
from bot.feishu.sender import FeishuSender
from bot.scheduler.context import JobRun
from bot.scheduler.read_receipts_job import read_receipts, unread
from bot.text import render_text
from storage.models import (
    Department,
    OutboxMessage,
    OutboxStatus,
    Person,
    PersonIdentity,
    Platform,
    Role,
    Workspace,
)
from storage.types import utcnow
from tests import factories
from tests.bot.feishu.stub_feishu import StubFeishu

READ_USERS = "/open-apis/im/v1/messages/"


@dataclass
class Org:
    workspace: Workspace
    hr: Person
    hr_zh: Person
    ana: Person
    bob: Person
    wei: Person


def _identity(session: Session, person: Person, platform: Platform, external_id: str) -> None:
    session.add(
        PersonIdentity(
            workspace_id=person.workspace_id,
            person_id=person.id,
            platform=platform,
            external_id=external_id,
        )
    )


def _company(session: Session, platform: Platform) -> Org:
    """HR (en and zh-CN) and three people in Sales, each with an id on `platform`."""
    ws = factories.workspace(
        session, "acme", platform=platform, external_id="tenant-acme", language="en"
    )
    sales: Department = factories.department(session, ws, "Sales")
    hr = factories.person(session, ws, "hr@example.com", "Hana HR", role=Role.HR_ADMIN)
    hr_zh = factories.person(
        session, ws, "hr2@example.com", "人事", role=Role.HR_ADMIN, locale="zh-CN"
    )
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", department_id=sales.id)
    bob = factories.person(session, ws, "bob@example.com", "Bob Brown", department_id=sales.id)
    wei = factories.person(session, ws, "wei@example.com", "张伟", department_id=sales.id)
    for person in (hr, hr_zh, ana, bob, wei):
        _identity(session, person, platform, f"ou_{person.email.split('@')[0]}")
    session.commit()
    return Org(ws, hr, hr_zh, ana, bob, wei)


@pytest.fixture
def org(session: Session) -> Org:
    return _company(session, Platform.FEISHU)


def say(engine: Engine, who: Person, text: str, platform: Platform = Platform.FEISHU) -> str:
    assert who.id is not None
    return render_text(Core(engine).handle(Inbound(platform, who.workspace_id, who.id, text)))


def config_for(stub: StubFeishu) -> AppConfig:
    return AppConfig(
        company=CompanyConfig(workspace="acme"),
        feishu=FeishuConfig(enabled=True, domain=stub.base_url),
    )


def deliver(engine: Engine, stub: StubFeishu) -> int:
    """The real outbox worker and Feishu sender, through the lark client, to the stub."""
    client = build_client(credentials_from_env(config_for(stub).feishu), stub.base_url)
    worker = OutboxWorker(engine, FeishuSender(client), Limiter(per_second=1e6))
    return worker.drain()


def refs(session: Session) -> dict[str, str]:
    """Each recipient's (email name's) Feishu message id of the broadcast."""
    session.expire_all()
    query = (
        select(Person.email, OutboxMessage.platform_ref)
        .join(Person, col(Person.id) == OutboxMessage.person_id)
        .where(OutboxMessage.kind == "broadcast")
    )
    return {email.split("@")[0]: str(ref) for email, ref in session.exec(query)}


def read_calls(stub: StubFeishu) -> list[tuple[str, dict[str, str]]]:
    return [
        (call.path.split("/")[-2], call.query)
        for call in stub.calls_to("GET", READ_USERS)
        if call.path.endswith("/read_users")
    ]


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database_url: str,
    stub: StubFeishu,
    feishu_env: str,
) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(
        f"company: {{workspace: acme}}\nfeishu: {{enabled: true, domain: '{stub.base_url}'}}\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    return CliRunner()


def _old_message(session: Session, org: Org, stub: StubFeishu) -> None:
    """A broadcast Wei got 8 days ago and has read: too old for Feishu to answer about."""
    sent = utcnow() - timedelta(days=8)
    session.add(
        OutboxMessage(
            workspace_id=org.workspace.id,
            person_id=org.wei.id,
            dedupe_key=f"broadcast:999:{org.wei.id}",
            kind="broadcast",
            payload="{}",
            status=OutboxStatus.SENT,
            sent_at=sent,
            created_at=sent,
            platform_ref="om_old",
        )
    )
    session.commit()
    stub.reads["om_old"] = ["ou_wei"]


def test_broadcast_read_by_two_of_three(
    cli: CliRunner, engine: Engine, session: Session, org: Org, stub: StubFeishu
) -> None:
    sent_note = say(engine, org.hr, "/hr broadcast department:Sales Q4 reviews due confirm")
    assert "3 messages queued" in sent_note
    assert deliver(engine, stub) == 3
    sent = refs(session)
    assert sorted(sent.values()) == ["om_1", "om_2", "om_3"]  # the message ids are stored
    assert re.search(r"Read:\s+0 of 3", say(engine, org.hr, "/hr status"))

    _old_message(session, org, stub)
    # Ana's receipt is on the second page (the stub pages by two); Wei has not read it.
    stub.reads[sent["ana"]] = ["ou_someone", "ou_else", "ou_ana"]
    stub.reads[sent["bob"]] = ["ou_bob"]

    first = cli.invoke(app, ["jobs", "run", "read_receipts"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "read_receipts: 2 messages newly marked read."
    asked = read_calls(stub)
    assert sorted(m for m, _ in asked) == sorted(
        [sent["ana"], sent["ana"], sent["bob"], sent["wei"]]
    )
    assert all(q["user_id_type"] == "open_id" for _, q in asked)
    assert [q.get("page_token") for m, q in asked if m == sent["ana"]] == [None, "2"]
    assert "om_old" not in {m for m, _ in asked}

    status = say(engine, org.hr, "/hr status")
    assert re.search(r"Delivered:\s+3", status)
    assert re.search(r"Read:\s+2 of 3", status)
    assert "Feishu reports reads for 7 days" in status
    assert re.search(r"已读:\s+3 人中 2 人", say(engine, org.hr_zh, "/hr status"))
    session.expire_all()
    read = session.exec(select(OutboxMessage).where(col(OutboxMessage.read_at).is_not(None)))
    assert {row.person_id for row in read} == {org.ana.id, org.bob.id}

    # A re-run asks only about Wei's message, marks nothing and changes nothing.
    stub.calls.clear()
    again = cli.invoke(app, ["jobs", "run", "read_receipts"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "read_receipts: 0 messages newly marked read."
    assert [m for m, _ in read_calls(stub)] == [sent["wei"]]
    assert say(engine, org.hr, "/hr status") == status

    listed = cli.invoke(app, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    line = next(row for row in listed.output.splitlines() if row.startswith("read_receipts"))
    assert re.search(r"T\d\d:(00|15|30|45):00\+00:00$", line)


def test_scheduled_runs_ask_at_most_every_15_minutes(
    engine: Engine, session: Session, org: Org, stub: StubFeishu, feishu_env: str
) -> None:
    """The cron run and the sweep both fire the job: the second within the interval is a
    no-op, a run 15 minutes later asks again."""
    say(engine, org.hr, "/hr broadcast department:Sales Q4 reviews due Friday confirm")
    deliver(engine, stub)
    wei_message = refs(session)["wei"]
    config = config_for(stub)
    start = utcnow() + timedelta(days=1)

    def run_at(at: datetime) -> int:
        return read_receipts(JobRun(engine, config, at))

    assert run_at(start) == 0
    assert len(read_calls(stub)) == 3
    stub.reads[wei_message] = ["ou_wei"]
    assert run_at(start + timedelta(minutes=5)) == 0
    assert len(read_calls(stub)) == 3
    assert run_at(start + timedelta(minutes=15)) == 1
    assert len(read_calls(stub)) == 6
    # Seven days after sending Feishu no longer answers: nothing is asked.
    assert run_at(start + timedelta(days=7)) == 0
    assert len(read_calls(stub)) == 6


def test_slack_status_says_reads_are_not_reported(engine: Engine, session: Session) -> None:
    org = _company(session, Platform.SLACK)
    say(engine, org.hr, "/hr broadcast department:Sales Reviews due confirm", Platform.SLACK)
    for row in session.exec(select(OutboxMessage)):
        row.status, row.sent_at, row.platform_ref = OutboxStatus.SENT, utcnow(), "1700000000.1"
        session.add(row)
    session.commit()
    assert unread(session=session, now=utcnow()) == []  # Slack rows are never asked about
    status = say(engine, org.hr, "/hr status", Platform.SLACK)
    assert re.search(r"Read:\s+not reported by Slack", status)
    assert "Slack does not tell apps who has read a message" in status
    assert "Slack 不提供已读状态" in say(engine, org.hr_zh, "/hr status", Platform.SLACK)
