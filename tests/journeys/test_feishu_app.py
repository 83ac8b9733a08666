"""Day one with a Feishu self-built app, from an empty database, through okrbot's public
interfaces only: `okrbot serve` learns the app's tenant at start, so a broadcast reaches
everyone in Feishu before anybody has written to the bot (each found by email); Ana drafts
an objective in a chat with the bot, the approval request card reaches her manager, who
approves it; a week later `okrbot jobs run checkin_prompt` prompts Ana. Then the rest of the
quarter: a check-in in the chat, a KPI API reading over the warning line, the manager's digest,
an HR broadcast and /hr status, the cycle into review, scoring in the chat, the review (复盘)
report and carry-over into 2027-Q1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.bot.feishu import events
from tests.bot.feishu.stub_feishu import Call, StubFeishu, serve_stub
from tests.journeys.harness import Okrbot, post

MONDAY = datetime.fromisoformat("2026-11-02T09:00+08:00")
PEOPLE = """email,name,manager_email,department,title,timezone,locale
lara@acme.example,Lara Lead,,Sales,Head of Sales,Asia/Shanghai,en
ana@acme.example,Ana Lima,lara@acme.example,Sales,Account Executive,Asia/Shanghai,en
bo@acme.example,Bo Chen,lara@acme.example,Sales,Account Executive,Asia/Shanghai,en
"""
OPEN_IDS = {
    "lara@acme.example": "ou_lara",
    "ana@acme.example": "ou_ana",
    "bo@acme.example": "ou_bo",
}


def app_yaml(domain: str) -> str:
    return f"""\
company:
  name: Acme
  workspace: acme
  timezone: Asia/Shanghai
  language: en
feishu:
  enabled: true
  domain: "{domain}"
cycles: {{cadence: quarter}}
scheduler: {{enabled: false}}
kpis:
  - code: WIN_RATE
    name: Quote win rate
    unit: "%"
    direction: higher_is_better
    targets:
      - {{scope: company, target: 30, warning: 25}}
      - {{scope: "person:ana@acme.example", target: 30, warning: 25}}
"""


@pytest.fixture
def feishu() -> Iterator[StubFeishu]:
    with serve_stub() as stub:
        stub.users = {
            open_id: {"open_id": open_id, "email": email, "name": email.split("@")[0]}
            for email, open_id in OPEN_IDS.items()
        }
        yield stub


@pytest.fixture
def acme(tmp_path: Path, database_url: str, feishu: StubFeishu) -> Okrbot:
    company = Okrbot(
        tmp_path,
        database_url,
        env={
            "FEISHU_APP_ID": "cli_journey",
            "FEISHU_APP_SECRET": "journey-secret",
            "FEISHU_VERIFICATION_TOKEN": events.VERIFICATION_TOKEN,
            "FEISHU_ENCRYPT_KEY": events.ENCRYPT_KEY,
        },
        now=MONDAY,
    )
    company.write("app.yaml", app_yaml(feishu.base_url))
    company.write("people.csv", PEOPLE)
    return company


def card_text(call: Call) -> str:
    return str(call.body.get("content", "")) if isinstance(call.body, dict) else ""


def cards_to(feishu: StubFeishu, open_id: str, containing: str, count: int = 1) -> list[Call]:
    """Cards sent to a person by open_id (proactive messages), once they have arrived."""

    def matching(calls: list[Call]) -> list[Call]:
        return [
            c
            for c in calls
            if c.method == "POST"
            and c.path == "/open-apis/im/v1/messages"
            and c.query.get("receive_id_type") == "open_id"
            and c.body.get("receive_id") == open_id
            and containing in card_text(c)
        ]

    feishu.wait_for(lambda calls: len(matching(calls)) >= count, timeout=20)
    return matching(list(feishu.calls))


def replies_to(feishu: StubFeishu, chat_id: str, containing: str) -> list[Call]:
    """The bot's answers in a chat (sent to its chat_id), once they have arrived."""

    def matching(calls: list[Call]) -> list[Call]:
        return [
            c
            for c in calls
            if c.path == "/open-apis/im/v1/messages"
            and c.query.get("receive_id_type") == "chat_id"
            and c.body.get("receive_id") == chat_id
            and containing in card_text(c)
        ]

    feishu.wait_for(lambda calls: len(matching(calls)) >= 1, timeout=20)
    return matching(list(feishu.calls))


def say(url: str, open_id: str, text: str) -> None:
    body, headers = events.signed(events.message(text, open_id=open_id, chat_id=f"oc_{open_id}"))
    status, _ = post(f"{url}/feishu/events", body, headers)
    assert status == 200


def click(url: str, open_id: str, action_id: str, value: str, **form: str) -> str:
    payload: dict[str, Any] = events.card_action(open_id=open_id, action_id=action_id, value=value)
    if form:
        payload["event"]["action"]["form_value"] = form
    body, headers = events.signed(payload)
    status, answer = post(f"{url}/feishu/events", body, headers)
    assert status == 200
    return answer


