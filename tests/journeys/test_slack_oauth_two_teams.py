"""Slack with OAuth, two teams, from an empty database through public interfaces only: the
first install links the company workspace and makes the installer its admin; a broadcast
reaches that team with no inbound message, and the one person Slack does not know is named
in /hr status; a second team installs the app and has the
company's cycle and KPI library from its first minute, with its installer as admin. Acme's
quarter then runs on the installed token: an objective approved, the weekly prompt, the cycle
into review with the owner invited to score, and close with carry-over."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import (
    SLACK_SECRET,
    Okrbot,
    SlackTeam,
    answer,
    button_value,
    shown,
    slack_user,
)

MONDAY = datetime.fromisoformat("2026-11-02T09:00+08:00")
PEOPLE = """email,name,manager_email,department
lara@acme.example,Lara Lead,,Sales
ana@acme.example,Ana Lima,lara@acme.example,Sales
dee@acme.example,Dee Ng,lara@acme.example,Sales
"""


def app_yaml(slack_api: str) -> str:
    return f"""\
company: {{name: Acme, workspace: acme, timezone: Asia/Shanghai, language: en}}
slack: {{enabled: true, api_base_url: "{slack_api}"}}
cycles: {{cadence: quarter}}
kpis:
  - {{code: OTD, name: On-time delivery, unit: "%", direction: higher_is_better}}
