"""A quarter with Slack and one bot token, from an empty database, through okrbot's public
interfaces only — the CLI, signed Slack requests, the KPI API and `okrbot jobs run`, the clock
moved week by week with $OKRBOT_NOW — asserting what reached the Slack stand-in:
set-up → an objective drafted and approved → weekly prompts and check-ins → a KPI reading that
crosses its warning line and one that recovers → the manager's digest → an HR broadcast and
/hr status → the cycle into review, scoring, the review (复盘) report → close with carry-over."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import (
    SLACK_SECRET,
    Okrbot,
    SlackTeam,
    answer,
    button_value,
    dm,
    post,
    shown,
    slack_user,
)

WEEK_1 = datetime.fromisoformat("2026-10-05T09:00+08:00")  # a Monday of 2026-Q4
PEOPLE = """email,name,manager_email,department,title,role
lara@acme.example,Lara Lead,,Sales,Head of Sales,admin
ana@acme.example,Ana Lima,lara@acme.example,Sales,Account Executive,
grace@acme.example,Grace Zhou,lara@acme.example,HR,HR Director,hr_admin
"""
USERS = {
    "U_LARA": ("lara@acme.example", "Lara Lead"),
    "U_ANA": ("ana@acme.example", "Ana Lima"),
    "U_GRACE": ("grace@acme.example", "Grace Zhou"),
}


def app_yaml(slack_api: str) -> str:
    return f"""\
company: {{name: Acme, workspace: acme, timezone: Asia/Shanghai, language: en}}
slack: {{enabled: true, api_base_url: "{slack_api}"}}
cycles: {{cadence: quarter}}
scheduler: {{enabled: false}}
kpis:
  - code: WIN_RATE
    name: Quote win rate
    unit: "%"
    direction: higher_is_better
    targets:
      - {{scope: company, target: 30, warning: 25, critical: 20}}
      - {{scope: "person:ana@acme.example", target: 30, warning: 25, critical: 20}}
