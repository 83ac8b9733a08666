"""`okrbot doctor` as a new company runs it: on an empty database it says to upgrade; after the
documented steps it names exactly what is still missing (no admin, a KPI without targets, a
token lacking a scope) and how to fix it; once set up it says ready and exits 0."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import SLACK_SECRET, Okrbot

MONDAY = datetime.fromisoformat("2026-11-02T09:00+08:00")
PEOPLE = """email,name,manager_email,department,slack_user_id
lara@acme.example,Lara Lead,,Sales,U_LARA
ana@acme.example,Ana Lima,lara@acme.example,Sales,U_ANA
"""


def app_yaml(slack_api: str, *, admins: str = "[]", targets: str = "") -> str:
    return f"""\
company: {{name: Acme, workspace: acme, timezone: Asia/Shanghai, admins: {admins}}}
slack: {{enabled: true, api_base_url: "{slack_api}"}}
cycles: {{cadence: quarter}}
scheduler: {{enabled: false}}
kpis:
  - code: WIN_RATE
    name: Win rate
    direction: higher_is_better
    targets: [{targets}]
"""


@pytest.fixture
def slack() -> Iterator[StubSlack]:
    with stub_slack() as stub:
        yield stub


@pytest.fixture
def acme(tmp_path: Path, database_url: str, slack: StubSlack) -> Okrbot:
    company = Okrbot(
        tmp_path,
        database_url,
        env={
            "SLACK_BOT_TOKEN": "xoxb-journey",
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "OKRBOT_ENCRYPTION_KEY": "",
        },
        now=MONDAY,
    )
    company.write("app.yaml", app_yaml(slack.api_url))
    company.write("people.csv", PEOPLE)
    return company


def test_doctor_from_an_empty_database_to_ready(acme: Okrbot, slack: StubSlack) -> None:
    said = acme.run("doctor", ok=False)
    assert "okrbot db upgrade" in said
    acme.run("db", "upgrade")
    acme.run("import", "people", "people.csv")
    slack.scopes = "chat:write,commands"
    said = acme.run("doctor", ok=False)
    assert "✓ Slack: the bot token works (team T1)." in said
    assert "✗ Slack: the bot token lacks app_mentions:read" in said
    assert "✗ No admin: add company.admins to app.yaml" in said
    assert "! KPIs without targets: WIN_RATE" in said
    assert "✓ A cycle is active today." in said
    assert "✓ 2 people in workspace acme." in said
    problems = sum(line.startswith("✗") for line in said.splitlines())
    warnings = sum(line.startswith("!") for line in said.splitlines())
    assert f"{problems} problems and {warnings} warnings: fix them" in said

    slack.scopes = StubSlack().scopes
    acme.write(
        "app.yaml",
        app_yaml(
            slack.api_url,
            admins="[lara@acme.example]",
            targets="{scope: company, target: 30, warning: 25}",
        ),
    )
    acme.run("people", "role", "ana@acme.example", "hr_admin")
    acme.env["OKRBOT_ENCRYPTION_KEY"] = acme.run("secrets", "keygen").strip().splitlines()[-1]
    said = acme.run("doctor", ok=False)
    missing = [line for line in said.splitlines() if line[:1] in ("✗", "!")]
    assert missing == [], said  # the Chinese font too: make test installs it
    assert "Ready: nothing is missing." in said
    acme.run("doctor")  # exit 0
