"""Day one's set-up through okrbot's own interfaces, from an empty database: the first admin
from app.yaml, roles from the people file and `okrbot people role`, KPI targets three ways
(app.yaml, `okrbot import kpi-targets`, `/kpi target` in Slack) ending in one cascade that
`/kpi show` displays, and `/hr role` by the admin. No row is written by the test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.bot.slack.stub_slack import StubSlack, stub_slack
from tests.journeys.harness import SLACK_SECRET, Okrbot, SlackTeam, answer, slack_user

MONDAY = datetime.fromisoformat("2026-11-02T09:00+08:00")
PEOPLE = """email,name,manager_email,department,title,role
ceo@acme.example,Chen Jianguo,,Board,CEO,
wei@acme.example,Wei Zhang,ceo@acme.example,Production,Production Director,
jun@acme.example,Jun Liu,wei@acme.example,Machining,Workshop Supervisor,
hao@acme.example,Hao Wang,jun@acme.example,Machining,CNC Operator,
grace@acme.example,Grace Zhou,ceo@acme.example,HR,HR Director,hr_admin
"""
TARGETS = """code,scope,target,warning,critical,period
LOSS_RATE,department:Machining,4.5,5,6,2026
LOSS_RATE,person:hao@acme.example,4,4.5,5,2026
LOSS_RATE,department:Production,4,3,,2026
"""
USERS = {
    "U_CEO": ("ceo@acme.example", "Chen Jianguo"),
    "U_JUN": ("jun@acme.example", "Jun Liu"),
    "U_HAO": ("hao@acme.example", "Hao Wang"),
    "U_GRACE": ("grace@acme.example", "Grace Zhou"),
}


def app_yaml(slack_api: str) -> str:
    return f"""\
company:
  name: Acme
  workspace: acme
  timezone: Asia/Shanghai
  admins: [ceo@acme.example]
slack:
  enabled: true
  api_base_url: "{slack_api}"
cycles: {{cadence: quarter}}
scheduler: {{enabled: false}}
kpis:
  - code: LOSS_RATE
    name: Loss rate
    unit: "%"
    direction: lower_is_better
    aggregation: avg
    targets:
      - {{scope: company, target: 5, warning: 5.5, critical: 6.5, period: "2026"}}
  - code: OEE
    name: Overall equipment effectiveness
    unit: "%"
    direction: higher_is_better
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
        now=MONDAY,
    )
    company.write("app.yaml", app_yaml(slack.api_url))
    company.write("people.csv", PEOPLE)
    company.write("targets.csv", TARGETS)
    return company


def test_roles_and_targets_from_an_empty_database(acme: Okrbot, slack: StubSlack) -> None:
    acme.run("db", "upgrade")
    assert "5" in acme.run("import", "people", "people.csv")
    # A bad role is refused with its line; the rest loads.
    acme.write("more.csv", "email,name,role\nx@acme.example,X,boss\n")
    refused = acme.run("import", "people", "more.csv", ok=False)
    assert "line 2" in refused
    assert "boss is not a role" in refused
    assert "is now hr_admin" in acme.run("people", "role", "wei@acme.example", "hr_admin")
    assert "already hr_admin" in acme.run("people", "role", "wei@acme.example", "hr_admin")
    assert "not a role" in acme.run("people", "role", "wei@acme.example", "chief", ok=False)

    imported = acme.run("import", "kpi-targets", "targets.csv", ok=False)
    assert "new targets 2" in imported
    # Production allowed a 4 with a warning at 3: a threshold on the wrong side, by line.
    assert "line 4: The warning line 3 must be above the target 4" in imported
    acme.write("bad.csv", "code,scope,target\nLOSS_RATE,department:Nowhere,4\nNOPE,company,1\n")
    rejected = acme.run("import", "kpi-targets", "bad.csv", ok=False)
    assert "line 2: There is no department “Nowhere”" in rejected
    assert "line 3: There is no KPI NOPE" in rejected
    assert "unchanged 2" in acme.run("import", "kpi-targets", "targets.csv", ok=False)

    with acme.serve() as url:
        team = SlackTeam(url, "T1", f"{slack.base_url}/response/cmd")
        # The workshop's supervisor heads it (from the reporting lines): a target for Hao.
        assert team.command("U_JUN", "/kpi", "target LOSS_RATE <@U_HAO|hao> 3.8 warning 4.2") == 200
        set_for_hao = answer(slack, "Target set")
        assert "Target set: LOSS_RATE for Hao Wang is 3.8%" in set_for_hao  # in the KPI's unit
        assert "Warning at 4.2%" in set_for_hao
        # …but not for the whole company.
        assert team.command("U_JUN", "/kpi", "target LOSS_RATE company 3") == 200
        assert "department heads within their department" in answer(slack, "department heads")
        # A workshop allowed more loss than the company is set, and flagged.
        assert (
            team.command("U_GRACE", "/kpi", "target LOSS_RATE department:Machining 5.5 2026") == 200
        )
        assert "does not support the target above it (5%)" in answer(slack, "does not support")

        assert team.command("U_GRACE", "/kpi", "show LOSS_RATE") == 200
        cascade = answer(slack, "Targets, cascaded")
        for level in ("*Company* target 5%", "└ *Machining* target 5.5%", "└ *Hao Wang* target 4%"):
            assert level in cascade
        assert team.command("U_GRACE", "/kpi", "show OEE") == 200
        assert "/kpi target OEE company TARGET" in answer(slack, "No targets are set")

        # The admin from app.yaml makes Jun an HR admin; Grace (HR admin) may not.
        assert team.command("U_CEO", "/hr", "role <@U_JUN|jun> hr_admin") == 200
        assert "Jun Liu is now HR admin" in answer(slack, "is now HR admin")
        assert team.command("U_GRACE", "/hr", "role <@U_HAO|hao> admin") == 200
        assert "Only admins can change roles" in answer(slack, "Only admins")

    audit = acme.run("audit", "--format", "json")
    assert audit.count('"role_change"') >= 3
    assert '"kpi_target_set"' in audit
