"""A workspace is reachable from the moment it is configured: `serve` links the company
workspace to a Slack bot token's team (auth.test) and to a Feishu app's tenant (tenant
query), and a person never seen on the platform is found by email, remembered — or, when
nobody has that email, reported and not asked for again on every message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.config import AppConfig, CompanyConfig, FeishuConfig, SlackConfig
from bot.delivery.ratelimit import Limiter
from bot.delivery.service import _feishu_transport, _slack_transport
from bot.delivery.worker import OutboxWorker
from bot.http_app import link_at_start
from bot.runtime import Runtime
from digests.message import Message, Section
from storage.models import (
    OutboxMessage,
    OutboxStatus,
    Person,
    PersonIdentity,
    Platform,
    PlatformMiss,
    Workspace,
)
from storage.repos import outbox, reach
from tests import factories
from tests.bot.feishu.stub_feishu import StubFeishu, serve_stub
from tests.bot.slack.stub_slack import StubSlack, stub_slack

NOTE = Message(blocks=[Section(text="Welcome to okrbot")]).model_dump_json()


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubSlack]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    with stub_slack() as stub:
        stub.users = {
            "U_ANA": {"id": "U_ANA", "profile": {"email": "ana@example.com"}},
        }
        yield stub


@pytest.fixture
def feishu(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubFeishu]:
    monkeypatch.setenv("FEISHU_APP_ID", "cli_reach")
    monkeypatch.setenv("FEISHU_APP_SECRET", "secret")
    with serve_stub() as stub:
        stub.users = {"ou_ana": {"open_id": "ou_ana", "email": "ana@example.com"}}
        yield stub


def slack_runtime(engine: Engine, stub: StubSlack) -> Runtime:
    config = AppConfig(
        company=CompanyConfig(workspace="acme", name="Acme"),
        slack=SlackConfig(enabled=True, api_base_url=stub.api_url),
    )
    return Runtime(config=config, engine=engine)


def feishu_runtime(engine: Engine, stub: StubFeishu) -> Runtime:
    config = AppConfig(
        company=CompanyConfig(workspace="acme", name="Acme"),
        feishu=FeishuConfig(enabled=True, domain=stub.base_url),
    )
    return Runtime(config=config, engine=engine)


def queue(session: Session, workspace: Workspace, people: list[Person], key: str) -> None:
    assert workspace.id is not None
    for person in people:
        assert person.id is not None
        outbox.enqueue(
            session=session,
            workspace_id=workspace.id,
            person_id=person.id,
            dedupe_key=f"{key}:{person.id}",
            kind="broadcast",
            payload=NOTE,
        )
    session.commit()


def company(session: Session) -> tuple[Workspace, Person, Person]:
    workspace = session.exec(select(Workspace).where(Workspace.slug == "acme")).one()
    ana = factories.person(session, workspace, "ana@example.com", "Ana")
    bo = factories.person(session, workspace, "bo@example.com", "Bo")
    session.commit()
    return workspace, ana, bo


def test_a_bot_token_links_the_company_workspace_at_start(
    engine: Engine, session: Session, slack: StubSlack
) -> None:
    runtime = slack_runtime(engine, slack)
    link_at_start(runtime)
    workspace = session.exec(select(Workspace).where(Workspace.slug == "acme")).one()
    assert (workspace.platform, workspace.external_id, workspace.name) == (
        Platform.SLACK,
        "T1",
        "Acme",
    )
    link_at_start(runtime)  # every restart: same workspace, nothing new
    assert len(session.exec(select(Workspace)).all()) == 1


def test_slack_finds_a_person_by_email_and_reports_who_it_cannot_find(
    engine: Engine, session: Session, slack: StubSlack
) -> None:
    runtime = slack_runtime(engine, slack)
    link_at_start(runtime)
    workspace, ana, bo = company(session)
    queue(session, workspace, [ana, bo], "welcome")
    worker = OutboxWorker(engine, _slack_transport(runtime), Limiter(per_second=1000))

    assert worker.drain() == 2

    posts = slack.of("chat.postMessage")
    assert [p.params["channel"] for p in posts] == ["U_ANA"]
    session.expire_all()
    identity = session.exec(select(PersonIdentity).where(PersonIdentity.person_id == ana.id)).one()
    assert identity.external_id == "U_ANA"
    rows: dict[int | None, OutboxMessage] = {
        r.person_id: r for r in session.exec(select(OutboxMessage))
    }
    assert rows[ana.id].status == OutboxStatus.SENT
    assert rows[bo.id].status == OutboxStatus.DEAD
    assert rows[bo.id].last_error == "not_found: slack: users_not_found"
    assert workspace.id is not None
    assert [p.email for p, _ in reach.unreachable(session=session, workspace_id=workspace.id)] == [
        "bo@example.com"
    ]

    # The next message: Ana by her remembered id, Bo not asked for again (a dead letter).
    queue(session, workspace, [ana, bo], "second")
    assert worker.drain() == 1  # Bo's is a dead letter before any send
    session.expire_all()
    assert {r.status for r in session.exec(select(OutboxMessage))} == {
        OutboxStatus.SENT,
        OutboxStatus.DEAD,
    }
    assert len(slack.of("users.lookupByEmail")) == 2
    assert [p.params["channel"] for p in slack.of("chat.postMessage")] == ["U_ANA", "U_ANA"]


def test_a_miss_is_cleared_once_the_person_is_known(
    engine: Engine, session: Session, slack: StubSlack
) -> None:
    runtime = slack_runtime(engine, slack)
    link_at_start(runtime)
    workspace, _ana, bo = company(session)
    queue(session, workspace, [bo], "welcome")
    OutboxWorker(engine, _slack_transport(runtime), Limiter(per_second=1000)).drain()
    assert session.exec(select(PlatformMiss)).all()

    slack.users["U_BO"] = {"id": "U_BO", "profile": {"email": "bo@example.com"}}
    from storage.repos import people

    assert bo.id is not None
    assert workspace.id is not None
    people.link_identity(
        session=session,
        workspace_id=workspace.id,
        person_id=bo.id,
        platform=Platform.SLACK,
        external_id="U_BO",
    )
    session.commit()
    assert session.exec(select(PlatformMiss)).all() == []


def test_a_feishu_app_learns_its_tenant_at_start_and_finds_people_by_email(
    engine: Engine, session: Session, feishu: StubFeishu
) -> None:
    runtime = feishu_runtime(engine, feishu)
    link_at_start(runtime)
    workspace, ana, bo = company(session)
    assert (workspace.platform, workspace.external_id) == (Platform.FEISHU, "tenant-acme")
    queue(session, workspace, [ana, bo], "welcome")

    assert OutboxWorker(engine, _feishu_transport(runtime), Limiter(per_second=1000)).drain() == 2

    sends = feishu.sends(1)
    assert [s.body["receive_id"] for s in sends] == ["ou_ana"]
    assert [
        c.body for c in feishu.calls_to("POST", "/open-apis/contact/v3/users/batch_get_id")
    ] == [
        {"emails": ["ana@example.com"]},
        {"emails": ["bo@example.com"]},
    ]
    session.expire_all()
    rows: dict[int | None, OutboxMessage] = {
        r.person_id: r for r in session.exec(select(OutboxMessage))
    }
    assert rows[bo.id].status == OutboxStatus.DEAD
    assert rows[bo.id].last_error == "not_found: feishu: no user with this email"
