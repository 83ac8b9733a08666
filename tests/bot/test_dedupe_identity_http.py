"""Shared adapter seams: event dedupe, identity resolution, the HTTP app's health check."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import AppConfig
from bot.core import Core
from bot.dedupe import claim_event
from bot.http_app import build_app, enabled_platforms
from bot.identity import PlatformProfile, resolve_person
from bot.runtime import Runtime
from storage.models import Platform
from storage.repos import people
from tests import factories
from tests.support.http_server import serve_asgi


def test_an_event_is_claimed_once(engine: Engine) -> None:
    assert claim_event(engine, platform=Platform.SLACK, event_id="Ev1")
    assert not claim_event(engine, platform=Platform.SLACK, event_id="Ev1")
    assert claim_event(engine, platform=Platform.FEISHU, event_id="Ev1")


def test_concurrent_claims_let_exactly_one_through(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda _: claim_event(engine, platform=Platform.SLACK, event_id="EvRace"),
                range(16),
            )
        )
    assert results.count(True) == 1


def test_identity_by_stored_id_then_by_email(session: Session) -> None:
    ws = factories.workspace(session)
    ana = factories.person(session, ws, "ana@example.com")
    calls: list[str] = []

    def profile() -> PlatformProfile:
        calls.append("fetch")
        return PlatformProfile(email="ANA@example.com", timezone="Europe/Lisbon", locale="zh_CN")

    found = resolve_person(
        session=session,
        workspace=ws,
        platform=Platform.SLACK,
        external_id="U1",
        fetch_profile=profile,
    )
    assert found is not None
    assert found.id == ana.id
    assert (found.timezone, found.locale) == ("Europe/Lisbon", "zh-CN")
    again = resolve_person(
        session=session,
        workspace=ws,
        platform=Platform.SLACK,
        external_id="U1",
        fetch_profile=profile,
    )
    assert again is not None
    assert again.id == ana.id
    assert calls == ["fetch"]
    assert (
        people.get_by_identity(
            session=session, workspace_id=ws.id, platform=Platform.SLACK, external_id="U1"
        )
        is not None
    )


def test_unknown_user_is_not_invented(session: Session) -> None:
    ws = factories.workspace(session)
    assert (
        resolve_person(
            session=session,
            workspace=ws,
            platform=Platform.FEISHU,
            external_id="ou_x",
            fetch_profile=lambda: PlatformProfile(email="stranger@example.com"),
        )
        is None
    )
    assert (
        resolve_person(
            session=session,
            workspace=ws,
            platform=Platform.FEISHU,
            external_id="ou_y",
            fetch_profile=lambda: None,
        )
        is None
    )


def test_healthz_answers_with_the_database_reachable(engine: Engine) -> None:
    runtime = Runtime(config=AppConfig(), engine=engine)
    assert enabled_platforms(runtime) == []
    with serve_asgi(build_app(runtime, Core(engine))) as base_url:
        response = urllib.request.urlopen(f"{base_url}/healthz", timeout=5)
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": "ok"}


def test_two_first_requests_of_a_new_user_link_them_once(engine: Engine) -> None:
    from storage.db import session_scope

    with session_scope(engine) as session:
        ws = factories.workspace(session)
        factories.person(session, ws, "ana@example.com")
        ws_id = ws.id

    def first_contact(_: int) -> int | None:
        with session_scope(engine) as session:
            from storage.models import Workspace

            workspace = session.get(Workspace, ws_id)
            assert workspace is not None
            person = resolve_person(
                session=session,
                workspace=workspace,
                platform=Platform.SLACK,
                external_id="U1",
                fetch_profile=lambda: PlatformProfile(email="ana@example.com"),
            )
            return person.id if person else None

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(first_contact, range(8)))
    assert len(set(found)) == 1
    assert None not in found