"""


@pytest.fixture
def slack() -> Iterator[StubSlack]:
    with stub_slack() as stub:
        stub.users = {u: slack_user(u, email, name) for u, (email, name) in USERS.items()}
        yield stub


@pytest.fixture
def acme(tmp_path: Path, database_url: str, slack: StubSlack) -> Okrbot:
    company = Okrbot(
        tmp_path,
        database_url,
        env={"SLACK_BOT_TOKEN": "xoxb-journey", "SLACK_SIGNING_SECRET": SLACK_SECRET},
        now=WEEK_1,
    )
    company.write("app.yaml", app_yaml(slack.api_url))
    company.write("people.csv", PEOPLE)
    return company


def reading(url: str, token: str, reading_id: str, value: float, period: str) -> int:
    body = {
        "readings": [
            {
                "id": reading_id,
                "kpi": "WIN_RATE",
                "scope": "person:ana@acme.example",
                "period": period,
                "value": value,
            }
        ]
    }
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _ = post(f"{url}/api/v1/kpi/readings", json.dumps(body).encode(), headers)
    return status


def test_a_quarter_in_slack(acme: Okrbot, slack: StubSlack) -> None:
    acme.run("db", "upgrade")
    acme.run("import", "people", "people.csv")
    token = acme.run("kpi", "token", "create", "--name", "crm").strip().splitlines()[-1]

    with acme.serve() as url:
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        # Ana drafts an objective in the form; Lara approves it from her DM.
        assert team.command("U_ANA", "/okr", "new") == 200
        form = slack.wait_for("response", where=lambda c: "okr.new.submit" in shown(c.params))
        submit = button_value(form[-1].params["blocks"], "okr.new.submit")
        values = {
            "title": {"title": {"type": "plain_text_input", "value": "Win the EV segment"}},
            "kr1": {"kr1": {"type": "plain_text_input", "value": "Sign EV accounts | 0 6"}},
        }
        assert team.click("U_ANA", "okr.new.submit", submit, values=values) == 200
        request = slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_LARA" and "okr.approve" in shown(c.params)
            ),
        )[-1]
        approve = button_value(request.params["blocks"], "okr.approve")
        assert team.click("U_LARA", "okr.approve", approve) == 200
        dm(slack, "U_ANA", "approved O-1")

    # Weeks 2 to 4: the Monday prompt, and Ana's check-in in one line.
    for week in (1, 2, 3):
        acme.now = WEEK_1 + timedelta(days=7 * week)
        with acme.serve() as url:
            team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
            assert "checkin_prompt: 1 message queued." in acme.run("jobs", "run", "checkin_prompt")
            dm(slack, "U_ANA", "Sign EV accounts", count=week)
            assert team.command("U_ANA", "/okr", f"update KR-1 {week} on-track") == 200
            answer(slack, f"→ {week}")

    # The CRM feeds the win rate: October's 22% crosses the warning line, November's recovers.
    acme.now = WEEK_1 + timedelta(days=21)
    with acme.serve() as url:
        assert reading(url, token, "crm-2026-10", 22, "2026-10") == 200
        alert = dm(slack, "U_ANA", "WIN_RATE")
        assert "22" in alert
        # Friday: Lara's digest has the team's week and the open alert.
        acme.now = WEEK_1 + timedelta(days=25)
        acme.run("jobs", "run", "manager_digest")
        digest = dm(slack, "U_LARA", "Ana Lima")
        assert "WIN_RATE" in digest
    acme.now = WEEK_1 + timedelta(days=35)
    with acme.serve() as url:
        assert reading(url, token, "crm-2026-11", 31, "2026-11") == 200
        recovered = dm(slack, "U_ANA", "WIN_RATE", count=2)
        assert "31" in recovered

        # HR closes October; Ana's change to it becomes a correction request HR approves.
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        assert team.command("U_GRACE", "/kpi", "period close 2026-10") == 200
        answer(slack, "Closed 2026-10")
        assert team.command("U_ANA", "/kpi", "record WIN_RATE 26% 2026-10") == 200
        assert "22% → 26%" in answer(slack, "correction request #1 to HR")
        request = slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_GRACE" and "kpi_correction.approve" in shown(c.params)
            ),
        )[-1]
        approve = button_value(request.params["blocks"], "kpi_correction.approve")
        assert team.click("U_GRACE", "kpi_correction.approve", approve) == 200
        assert "is now 26% (was 22%)" in dm(slack, "U_ANA", "approved your correction #1")

        # HR reminds everyone to prepare reviews, then looks at who got it.
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        assert (
            team.command("U_GRACE", "/hr", "broadcast everyone Reviews start soon confirm") == 200
        )
        for user in USERS:
            dm(slack, user, "Reviews start soon")
        assert team.command("U_GRACE", "/hr", "status") == 200
        status = answer(slack, "Reviews start soon")
        assert "3" in status

    # The quarter ends: the cycles job puts 2026-Q4 in review and invites Ana to score O-1.
    acme.now = datetime.fromisoformat("2027-01-01T09:00+08:00")
    with acme.serve() as url:
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        acme.run("jobs", "run", "cycles")
        dm(slack, "U_ANA", "score your objective")
        assert team.command("U_ANA", "/okr", "score O-1") == 200
        answer(slack, "how well did it go")
        # The rest of the flow in the DM, one answer after the bot's question.
        for event, (said, asked) in enumerate(
            (
                ("ok", "What worked on O-1"),
                ("Signed three EV makers", "What did not work"),
                ("Legal reviews were slow", "What are the next steps"),
                ("Start legal review in week 1", "Saved your scores and review of O-1"),
            )
        ):
            assert team.direct_message("U_ANA", said, event_id=f"EvScore{event}") == 200
            dm(slack, "DU_ANA", asked)
        dm(slack, "U_LARA", "Add manager review")
        assert team.command("U_ANA", "/okr", "review 2026-Q4") == 200
        review = answer(slack, "Signed three EV makers")
        assert "Win the EV segment" in review

        # HR closes the cycle and carries the unfinished objective into 2027-Q1.
        assert team.command("U_GRACE", "/okr", "cycle close 2026-Q4 carry") == 200
        carried = dm(slack, "U_ANA", "continues in 2027-Q1")
        assert "Win the EV segment" in carried
