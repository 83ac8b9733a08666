"""Findings 11 and 13 on the KPI API: absurd values and bodies get 4xx (never a 500), guessing
tokens and flooding with a good one are slowed down with 429 + Retry-After, and a token can be
revoked from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

import bot.cli_kpi  # noqa: F401  (registers the commands)
from bot.cli import app as cli_app
from bot.config import AppConfig, KpiApiConfig
from bot.core import Core
from bot.http_app import build_app
from bot.runtime import Runtime
from storage.models import KpiReading
from storage.repos import kpi_tokens
from tests.kpi.conftest import KpiCompany
from tests.support.http_server import serve_asgi

URL = "/api/v1/kpi/readings"


@pytest.fixture
def api(engine: Engine, session: Session, kc: KpiCompany) -> Iterator[tuple[httpx.Client, str]]:
    _, token = kpi_tokens.create(session=session, workspace_id=kc.workspace.id, name="mes")
    session.commit()
    config = AppConfig(kpi_api=KpiApiConfig(requests_per_minute=60, burst=8))
    app = build_app(Runtime(config=config, engine=engine), Core(engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client, token


def reading(value: object) -> bytes:
    return (
        '{"readings": [{"id": "r-1", "kpi": "LOSS_RATE", "scope": "person:hao@acme.com", '
        '"period": "2026-11", "value": ' + str(value) + "}]}"
    ).encode()


@pytest.mark.parametrize("value", ["9" * 5000, "1e308", "-1e308", '"NaN"', '"1e999"', "1" * 20])
def test_absurd_values_are_refused_with_a_reason(
    api: tuple[httpx.Client, str], session: Session, value: str
) -> None:
    client, token = api
    response = client.post(
        URL,
        content=reading(value),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "readings[0].value"
    assert session.exec(select(KpiReading)).all() == []


def test_a_deep_or_broken_body_is_a_400(api: tuple[httpx.Client, str]) -> None:
    client, token = api
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in ["[" * 50_000 + "]" * 50_000, '{"readings": [', "\udcff"]:
        response = client.post(URL, content=body.encode("utf-8", "surrogatepass"), headers=auth)
        assert response.status_code == 400, response.text


def test_guessing_tokens_is_slowed_down(api: tuple[httpx.Client, str]) -> None:
    client, _ = api
    statuses = [
        client.post(URL, content=reading(1), headers={"Authorization": f"Bearer guess-{n}"})
        for n in range(30)
    ]
    assert [r.status_code for r in statuses[:10]] == [401] * 10
    assert {r.status_code for r in statuses[10:]} == {429}
    assert int(statuses[-1].headers["Retry-After"]) >= 1


def test_one_token_cannot_flood(api: tuple[httpx.Client, str]) -> None:
    client, token = api
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    statuses = [client.post(URL, content=reading(3.5), headers=auth).status_code for _ in range(12)]
    assert statuses[:8] == [200] * 8  # the burst
    assert set(statuses[8:]) == {429}


def test_a_revoked_token_stops_working_at_once(
    api: tuple[httpx.Client, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database_url: str,
) -> None:
    client, token = api
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert client.post(URL, content=reading(3.5), headers=auth).status_code == 200
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    cli = CliRunner()
    listed = cli.invoke(cli_app, ["kpi", "token", "list"])
    assert listed.exit_code == 0, listed.output
    assert token not in listed.output
    assert token[:12] in listed.output
    revoked = cli.invoke(cli_app, ["kpi", "token", "revoke", token[:12]])
    assert revoked.exit_code == 0, revoked.output
    assert "Revoked 1 API token" in revoked.output
    assert client.post(URL, content=reading(3.6), headers=auth).status_code == 401
    again = cli.invoke(cli_app, ["kpi", "token", "revoke", "mes"])
    assert again.exit_code == 2
