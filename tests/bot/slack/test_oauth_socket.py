"""Multi-workspace OAuth install on okrbot's database, and Socket Mode over a local websocket."""

from __future__ import annotations

import http.client
import json
import queue
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from websockets.sync.server import ServerConnection, serve

from bot.config import AppConfig, CompanyConfig, CycleConfig, KpiConfig
from bot.core import Core
from bot.slack.app import build_app
from bot.slack.credentials import SlackCredentials
from bot.slack.socket_mode import SocketModeService
from storage.models import Cycle, KpiDefinition, KpiDirection, Person, Platform, Role
from storage.repos import people, workspaces
from tests import factories
from tests.bot.slack.conftest import SECRET, TEAM, Company, runtime_for, serve_slack
from tests.bot.slack.stub_slack import StubSlack

OAUTH = SlackCredentials(signing_secret=SECRET, client_id="111.222", client_secret="shh")


@dataclass
class Got:
    status: int
    headers: dict[str, str]
    body: str


def get(url: str, path: str, headers: dict[str, str] | None = None) -> Got:
    """A GET that does not follow redirects."""
    connection = http.client.HTTPConnection(urlparse(url).netloc, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Got(response.status, headers, response.read().decode())
    finally:
        connection.close()


def install(base_url: str) -> Got:
    started = get(base_url, "/slack/install")
    assert started.status == 302
    location = started.headers.get("location", "")
    assert location.startswith("https://slack.com/oauth/v2/authorize?")
    query = parse_qs(urlparse(location).query)
    assert query["client_id"] == ["111.222"]
    assert "commands" in query["scope"][0]
    state = query["state"][0]
    cookie = started.headers.get("set-cookie", "").split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    return get(base_url, f"/slack/oauth_redirect?code=abc&state={state}", {"Cookie": cookie})


def test_oauth_install_stores_the_installation_and_links_workspaces(
    engine: Engine, stub: StubSlack, session: Session
) -> None:
    factories.workspace(session, "default")  # the configured company, not yet on Slack
    session.commit()
    with serve_slack(engine, stub, credentials=OAUTH) as served:
        finished = install(served.url)
        assert finished.status == 200, finished.body
        (exchange,) = stub.of("oauth.v2.access")
        assert exchange.params["code"] == "abc"
        stub.oauth_team = {"id": "T3", "name": "Initech"}
        assert install(served.url).status == 200
        assert install(served.url).status == 200  # reinstalling changes nothing
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=engine)
    bot = store.find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None
    assert bot.bot_token == "xoxb-new-T2"
    session.expire_all()
    company = workspaces.get_by_slug(session=session, slug="default")
    assert company is not None
    assert (company.platform, company.external_id) == (Platform.SLACK, "T2")
    other = workspaces.get_by_platform(session=session, platform=Platform.SLACK, external_id="T3")
    assert other is not None
    assert (other.slug, other.name) == ("slack-t3", "Initech")


