"""KPI alert summaries reach the configured channel: exactly one per crossing and one per
recovery, over real HTTP to the Slack and Feishu stubs (and labelled in the console)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.core import Core
from bot.delivery.outcome import Envelope, Transport
from bot.delivery.ratelimit import Limiter
from bot.delivery.worker import OutboxWorker
from bot.feishu.api import build_client
from bot.feishu.credentials import FeishuCredentials
from bot.feishu.sender import FeishuSender
from bot.slack.sender import SlackSender, client_factory
from bot.text import render_text
from commands.operations.kpi_intake import ingest
from digests.message import Message, Section
from storage.db import session_scope
from storage.models import (
    KpiDefinition,
    KpiDirection,
    KpiScope,
    KpiTarget,
    OutboxMessage,
    OutboxStatus,
    PersonIdentity,
    Platform,
    ReadingSource,
    Workspace,
)
from storage.outbox_targets import channel_key, channel_of
from tests import factories
from tests.bot.feishu.stub_feishu import StubFeishu, serve_stub
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.stub_slack import stub_slack as serve_slack
from tests.delivery.stub_platform import serve

CHANNEL = {Platform.SLACK: "C0ALERTS", Platform.FEISHU: "oc_alerts", Platform.CONSOLE: "#kpi"}
# fine, crosses warning 4 (alert), stays bad (no re-alert), recovers, crosses again
READINGS = [("2026-08", 3.5), ("2026-09", 4.6), ("2026-10", 5.2), ("2026-11", 3.9)]


@dataclass
class Company:
    workspace_id: int
    owner_id: int
    manager_id: int


def company(engine: Engine, platform: Platform) -> Company:
    """An operator with a loss-rate target (warning 4, critical 5) and a manager, both with
    platform ids."""
    with session_scope(engine) as session:
        ws = factories.workspace(session, platform=platform, external_id="T1")
        boss = factories.person(session, ws, "jun@acme.com", "Jun Li")
        hao = factories.person(session, ws, "hao@acme.com", "Hao Wang", manager_id=boss.id)
        assert ws.id is not None
        assert boss.id is not None
        assert hao.id is not None
        for person, external in ((boss, "U0BOSS"), (hao, "U0HAO")):
            session.add(
                PersonIdentity(
                    workspace_id=ws.id,
                    person_id=person.id or 0,
                    platform=platform,
                    external_id=external if platform is Platform.SLACK else "ou_" + external,
                )
            )
        loss = KpiDefinition(
            workspace_id=ws.id,
            code="LOSS_RATE",
            name="Loss rate",
            unit="%",
            direction=KpiDirection.LOWER_IS_BETTER,
            owner_id=boss.id,
        )
        session.add(loss)
        session.flush()
        session.add(
            KpiTarget(
                workspace_id=ws.id,
                kpi_id=loss.id or 0,
                scope=KpiScope.PERSON,
                person_id=hao.id,
                period="2026",
                target=3,
                warning=4,
                critical=5,
            )
        )
        return Company(ws.id, hao.id, boss.id)


def feed(engine: Engine, platform: Platform, readings: list[tuple[str, float]]) -> None:
    for period, value in readings:
        with session_scope(engine) as session:
            ws = session.exec(select(Workspace)).one()
            row = {"kpi": "LOSS_RATE", "scope": "person:hao@acme.com", "period": period}
            ingest(
                [row | {"value": value}],
                session=session,
                workspace=ws,
                source=ReadingSource.API,
                alert_channel=CHANNEL[platform],
            )


def drain(engine: Engine, transport: Transport) -> int:
    return OutboxWorker(engine, transport, Limiter(per_second=1000)).drain()


def channel_rows(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [row for row in rows if channel_of(row.dedupe_key) is not None]


@pytest.fixture
def slack_stub() -> Iterator[StubSlack]:
    with serve_slack() as stub:
        yield stub


@pytest.fixture
def feishu_stub() -> Iterator[StubFeishu]:
    with serve_stub() as stub:
        yield stub


def test_slack_channel_gets_one_summary_per_crossing_and_one_recovery(
    engine: Engine, slack_stub: StubSlack
) -> None:
    company(engine, Platform.SLACK)
    sender = SlackSender(client_factory(base_url=slack_stub.api_url, bot_token="xoxb-1"))
    feed(engine, Platform.SLACK, READINGS)
    drain(engine, sender)
    feed(engine, Platform.SLACK, [("2026-12", 4.4), ("2026-12", 4.8)])  # a second crossing
    drain(engine, sender)
    assert drain(engine, sender) == 0  # nothing left, nothing sent twice
    posts = [c for c in slack_stub.calls if c.method == "chat.postMessage"]
    to_channel = [c.params for c in posts if c.params.get("channel") == "C0ALERTS"]
    assert len(to_channel) == 3  # alert, recovery, alert
    texts = [str(p.get("text")) for p in to_channel]
    assert "LOSS_RATE" in texts[0]
    assert "4.6" in texts[0]
    assert "3.9" in texts[1]
    assert "4.4" in texts[2]
    # the DMs still go to the owner and the manager: 2 per alert and per recovery
    assert sum(1 for c in posts if c.params.get("channel") in {"U0HAO", "U0BOSS"}) == 6
    rows = channel_rows(engine)
    assert [r.kind for r in rows] == ["kpi_alert_channel"] * 3
    assert all(r.status is OutboxStatus.SENT and r.platform_ref for r in rows)


def test_feishu_channel_gets_the_summary_by_chat_id(
    engine: Engine, feishu_stub: StubFeishu
) -> None:
    company(engine, Platform.FEISHU)
    credentials = FeishuCredentials("cli_channel", "secret", "token", "")
    sender = FeishuSender(build_client(credentials, feishu_stub.base_url))
    feed(engine, Platform.FEISHU, READINGS)
    drain(engine, sender)
    sends = feishu_stub.sends(count=6)
    to_chat = [c for c in sends if c.query.get("receive_id_type") == "chat_id"]
    to_people = [c for c in sends if c.query.get("receive_id_type") == "open_id"]
    assert [c.body["receive_id"] for c in to_chat] == ["oc_alerts", "oc_alerts"]
    assert {c.body["receive_id"] for c in to_people} == {"ou_U0HAO", "ou_U0BOSS"}
    assert len(to_people) == 4
    assert "LOSS_RATE" in to_chat[0].body["content"]


def test_in_doubt_channel_post_is_found_in_the_channel_not_posted_twice() -> None:
    message = Message(blocks=[Section(text="LOSS_RATE 4.6%")])
    with serve() as stub:
        sender = SlackSender(client_factory(base_url=stub.base_url + "/api/", bot_token="x"))

        def envelope(in_doubt: bool) -> Envelope:
            return Envelope(9, 1, 1, "C0ALERTS", "en", message, in_doubt, to_channel=True)

        first = sender.send(envelope(False))
        again = sender.send(envelope(True))
    assert again == first
    assert stub.delivered == {9: 1}


def test_console_prints_the_channel_summary_with_its_channel(engine: Engine) -> None:
    people = company(engine, Platform.CONSOLE)
    feed(engine, Platform.CONSOLE, READINGS[:2])
    from bot.console import deliver_pending

    shown = deliver_pending(
        Core(engine), workspace_id=people.workspace_id, person_id=people.owner_id
    )
    texts = [render_text(m) for m in shown]
    assert len(texts) == 2  # the owner's alert, and the channel's summary
    assert texts[1].startswith("  → #kpi")
    assert not texts[0].startswith("  →")
    assert channel_key("kpi_alert", "#kpi").endswith(":to=#kpi")
