"""`/okr map` (目标地图): the alignment tree as text and as a PNG, scoped and permission-checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image as PilImage
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.text import render_text
from commands.grammar import parse
from commands.handlers import okr_map
from commands.types import OkrMap
from digests.message import Image, Message
from storage.models import Confidence, Objective, OwnerType, Person, Role, Visibility
from tests import factories
from tests.flows.conftest import reply

PRIVATE = "Earn my Six Sigma Green Belt"


@dataclass
class Org:
    ana: Person
    bob: Person
    lara: Person
    yan: Person
    hana: Person
    company: Objective
    sales: Objective
    rnd: Objective
    ana_public: Objective
    ana_private: Objective
    bob_goal: Objective
    yan_goal: Objective


@pytest.fixture
def org(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Org:
    monkeypatch.setenv("OKRBOT_CHART_DIR", str(tmp_path / "charts"))
    ws = factories.workspace(session, "acme", timezone="Asia/Shanghai")
    sales = factories.department(session, ws, "Sales")
    rnd = factories.department(session, ws, "R&D")
    boss = factories.person(session, ws, "ceo@example.com", "Cai Boss", role=Role.ADMIN)
    lara = factories.person(
        session, ws, "lara@example.com", "Lara Lead", role=Role.MANAGER,
        department_id=sales.id, manager_id=boss.id,
    )  # fmt: skip
    yan = factories.person(
        session, ws, "yan@example.com", "Yan Zhou", role=Role.MANAGER,
        department_id=rnd.id, manager_id=boss.id, locale="zh-CN",
    )  # fmt: skip
    sales.head_person_id, rnd.head_person_id = lara.id, yan.id
    ana = factories.person(
        session, ws, "ana@example.com", "Ana Lima", manager_id=lara.id, department_id=sales.id
    )
    bob = factories.person(
        session, ws, "bob@example.com", "Bob Brown", manager_id=lara.id, department_id=sales.id
    )
    hana = factories.person(session, ws, "hana@example.com", "Hana HR", role=Role.HR_ADMIN)
    cycle = factories.cycle(session, ws)
    company = factories.objective(
        session, ws, cycle, boss, "Lead the EV battery market",
        owner_type=OwnerType.COMPANY, owner_person_id=None,
    )  # fmt: skip
    sales_o = factories.objective(
        session, ws, cycle, lara, "Win the NEV segment", owner_type=OwnerType.DEPARTMENT,
        owner_person_id=None, owner_department_id=sales.id, parent_id=company.id,
    )  # fmt: skip
    factories.key_result(session, sales_o, lara, "Revenue", target=100, current=50)
    rnd_o = factories.objective(
        session, ws, cycle, yan, "Industrialise titanium", owner_type=OwnerType.DEPARTMENT,
        owner_person_id=None, owner_department_id=rnd.id, parent_id=company.id,
    )  # fmt: skip
    factories.key_result(session, rnd_o, yan, "Trials", target=10, current=8)
    ana_public = factories.objective(
        session, ws, cycle, ana, "Sign three NEV accounts", parent_id=sales_o.id
    )
    factories.key_result(
        session, ana_public, ana, "Accounts", target=3, current=1, confidence=Confidence.AT_RISK
    )
    ana_private = factories.objective(
        session, ws, cycle, ana, PRIVATE, parent_id=rnd_o.id, visibility=Visibility.PRIVATE
    )
    factories.key_result(session, ana_private, ana, "Exam", target=1, current=0)
    bob_goal = factories.objective(
        session, ws, cycle, bob, "Renew key accounts", parent_id=sales_o.id
    )
    factories.key_result(session, bob_goal, bob, "Renewals", target=10, current=9)
    yan_goal = factories.objective(
        session, ws, cycle, yan, "Qualify a new alloy", parent_id=rnd_o.id
    )
    factories.key_result(session, yan_goal, yan, "Tests", target=4, current=1)
    session.commit()
    return Org(
        ana, bob, lara, yan, hana, company, sales_o, rnd_o, ana_public, ana_private, bob_goal,
        yan_goal,
    )  # fmt: skip


def _map(engine: Engine, who: Person, text: str = "/okr map") -> tuple[str, Message]:
    message = reply(engine, who, text)
    return render_text(message), message


def _png(message: Message) -> Path:
    images = [b for b in message.blocks if isinstance(b, Image)]
    assert len(images) == 1
    path = Path(images[0].path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def _drawn(path: Path) -> str:
    """What the picture says it shows: its Title and Description text chunks."""
    with PilImage.open(path) as picture:
        assert picture.size[0] > 300
        assert picture.size[1] > 100
        text: dict[str, str] = getattr(picture, "text", {})
        return text["Title"] + "\n" + text["Description"]


def test_the_whole_tree_company_to_department_to_person(engine: Engine, org: Org) -> None:
    text, message = _map(engine, org.bob)
    lines = text.splitlines()
    assert lines[0] == "Alignment map · 2026-Q4 · whole company"
    order = [
        next(i for i, line in enumerate(lines) if title in line)
        for title in ("Lead the EV battery", "Win the NEV", "Sign three", "Renew key", "Industrial")
    ]
    assert order == sorted(order)
    sales_line = next(line for line in lines if "Win the NEV segment" in line)
    assert "50%" in sales_line
    assert "Sales" in sales_line
    assert "1 aligned at risk" in sales_line
    ana_line = next(line for line in lines if "Sign three NEV accounts" in line)
    assert "at risk" in ana_line
    assert ana_line.index("O-") > sales_line.index("O-")  # indented under its parent
    company_line = next(line for line in lines if "Lead the EV battery market" in line)
    assert "Company" in company_line
    assert "65%" in company_line  # no KRs of its own: the average of Sales 50% and R&D 80%
    drawn = _drawn(_png(message))
    assert "Sign three NEV accounts" in drawn
    assert "Win the NEV segment · Sales · 50%" in drawn


def test_a_private_objective_never_appears_in_a_teammates_map(engine: Engine, org: Org) -> None:
    for text_command in ("/okr map", "/okr map all", "/okr map @ana", "/okr map R&D"):
        text, message = _map(engine, org.bob, text_command)
        assert PRIVATE not in text
        assert f"O-{org.ana_private.number}" not in text
        assert PRIVATE not in _drawn(_png(message))
    refused, _ = _map(engine, org.bob, f"/okr map O-{org.ana_private.number}")
    assert f"There is no objective O-{org.ana_private.number} that you can see." in refused
    assert PRIVATE not in refused


@pytest.mark.parametrize("viewer", ["ana", "lara", "hana"])
def test_the_owner_her_manager_and_hr_see_the_private_objective(
    engine: Engine, org: Org, viewer: str
) -> None:
    text, message = _map(engine, getattr(org, viewer))
    assert PRIVATE in text
    assert PRIVATE in _drawn(_png(message))
    private_line = next(line for line in text.splitlines() if PRIVATE in line)
    rnd_line = next(line for line in text.splitlines() if "Industrialise titanium" in line)
    assert private_line.index("O-") > rnd_line.index("O-")  # aligned under R&D


def test_map_of_an_objective_shows_its_ancestors_and_what_aligns_to_it(
    engine: Engine, org: Org
) -> None:
    text, message = _map(engine, org.bob, f"/okr tree O-{org.sales.number}")
    assert text.splitlines()[0] == f"Alignment map · 2026-Q4 · O-{org.sales.number}"
    for title in ("Lead the EV battery", "Win the NEV", "Sign three", "Renew key"):
        assert title in text
    assert "Industrialise titanium" not in text
    assert "Industrialise titanium" not in _drawn(_png(message))


def test_map_of_a_person_and_of_a_department(engine: Engine, org: Org) -> None:
    text, _ = _map(engine, org.lara, "/okr map @ana")
    assert "Ana Lima" in text.splitlines()[0]
    for title in ("Sign three NEV", PRIVATE, "Win the NEV", "Industrialise", "Lead the EV"):
        assert title in text
    assert "Renew key accounts" not in text
    assert "Qualify a new alloy" not in text
    text, _ = _map(engine, org.bob, "/okr map r&d")
    assert text.splitlines()[0] == "Alignment map · 2026-Q4 · R&D"
    assert "Qualify a new alloy" in text
    assert "Industrialise titanium" in text
    assert "Win the NEV" not in text
    assert "Sign three" not in text


def test_chinese_aliases_and_replies(engine: Engine, org: Org) -> None:
    assert parse("目标地图") == OkrMap()
    assert parse("/okr 地图 全部") == OkrMap(everything=True)
    assert parse("/目标 地图 o-3") == OkrMap(objective_number=3)
    assert parse("/okr map 销售 部") == OkrMap(subject="销售 部")
    text, message = _map(engine, org.yan, "目标地图")
    assert text.splitlines()[0] == "目标地图 · 2026-Q4 · 全公司"
    assert "下级有 1 个目标有风险" in text
    assert "目标地图" in next(b for b in message.blocks if isinstance(b, Image)).alt


def test_bad_refs_get_a_clear_error_with_usage(engine: Engine, org: Org) -> None:
    text, message = _map(engine, org.bob, "/okr map O-999")
    assert message.is_error
    assert "There is no objective O-999 that you can see." in text
    assert "Usage: /okr map [O-n|@person|department|all]" in text
    text, message = _map(engine, org.bob, "/okr map Marketing")
    assert message.is_error
    assert "“Marketing” is neither a department nor a person I know." in text
    assert "Usage: /okr map" in text
    text, _ = _map(engine, org.yan, "/okr 地图 市场部")
    assert "“市场部” 既不是已知的部门，也不是已知的人。" in text
    assert "/okr 地图 [O-n|@某人|部门|全部]" in text
    text, message = _map(engine, org.bob, "/okr map O-2 extra")
    assert message.is_error
    assert "Usage: /okr map" in text


def test_a_big_company_shows_the_company_level_and_my_branch(
    engine: Engine, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(okr_map, "DEFAULT_LIMIT", 3)
    text, message = _map(engine, org.bob)
    assert text.splitlines()[0] == "Alignment map · 2026-Q4 · company level and your branch"
    for title in ("Lead the EV battery", "Win the NEV", "Sign three", "Renew key"):
        assert title in text
    assert "Industrialise titanium" not in text
    assert "Qualify a new alloy" not in text
    assert "2 more objectives not shown — /okr map DEPARTMENT" in text
    assert "2 more objectives not shown" in _drawn(_png(message))
    everything, _ = _map(engine, org.bob, "/okr map all")
    assert "Industrialise titanium" in everything
    assert "more objective(s)" not in everything


def test_the_picture_is_reused_when_nothing_changed(engine: Engine, org: Org) -> None:
    _, first = _map(engine, org.bob)
    _, second = _map(engine, org.bob)
    assert _png(first) == _png(second)
    _, hana = _map(engine, org.hana)
    assert _png(hana) != _png(first)
