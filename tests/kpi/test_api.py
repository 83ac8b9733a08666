"""POST /api/v1/kpi/readings on a real uvicorn server: auth, validation, idempotency, 1,000."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.config import AppConfig
from bot.core import Core
from bot.http_app import build_app
from bot.runtime import Runtime
from storage.models import KpiApiToken, KpiReading
from storage.repos import kpi_tokens
from tests.kpi.conftest import KpiCompany
from tests.support.http_server import serve_asgi

URL = "/api/v1/kpi/readings"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def api(engine: Engine, session: Session, kc: KpiCompany) -> Iterator[tuple[httpx.Client, str]]:
    _, token = kpi_tokens.create(session=session, workspace_id=kc.workspace.id, name="mes")
    session.commit()
    app = build_app(Runtime(config=AppConfig(), engine=engine), Core(engine))
    with serve_asgi(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        yield client, token


def _reading(n: int, value: float = 3.5) -> dict[str, object]:
    return {
        "id": f"r-{n}",
        "kpi": "LOSS_RATE",
        "scope": "person:hao@acme.com",
        "period": f"{2000 + n // 12}-{n % 12 + 1:02d}",
        "value": value,
    }


def test_the_token_is_stored_hashed(session: Session, kc: KpiCompany) -> None:
    row, token = kpi_tokens.create(session=session, workspace_id=kc.workspace.id, name="x")
    stored = session.exec(select(KpiApiToken).where(KpiApiToken.id == row.id)).one()
    assert token not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64
    assert kpi_tokens.workspace_of(session=session, token=token) == kc.workspace.id
    assert kpi_tokens.workspace_of(session=session, token=token + "x") is None


def test_auth(api: tuple[httpx.Client, str]) -> None:
    client, token = api
    body = {"readings": [_reading(1)]}
    assert client.post(URL, json=body).status_code == 401
    assert client.post(URL, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post(URL, json=body, headers={"Authorization": token}).status_code == 401
    ok = client.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200, ok.text


def test_validation_names_the_bad_field_and_stores_nothing(
    api: tuple[httpx.Client, str], session: Session
) -> None:
    client, token = api
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post(URL, content=b"{nope", headers=auth).status_code == 400
    assert client.post(URL, json={"readings": {}}, headers=auth).json()["message"] == (
        "readings: must be a list"
    )
    bad = client.post(URL, json={"readings": [_reading(1), _reading(2, "n/a")]}, headers=auth)
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "index": 1,
            "field": "readings[1].value",
            "reason": "bad_value",
            "message": "value: “n/a” is not a number",
        }
    ]
    assert session.exec(select(func.count()).select_from(KpiReading)).one() == 0


def test_a_batch_of_1000_then_the_same_batch_again(
    api: tuple[httpx.Client, str], session: Session
) -> None:
    client, token = api
    auth = {"Authorization": f"Bearer {token}"}
    batch = {"readings": [_reading(n) for n in range(1000)]}
    first = client.post(URL, json=batch, headers=auth)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 1000, "duplicates": 0, "alerts": 0, "recoveries": 0}
    again = client.post(URL, json=batch, headers=auth)
    assert again.json() == {"created": 0, "duplicates": 1000, "alerts": 0, "recoveries": 0}
    assert session.exec(select(func.count()).select_from(KpiReading)).one() == 1000


def test_the_readme_example_answers_as_the_readme_says(
    api: tuple[httpx.Client, str], session: Session
) -> None:
    """The request and answers README.md shows for the KPI API, sent as written."""
    section = README.read_text(encoding="utf-8").split("### KPI readings from business systems")[1]
    body = re.search(r"-d '(.*?)'\n", section, re.DOTALL)
    answered = re.search(r"# 200 (\{.*?\})\n", section)
    refused = re.search(r"with `422 (\{.*?\})`", section, re.DOTALL)
    assert body is not None
    assert answered is not None
    assert refused is not None
    client, token = api
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    ok = client.post(URL, content=body[1].encode(), headers=auth)
    assert (ok.status_code, ok.json()) == (200, json.loads(answered[1]))
    again = client.post(URL, content=body[1].encode(), headers=auth)
    assert again.json()["duplicates"] == 1
    reading = json.loads(body[1])["readings"][0]
    wrong = {"readings": [{**reading, "id": "x", "scope": "department:Nowhere"}]}
    bad = client.post(URL, json=wrong, headers=auth)
    shown = json.loads(" ".join(refused[1].split()))
    assert bad.status_code == 422
    assert bad.json()["errors"] == shown["errors"]