def action_value(card: str, action_id: str) -> str:
    """The value a card's button sends back for `action_id`."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            yield node
            for child in node.values():
                yield from walk(child)
        elif isinstance(node, list):
            for child in node:
                yield from walk(child)

    for node in walk(json.loads(card)):
        if node.get("action_id") == action_id and "value" in node:
            return str(node["value"])
    raise AssertionError(f"no {action_id} in {card[:2000]}")


def test_day_one_with_a_feishu_app(acme: Okrbot, feishu: StubFeishu) -> None:
    acme.run("db", "upgrade")
    acme.run("import", "people", "people.csv")

    with acme.serve() as url:
        acme.run("broadcast", "--audience", "everyone", "--message", "Welcome to OKRs", "--yes")
        for open_id in OPEN_IDS.values():
            (welcome,) = cards_to(feishu, open_id, "Welcome to OKRs")
            assert "Acme" in card_text(welcome)
        asked = feishu.calls_to("POST", "/open-apis/contact/v3/users/batch_get_id")
        assert sorted(c.body["emails"][0] for c in asked) == sorted(OPEN_IDS)

        # Ana asks for a new objective: the form comes as a card, submitted with its values.
        say(url, "ou_ana", "/okr new")
        (form,) = replies_to(feishu, "oc_ou_ana", "okr.new.submit")
        token = action_value(card_text(form), "okr.new.submit")
        submitted = click(
            url,
            "ou_ana",
            "okr.new.submit",
            token,
            title="Win the EV segment",
            kr1="Sign EV accounts | 0 5 accounts",
        )
        assert "Lara Lead" in submitted
        (request,) = cards_to(feishu, "ou_lara", "okr.approve")
        assert "Win the EV segment" in card_text(request)
        answer = click(
            url,
            "ou_lara",
            "okr.approve",
            action_value(card_text(request), "okr.approve"),
            comment="Go for it",
        )
        assert "Approved O-1" in answer
        (told,) = cards_to(feishu, "ou_ana", "approved O-1")
        assert "Go for it" in card_text(told)

    acme.now = MONDAY + timedelta(days=7)
    with acme.serve():
        assert "checkin_prompt: 1" in acme.run("jobs", "run", "checkin_prompt")
        (prompt,) = cards_to(feishu, "ou_ana", "Sign EV accounts")
        assert "KR-1" in card_text(prompt)
    assert len(feishu.calls_to("POST", "/open-apis/contact/v3/users/batch_get_id")) == 3

    # The rest of the quarter: a check-in, a KPI reading over the warning line, the digest,
    # an HR broadcast, then review, scoring, the 复盘 report and carry-over.
    acme.run("people", "role", "lara@acme.example", "admin")
    token = acme.run("kpi", "token", "create", "--name", "crm").strip().splitlines()[-1]
    acme.now = MONDAY + timedelta(days=8)
    with acme.serve() as url:
        say(url, "ou_ana", "/okr update KR-1 2 on-track")
        replies_to(feishu, "oc_ou_ana", "→ 2")
        body = {
            "readings": [
                {
                    "id": "crm-2026-10",
                    "kpi": "WIN_RATE",
                    "scope": "person:ana@acme.example",
                    "period": "2026-11",
                    "value": 21,
                }
            ]
        }
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        status, _ = post(f"{url}/api/v1/kpi/readings", json.dumps(body).encode(), headers)
        assert status == 200
        cards_to(feishu, "ou_ana", "WIN_RATE")
        acme.now = MONDAY + timedelta(days=11)
        acme.run("jobs", "run", "manager_digest")
        cards_to(feishu, "ou_lara", "Ana")
        say(url, "ou_lara", "/hr broadcast everyone Reviews start soon confirm")
        cards_to(feishu, "ou_bo", "Reviews start soon")
        say(url, "ou_lara", "/hr status")
        replies_to(feishu, "oc_ou_lara", "Reviews start soon")

    acme.now = datetime.fromisoformat("2027-01-01T09:00+08:00")
    with acme.serve() as url:
        acme.run("jobs", "run", "cycles")
        cards_to(feishu, "ou_ana", "score your objective")
        steps = (
            ("/okr score O-1", "how well did it go"),
            # A command typed as Feishu people type them, mid-flow: run, and the flow goes on.
            ("列表", "Your review is still waiting for this answer"),
            ("ok", "What worked on O-1"),
            ("Signed two EV makers", "What did not work"),
            ("Legal reviews were slow", "What are the next steps"),
            ("Start legal review in week 1", "Saved your scores and review of O-1"),
        )
        for said, question in steps:
            say(url, "ou_ana", said)
            replies_to(feishu, "oc_ou_ana", question)
        say(url, "ou_ana", "/okr review 2026-Q4")
        replies_to(feishu, "oc_ou_ana", "Signed two EV makers")
        say(url, "ou_lara", "/okr cycle close 2026-Q4 carry")
        cards_to(feishu, "ou_ana", "continues in 2027-Q1")
