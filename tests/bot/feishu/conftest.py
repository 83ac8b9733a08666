"""Fixtures: a company on each database, a stub Open API, and the real HTTP app serving
POST /feishu/events with the real lark-oapi dispatcher."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig, CompanyConfig, FeishuConfig
from bot.core import Core
from bot.feishu import http as feishu_http
from bot.feishu.http import FeishuAdapter
from bot.http_app import build_app
from bot.runtime import Runtime
from storage.models import Person, Workspace
from tests import factories
from tests.bot.feishu.events import ENCRYPT_KEY, VERIFICATION_TOKEN
from tests.bot.feishu.stub_feishu import StubFeishu, serve_stub
from tests.support.http_server import serve_asgi


@dataclass
class Company:
    workspace: Workspace
    ana: Person
    wei: Person


@pytest.fixture
def company(session: Session) -> Company:
    """Acme (a Chinese company): Ana (English) owns KR-1; Wei has no language set."""
    ws = factories.workspace(session, "acme", language="zh-CN", timezone="Asia/Shanghai")
    ana = factories.person(session, ws, "ana@example.com", "Ana Lima", locale="en")
    wei = factories.person(session, ws, "wei@example.com", "张伟")
    cycle = factories.cycle(session, ws)
    objective = factories.objective(session, ws, cycle, ana, "Win the EV segment")
    factories.key_result(session, objective, ana, "Sign new EV accounts", start=0, target=5)
    session.commit()
    return Company(ws, ana, wei)


@pytest.fixture
def stub() -> Iterator[StubFeishu]:
    with serve_stub() as running:
        running.users = {
            "ou_ana": {"open_id": "ou_ana", "name": "Ana Lima", "email": "ana@example.com"},
            "ou_wei": {
                "open_id": "ou_wei",
                "name": "张伟",
                "email": "wei@example.com",
                "time_zone": "Asia/Shanghai",
            },
        }
        yield running


@dataclass
class Feishu:
    url: str
    stub: StubFeishu
    engine: Engine
    adapter: FeishuAdapter

    @property
    def events_url(self) -> str:
        return f"{self.url}/feishu/events"


def feishu_runtime(engine: Engine, stub: StubFeishu, **feishu: object) -> Runtime:
    config = AppConfig(
        company=CompanyConfig(workspace="acme", language="zh-CN"),
        feishu=FeishuConfig(enabled=True, domain=stub.base_url, **feishu),
    )
    return Runtime(config=config, engine=engine)


@pytest.fixture
def feishu_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials in the environment; a fresh app id (lark caches tokens per app id)."""
    app_id = f"cli_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("FEISHU_APP_ID", app_id)
    monkeypatch.setenv("FEISHU_APP_SECRET", "secret")
    monkeypatch.setenv("FEISHU_VERIFICATION_TOKEN", VERIFICATION_TOKEN)
    monkeypatch.setenv("FEISHU_ENCRYPT_KEY", ENCRYPT_KEY)
    return app_id


@pytest.fixture
def feishu(engine: Engine, company: Company, stub: StubFeishu, feishu_env: str) -> Iterator[Feishu]:
    runtime = feishu_runtime(engine, stub)
    core = Core(engine)
    app = build_app(runtime, core)
    adapter = feishu_http.adapter(runtime, core)
    try:
        with serve_asgi(app) as url:
            yield Feishu(url, stub, engine, adapter)
    finally:
        adapter.bot.shutdown()
        feishu_http._ADAPTERS.clear()