def test_every_installed_team_gets_the_company_settings_and_an_admin(
    engine: Engine, stub: StubSlack, session: Session
) -> None:
    config = AppConfig(
        company=CompanyConfig(workspace="acme"),
        cycles=[CycleConfig(name="2026-Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))],
        kpis=[
            KpiConfig(code="LOSS_RATE", name="Loss rate", direction=KpiDirection.LOWER_IS_BETTER)
        ],
    )
    stub.users["U_INSTALLER"] = {
        "id": "U_INSTALLER",
        "real_name": "Ines Installer",
        "tz": "Europe/Berlin",
        "profile": {"email": "ines@initech.example", "real_name": "Ines Installer"},
    }
    with serve_slack(engine, stub, credentials=OAUTH, config=config) as served:
        assert install(served.url).status == 200  # T2: a new company workspace
        stub.oauth_team = {"id": "T3", "name": "Initech"}
        assert install(served.url).status == 200
    for team in ("T2", "T3"):
        found = workspaces.get_by_platform(
            session=session, platform=Platform.SLACK, external_id=team
        )
        assert found is not None
        cycles = session.exec(select(Cycle.name).where(Cycle.workspace_id == found.id)).all()
        kpis = session.exec(
            select(KpiDefinition.code).where(KpiDefinition.workspace_id == found.id)
        ).all()
        assert (team, list(cycles), list(kpis)) == (team, ["2026-Q4"], ["LOSS_RATE"])
        admin = session.exec(
            select(Person).where(Person.workspace_id == found.id, Person.role == Role.ADMIN)
        ).one()
        assert (admin.email, admin.name, admin.timezone) == (
            "ines@initech.example",
            "Ines Installer",
            "Europe/Berlin",
        )
        assert (
            people.get_by_identity(
                session=session,
                workspace_id=found.id,
                platform=Platform.SLACK,
                external_id="U_INSTALLER",
            )
            == admin
        )


def test_a_second_install_keeps_the_first_admin_and_a_workspaces_own_kpi(
    engine: Engine, stub: StubSlack, session: Session
) -> None:
    config = AppConfig(
        company=CompanyConfig(workspace="acme"),
        kpis=[
            KpiConfig(code="LOSS_RATE", name="Loss rate", direction=KpiDirection.LOWER_IS_BETTER)
        ],
    )
    stub.users["U_INSTALLER"] = {"id": "U_INSTALLER", "profile": {"email": "ines@x.example"}}
    stub.oauth_team = {"id": "T3", "name": "Initech"}
    factories.workspace(session, "acme", platform=Platform.SLACK, external_id="T9")
    session.commit()
    with serve_slack(engine, stub, credentials=OAUTH, config=config) as served:
        assert install(served.url).status == 200
        initech = workspaces.get_by_platform(
            session=session, platform=Platform.SLACK, external_id="T3"
        )
        assert initech is not None
        kpi = session.exec(
            select(KpiDefinition).where(KpiDefinition.workspace_id == initech.id)
        ).one()
        kpi.name = "Scrap rate"  # Initech's own name for it
        session.add(kpi)
        session.commit()
        stub.users["U_INSTALLER"]["id"] = "U_OTHER"
        assert install(served.url).status == 200
    runtime = runtime_for(engine, stub, config)
    from bot.company_setup import apply_to_company_workspace

    apply_to_company_workspace(engine=engine, config=runtime.config)
    session.expire_all()
    assert session.exec(
        select(KpiDefinition.name).where(KpiDefinition.workspace_id == initech.id)
    ).all() == ["Scrap rate"]
    admins = session.exec(select(Person.email).where(Person.role == Role.ADMIN)).all()
    assert admins == ["ines@x.example"]


def test_a_forged_oauth_state_is_refused(engine: Engine, stub: StubSlack) -> None:
    with serve_slack(engine, stub, credentials=OAUTH) as served:
        cookie = {"Cookie": "slack-app-oauth-state=forged"}
        response = get(served.url, "/slack/oauth_redirect?code=abc&state=forged", cookie)
        assert response.status == 401
    assert stub.of("oauth.v2.access") == []


def test_socket_mode_answers_a_slash_command(
    engine: Engine, stub: StubSlack, company: Company
) -> None:
    acks: queue.Queue[dict[str, Any]] = queue.Queue()
    command = {"command": "/okr", "text": "update KR-1 3", "team_id": TEAM, "user_id": "U_ANA",
               "channel_id": "C1", "response_url": f"{stub.base_url}/response/s"}  # fmt: skip

    def session_handler(websocket: ServerConnection) -> None:
        websocket.send(json.dumps({"type": "hello", "num_connections": 1}))
        envelope = {"envelope_id": "env-1", "type": "slash_commands", "payload": command,
                    "accepts_response_payload": True, "retry_attempt": 0}  # fmt: skip
        websocket.send(json.dumps(envelope))
        for raw in websocket:
            acks.put(json.loads(raw))

    with serve(session_handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        stub.socket_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        app, answers = build_app(
            runtime_for(engine, stub), Core(engine), SlackCredentials("", bot_token="xoxb-test")
        )
        service = SocketModeService(app, app_token="xapp-test")
        service.start()
        try:
            ack = acks.get(timeout=10)
            stub.wait_for("response")
        finally:
            service.stop()
            answers.close()
            server.shutdown()
    assert stub.of("apps.connections.open")[0].params["token"] == "xapp-test"
    assert ack["envelope_id"] == "env-1"
    (posted,) = stub.wait_for("response")
    assert posted.params["response_type"] == "ephemeral"
    assert "KR-1" in json.dumps(posted.params["blocks"])
