"""A Feishu tenant or Slack team finds its workspace: the company workspace is adopted by the
first one, every other gets a workspace of its own, and asking again changes nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.config import parse_config
from bot.feishu.tenancy import workspace_for_tenant
from bot.slack.tenancy import link_team, workspace_for_team
from storage.models import Cycle, CycleState, KpiDefinition, Platform
from tests import factories

CONFIG = parse_config(
    "company:\n  name: Acme\n  workspace: acme\n  timezone: Asia/Shanghai\n  language: en\n"
)


def test_the_first_feishu_tenant_adopts_the_company_workspace(session: Session) -> None:
    company = factories.workspace(session, "acme")
    first = workspace_for_tenant(session=session, config=CONFIG, tenant_key="T-One")
    assert first.id == company.id
    assert (first.platform, first.external_id) == (Platform.FEISHU, "T-One")
    second = workspace_for_tenant(session=session, config=CONFIG, tenant_key="T-Two")
    assert second.id != company.id
    assert (second.slug, second.name, second.language, second.timezone) == (
        "feishu-t-two",
        "T-Two",
        "zh-CN",
        "Asia/Shanghai",
    )
    again = workspace_for_tenant(session=session, config=CONFIG, tenant_key="T-Two")
    assert again.id == second.id


def test_a_company_workspace_already_on_slack_is_not_taken_by_feishu(session: Session) -> None:
    company = factories.workspace(session, "acme")
    adopted = link_team(session=session, config=CONFIG, team_id="T1", team_name="Acme")
    assert adopted.id == company.id
    tenant = workspace_for_tenant(session=session, config=CONFIG, tenant_key="tk")
    assert tenant.id != company.id
    assert (company.platform, company.external_id) == (Platform.SLACK, "T1")
    other = link_team(session=session, config=CONFIG, team_id="T9", team_name="")
    assert (other.slug, other.name, other.language) == ("slack-t9", "T9", "en")
    found = workspace_for_team(session=session, config=CONFIG, team_id="T9")
    assert found is not None
    assert found.id == other.id


def test_another_feishu_tenant_gets_the_company_cycles_and_kpi_library(session: Session) -> None:
    config = parse_config(
        "company: {name: Acme, workspace: acme}\n"
        "cycles: [{name: 2026-Q4, start: 2026-10-01, end: 2026-12-31, state: active}]\n"
        "kpis: [{code: OTD, name: On-time delivery, direction: higher_is_better}]\n"
    )
    factories.workspace(session, "acme", platform=Platform.SLACK, external_id="T1")
    other = workspace_for_tenant(session=session, config=config, tenant_key="tk-two")
    cycles = session.exec(select(Cycle).where(Cycle.workspace_id == other.id)).all()
    kpis = session.exec(select(KpiDefinition).where(KpiDefinition.workspace_id == other.id)).all()
    assert [(c.name, c.state) for c in cycles] == [("2026-Q4", CycleState.ACTIVE)]
    assert [(k.code, k.name) for k in kpis] == [("OTD", "On-time delivery")]