scheduler: {{enabled: false}}
"""


@pytest.fixture
def slack() -> Iterator[StubSlack]:
    with stub_slack() as stub:
        stub.users = {
            "U_LARA": slack_user("U_LARA", "lara@acme.example", "Lara Lead"),
            "U_ANA": slack_user("U_ANA", "ana@acme.example", "Ana Lima"),
            "U_GIL": slack_user("U_GIL", "gil@globex.example", "Gil Globex", tz="Europe/Paris"),
        }
        yield stub


@pytest.fixture
def acme(tmp_path: Path, database_url: str, slack: StubSlack) -> Okrbot:
    company = Okrbot(
        tmp_path,
        database_url,
        env={
            "SLACK_CLIENT_ID": "111.222",
            "SLACK_CLIENT_SECRET": "journey-client-secret",
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
        },
        now=MONDAY,
    )
    company.write("app.yaml", app_yaml(slack.api_url))
    company.write("people.csv", PEOPLE)
    return company


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    """A GET that does not follow redirects, as a browser's first hop."""
    connection = http.client.HTTPConnection(urlparse(url).netloc, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def install(url: str, slack: StubSlack, team: dict[str, str], installer: str) -> None:
    """Someone presses "Add to Slack" and Slack redirects back with a code."""
    slack.oauth_team = team
    status, headers = get(url, "/slack/install")
    assert status == 302
    state = parse_qs(urlparse(headers["location"]).query)["state"][0]
    cookie = headers["set-cookie"].split(";")[0]
    before = len(slack.of("oauth.v2.access"))
    slack.installer = installer
    status, _ = get(
        url, f"/slack/oauth_redirect?code=code-{team['id']}&state={state}", {"Cookie": cookie}
    )
    assert status == 200
    assert len(slack.of("oauth.v2.access")) == before + 1


def status_naming_the_unreachable(team: SlackTeam, slack: StubSlack) -> str:
    """/hr status once the sender has tried everyone (it works beside the test)."""
    for _ in range(100):
        before = len(slack.of("response"))
        assert team.command("U_LARA", "/hr", "status") == 200
        latest = shown(slack.wait_for("response", before + 1, timeout=20)[-1].params)
        if "cannot be reached" in latest:
            return latest
        time.sleep(0.1)  # the sender is still at work: ask again, as HR would
    raise AssertionError("nobody was reported unreachable")


def test_two_teams_install_and_both_get_the_company_settings(
    acme: Okrbot, slack: StubSlack
) -> None:
    acme.run("db", "upgrade")
    acme.run("import", "people", "people.csv")
    with acme.serve() as url:
        install(url, slack, {"id": "T-ACME", "name": "Acme"}, installer="U_LARA")
        acme.run("broadcast", "--audience", "everyone", "--message", "Welcome to OKRs", "--yes")
        welcomed = slack.wait_for(
            "chat.postMessage",
            2,
            where=lambda c: "Welcome to OKRs" in shown(c.params),
            timeout=20,
        )
        assert sorted(c.params["channel"] for c in welcomed) == ["U_ANA", "U_LARA"]
        assert {c.params["token"] for c in slack.of("chat.postMessage")} == {"xoxb-new-T-ACME"}
        # Dee has no Slack account: Lara (admin, she installed the app) sees it in /hr status.
        acme_team = SlackTeam(url, "T-ACME", f"{slack.base_url}/response/cmd")
        status = status_naming_the_unreachable(acme_team, slack)
        assert "Dee Ng &lt;dee@acme.example&gt;" in status
        assert "2 of 3 delivered" in status

        install(url, slack, {"id": "T-GLOBEX", "name": "Globex"}, installer="U_GIL")
        globex = SlackTeam(url, "T-GLOBEX", f"{slack.base_url}/response/cmd")
        assert globex.command("U_GIL", "/kpi", "list") == 200
        assert "On-time delivery" in answer(slack, "OTD")
        assert globex.command("U_GIL", "/okr", "new") == 200
        assert "okr.new.submit" in answer(slack, "okr.new.submit")  # a cycle is open there
        # Gil installed the app, so Gil is Globex's admin: the audit log is open to him.
        assert globex.command("U_GIL", "/hr", "audit") == 200
        audit = answer(slack, "installed okrbot")
        assert "Gil Globex" in audit
        assert "role: employee → admin" in audit

        assert acme_team.command("U_LARA", "/kpi", "show OTD") == 200
        assert "On-time delivery" in answer(slack, "On-time delivery")

        # Acme's quarter goes on with the installed token: an objective drafted and approved.
        seen = [id(c) for c in slack.of("response")]
        assert acme_team.command("U_ANA", "/okr", "new") == 200
        form = slack.wait_for(  # Ana's own form, not Gil's earlier one
            "response",
            where=lambda c: "okr.new.submit" in shown(c.params) and id(c) not in seen,
            timeout=20,
        )[-1]
        submit = button_value(form.params["blocks"], "okr.new.submit")
        values = {
            "title": {"title": {"type": "plain_text_input", "value": "Ship on time"}},
            "kr1": {"kr1": {"type": "plain_text_input", "value": "On-time orders | 80 95"}},
        }
        assert acme_team.click("U_ANA", "okr.new.submit", submit, values=values) == 200
        request = slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_LARA" and "okr.approve" in shown(c.params)
            ),
        )[-1]
        approve = button_value(request.params["blocks"], "okr.approve")
        assert acme_team.click("U_LARA", "okr.approve", approve) == 200

    acme.now = MONDAY + timedelta(days=7)
    with acme.serve():
        assert "checkin_prompt: 1" in acme.run("jobs", "run", "checkin_prompt")
        slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_ANA" and "On-time orders" in shown(c.params)
            ),
        )
    acme.now = datetime.fromisoformat("2027-01-01T09:00+08:00")
    with acme.serve() as url:
        acme.run("jobs", "run", "cycles")
        slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_ANA" and "score your objective" in shown(c.params)
            ),
        )
        acme_team = SlackTeam(url, "T-ACME", f"{slack.base_url}/response/cmd")
        # Ana has not scored: closing asks first, then closes on confirm.
        assert acme_team.command("U_LARA", "/okr", "cycle close 2026-Q4 carry") == 200
        answer(slack, "no score yet")
        assert acme_team.command("U_LARA", "/okr", "cycle close 2026-Q4 carry confirm") == 200
        slack.wait_for(
            "chat.postMessage",
            timeout=20,
            where=lambda c: (
                c.params.get("channel") == "U_ANA" and "continues in 2027-Q1" in shown(c.params)
            ),
        )
