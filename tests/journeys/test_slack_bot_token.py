"""Day one with Slack and a single bot token, from an empty database, through okrbot's public
interfaces only: `okrbot db upgrade`, `okrbot import people`, `okrbot serve`, then a broadcast
reaches every person in Slack although nobody has written to the bot; a drafted objective's
approval request reaches the manager, who approves it in Slack; a week later
`okrbot jobs run checkin_prompt` prompts the owner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import SLACK_SECRET, Okrbot, SlackTeam, button_value, shown, slack_user

MONDAY = datetime.fromisoformat("2026-11-02T09:00+08:00")
PEOPLE = """email,name,manager_email,department,title,timezone,locale
lara@acme.example,Lara Lead,,Sales,Head of Sales,Asia/Shanghai,en
ana@acme.example,Ana Lima,lara@acme.example,Sales,Account Executive,Asia/Shanghai,en
bo@acme.example,Bo Chen,lara@acme.example,Sales,Account Executive,Asia/Shanghai,en
"""


def app_yaml(slack_api: str) -> str:
    return f"""\
company:
  name: Acme
  workspace: acme
  timezone: Asia/Shanghai
  language: en
slack:
  enabled: true
  api_base_url: "{slack_api}"
cycles:
  - {{name: 2026-Q4, start: 2026-10-01, end: 2026-12-31, state: active}}
scheduler: {{enabled: false}}
"""


@pytest.fixture
def slack() -> Iterator[StubSlack]:
    with stub_slack() as stub:
        stub.users = {
            "U_LARA": slack_user("U_LARA", "lara@acme.example", "Lara Lead"),
            "U_ANA": slack_user("U_ANA", "ana@acme.example", "Ana Lima"),
            "U_BO": slack_user("U_BO", "bo@acme.example", "Bo Chen"),
        }
        yield stub


@pytest.fixture
def acme(tmp_path: Path, database_url: str, slack: StubSlack) -> Okrbot:
    company = Okrbot(
        tmp_path,
        database_url,
        env={"SLACK_BOT_TOKEN": "xoxb-journey", "SLACK_SIGNING_SECRET": SLACK_SECRET},
        now=MONDAY,
    )
    company.write("app.yaml", app_yaml(slack.api_url))
    company.write("people.csv", PEOPLE)
    return company


def dm_to(slack: StubSlack, user: str, *, containing: str, count: int = 1) -> list[str]:
    """What `user` was sent by the bot (chat.postMessage to their id), once it has arrived."""
    posts = slack.wait_for(
        "chat.postMessage",
        count,
        timeout=20,
        where=lambda c: c.params.get("channel") == user and containing in shown(c.params),
    )
    return [shown(p.params) for p in posts]


def test_day_one_with_a_bot_token(acme: Okrbot, slack: StubSlack) -> None:
    acme.run("db", "upgrade")
    assert "3" in acme.run("import", "people", "people.csv")

    with acme.serve() as url:
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        # Nobody has written to the bot: the broadcast still reaches all three in Slack.
        queued = acme.run(
            "broadcast",
            "--audience",
            "everyone",
            "--message",
            "Welcome to OKRs at Acme",
            "--yes",
        )
        assert "3 messages queued" in queued
        for user in ("U_LARA", "U_ANA", "U_BO"):
            (welcome,) = dm_to(slack, user, containing="Welcome to OKRs at Acme")
            assert "Acme" in welcome
        looked_up = sorted(c.params["email"] for c in slack.of("users.lookupByEmail"))
        assert looked_up == ["ana@acme.example", "bo@acme.example", "lara@acme.example"]

        # Ana drafts an objective; the form comes back as message inputs (no trigger_id).
        assert team.command("U_ANA", "/okr", "new") == 200
        form = slack.wait_for("response", where=lambda c: "okr.new.submit" in shown(c.params))[-1]
        token = button_value(form.params["blocks"], "okr.new.submit")
        values = {
            "title": {"title": {"type": "plain_text_input", "value": "Win the EV segment"}},
            "kr1": {
                "kr1": {"type": "plain_text_input", "value": "Sign EV accounts | 0 5 accounts"}
            },
        }
        assert team.click("U_ANA", "okr.new.submit", token, values=values) == 200

        # The approval request reaches Lara, who approves it with a comment.
        (request,) = slack.wait_for(
            "chat.postMessage",
            where=lambda c: (
                c.params.get("channel") == "U_LARA" and "okr.approve" in shown(c.params)
            ),
            timeout=20,
        )
        assert "Win the EV segment" in shown(request.params)
        approve = button_value(request.params["blocks"], "okr.approve")
        comment = {"comment": {"comment": {"type": "plain_text_input", "value": "Go for it"}}}
        assert team.click("U_LARA", "okr.approve", approve, values=comment) == 200
        (told,) = dm_to(slack, "U_ANA", containing="approved O-1")
        assert "Go for it" in told

        # A mention as Slack escapes it, and a note as typed.
        assert team.command("U_LARA", "/okr", "list <@U_ANA|ana.lima>") == 200
        listed = slack.wait_for("response", where=lambda c: "Win the EV segment" in shown(c.params))
        assert listed

    # A week on: the weekly prompt goes out through the outbox to Ana.
    acme.now = MONDAY + timedelta(days=7)
    with acme.serve():
        prompted = acme.run("jobs", "run", "checkin_prompt")
        assert "checkin_prompt: 1" in prompted
        (prompt,) = dm_to(slack, "U_ANA", containing="Sign EV accounts")
        assert "KR-1" in prompt
    assert len(slack.of("users.lookupByEmail")) == 3  # each person found once, then remembered
