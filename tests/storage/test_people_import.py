"""`okrbot import people`: CSV org charts upserted by email, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from typer.testing import CliRunner, Result

import bot.cli_import
from bot import runtime
from bot.cli import app
from storage.db import make_engine
from storage.models import Department, Person, PersonIdentity, Platform, Role, Workspace
from storage.people_import import ImportFileError, ImportReport, RejectedRow, import_people
from storage.repos import people as people_repo
from tests import factories

HEADER = "email,name,manager_email,department,title,timezone,locale,slack_user_id,feishu_open_id"


def write_csv(
    tmp_path: Path, *lines: str, header: str = HEADER, bom: bool = False, name: str = "people.csv"
) -> Path:
    path = tmp_path / name
    text = "\n".join([header, *lines]) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def run(session: Session, ws: Workspace, path: Path) -> ImportReport:
    report = import_people(session=session, workspace_id=ws.id, path=path)
    session.commit()
    return report


def everyone(session: Session, ws: Workspace) -> dict[str, Person]:
    rows = session.exec(select(Person).where(Person.workspace_id == ws.id))
    return {p.email: p for p in rows}


def manager_email(session: Session, person: Person) -> str | None:
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    return manager.email if manager is not None else None


def count(session: Session, model: type[Person] | type[Department] | type[PersonIdentity]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_managers_in_any_order_departments_identities_and_roles(
    session: Session, tmp_path: Path
) -> None:
    ws = factories.workspace(session)
    factories.department(session, ws, "Sales")
    hr = factories.person(session, ws, "hr@acme.com", role=Role.HR_ADMIN)
    path = write_csv(
        tmp_path,
        "bob@acme.com,Bob,carol@acme.com,sales,Rep,,,U_BOB,",
        "carol@acme.com,Carol,ann@acme.com,Sales,Head of Sales,Europe/Berlin,en_US,,",
        "ann@acme.com,Ann,,Leadership,CEO,Asia/Shanghai,zh_CN,U_ANN,ou_ann",
        "hugo@acme.com,Hugo,hr@acme.com,People,,,,,",
    )
    report = run(session, ws, path)

    assert (report.rows, report.created, report.updated, report.rejected) == (4, 4, 0, [])
    assert report.cycle is None
    people = everyone(session, ws)
    assert {e: manager_email(session, p) for e, p in people.items()} == {
        "ann@acme.com": None,
        "bob@acme.com": "carol@acme.com",
        "carol@acme.com": "ann@acme.com",
        "hr@acme.com": None,
        "hugo@acme.com": "hr@acme.com",
    }
    assert {e: p.role for e, p in people.items()} == {
        "ann@acme.com": Role.MANAGER,
        "bob@acme.com": Role.EMPLOYEE,
        "carol@acme.com": Role.MANAGER,
        "hr@acme.com": Role.HR_ADMIN,
        "hugo@acme.com": Role.EMPLOYEE,
    }
    ann = people["ann@acme.com"]
    assert (ann.title, ann.timezone, ann.locale) == ("CEO", "Asia/Shanghai", "zh-CN")
    assert people["carol@acme.com"].locale == "en"
    assert people["hugo@acme.com"].title is None
    departments = {d.id: d.name for d in session.exec(select(Department))}
    assert sorted(departments.values()) == ["Leadership", "People", "Sales"]
    assert departments[people["bob@acme.com"].department_id] == "Sales"
    assert hr.id is not None
    for platform, external_id, email in [
        (Platform.SLACK, "U_BOB", "bob@acme.com"),
        (Platform.SLACK, "U_ANN", "ann@acme.com"),
        (Platform.FEISHU, "ou_ann", "ann@acme.com"),
    ]:
        found = people_repo.get_by_identity(
            session=session, workspace_id=ws.id, platform=platform, external_id=external_id
        )
        assert found is not None
        assert found.email == email


def test_bom_spaces_case_extra_columns_and_blank_lines(session: Session, tmp_path: Path) -> None:
    ws = factories.workspace(session)
    path = write_csv(
        tmp_path,
        "  Boss , Ann@Acme.COM ,  ignored  ",
        "",
        " Bob ,  BOB@acme.com , x, ann@ACME.com ",
        "Eve,not-an-email",
        header=" Name , EMAIL , notes , Manager_Email",
        bom=True,
    )
    report = run(session, ws, path)

    assert report.created == 2
    assert report.rejected == [RejectedRow(5, "", "bad_email", {"value": "not-an-email"})]
    people = everyone(session, ws)
    assert sorted(people) == ["ann@acme.com", "bob@acme.com"]
    assert people["ann@acme.com"].name == "Boss"
    assert manager_email(session, people["bob@acme.com"]) == "ann@acme.com"
    assert report.ignored_columns == ["notes"]


def test_headers_as_hr_systems_export_them_in_english_or_chinese(
    session: Session, tmp_path: Path
) -> None:
    ws = factories.workspace(session)
    english = write_csv(
        tmp_path,
        "ann@acme.com,Ann Lee,,Sales,Account Executive,America/Sao_Paulo,pt-BR,",
        "bob@acme.com,Bob Wu,ann@acme.com,Sales,Rep,Europe/Berlin,zh_CN,EMP-7",
        header="E-mail,Full Name,Manager,Dept,Job Title,Time Zone,Language,Employee ID",
        name="export.csv",
    )
    report = run(session, ws, english)
    assert (report.created, report.rejected) == (2, [])
    assert report.ignored_columns == ["Employee ID"]
    bob = everyone(session, ws)["bob@acme.com"]
    assert (bob.name, bob.title, bob.timezone, bob.locale) == (
        "Bob Wu",
        "Rep",
        "Europe/Berlin",
        "zh-CN",
    )
    assert manager_email(session, bob) == "ann@acme.com"

    chinese = write_csv(
        tmp_path,
        "li.na@acme.com,李娜,,销售部,销售副总裁,Asia/Shanghai,zh-CN,manager",
        "wei@acme.com,王伟,li.na@acme.com,销售部,销售,Asia/Shanghai,zh-CN,",
        header="邮箱,姓名,上级邮箱,部门,职位,时区,语言,角色",
        name="花名册.csv",
    )
    report = run(session, ws, chinese)
    assert (report.created, report.rejected, report.ignored_columns) == (2, [], [])
    wei = everyone(session, ws)["wei@acme.com"]
    assert (wei.name, wei.locale) == ("王伟", "zh-CN")
    assert manager_email(session, wei) == "li.na@acme.com"
    assert everyone(session, ws)["li.na@acme.com"].role is Role.MANAGER


def test_second_run_updates_without_duplicates(session: Session, tmp_path: Path) -> None:
    ws = factories.workspace(session)
    first = write_csv(
        tmp_path,
        "ann@acme.com,Ann,,Ops,CEO,,,U_ANN,",
        "bob@acme.com,Bob,ann@acme.com,Ops,Engineer,,,,",
        "cid@acme.com,Cid,ann@acme.com,Ops,Analyst,,,,",
        "dan@acme.com,Dan,ann@acme.com,Ops,Analyst,,,,",
    )
    run(session, ws, first)
    second = write_csv(
        tmp_path,
        "ann@acme.com,Ann,,Ops,CEO,,,U_ANN2,",  # new Slack id
        "bob@acme.com,Bob,cid@acme.com,,,,,,",  # new manager; blank values keep the old ones
        "cid@acme.com,Cid,ann@acme.com,Ops,Analyst,,,,",  # becomes a manager
        "DAN@acme.com,Dan,ann@acme.com,Ops,Analyst,,,,",  # nothing new
    )
    report = run(session, ws, second)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 3, 1, [])
    assert count(session, Person) == 4
    assert count(session, Department) == 1
    assert count(session, PersonIdentity) == 1
    people = everyone(session, ws)
    bob = people["bob@acme.com"]
    assert (bob.title, manager_email(session, bob)) == ("Engineer", "cid@acme.com")
    assert bob.department_id is not None
    assert people["cid@acme.com"].role == Role.MANAGER
    found = people_repo.get_by_identity(
        session=session, workspace_id=ws.id, platform=Platform.SLACK, external_id="U_ANN2"
    )
    assert found is not None
    assert found.email == "ann@acme.com"


def test_each_rejection_reason(session: Session, tmp_path: Path) -> None:
    ws = factories.workspace(session)
    dee = factories.person(session, ws, "dee@acme.com")
    people_repo.link_identity(
        session=session,
        workspace_id=ws.id,
        person_id=dee.id,
        platform=Platform.SLACK,
        external_id="U_DEE",
    )
    path = write_csv(
        tmp_path,
        ",No Email,,,,,,,",
        "not-an-email,Nobody,,,,,,,",
        "ok@acme.com,Ok,,,,,,,",
        "OK@acme.com,Ok Again,,,,,,,",
        "noname@acme.com,,,,,,,,",
        "tz@acme.com,Tz,,,,Mars/Olympus,,,",
        "loc@acme.com,Loc,,,,,english please,,",
        "self@acme.com,Self,SELF@acme.com,,,,,,",
        "orphan@acme.com,Orphan,ghost@acme.com,,,,,,",
        "child@acme.com,Child,tz@acme.com,,,,,,",
        "grandchild@acme.com,Grandchild,child@acme.com,,,,,,",
        "slack@acme.com,Slack,,,,,,U_DEE,",
        "feishu1@acme.com,Feishu One,,,,,,,ou_x",
        "feishu2@acme.com,Feishu Two,,,,,,,ou_x",
        "long@acme.com," + "x" * 201 + ",,,,,,,",
        "fr@acme.com,Fr,dee@acme.com,,,,fr-FR,,",
    )
    report = run(session, ws, path)

    assert report.rejected == [
        RejectedRow(2, "", "missing_email", {}),
        RejectedRow(3, "", "bad_email", {"value": "not-an-email"}),
        RejectedRow(5, "ok@acme.com", "duplicate_email", {"first_line": "4"}),
        RejectedRow(6, "noname@acme.com", "missing_name", {}),
        RejectedRow(7, "tz@acme.com", "bad_timezone", {"value": "Mars/Olympus"}),
        RejectedRow(8, "loc@acme.com", "bad_locale", {"value": "english please"}),
        RejectedRow(9, "self@acme.com", "self_manager", {}),
        RejectedRow(10, "orphan@acme.com", "unknown_manager", {"manager": "ghost@acme.com"}),
        RejectedRow(
            11,
            "child@acme.com",
            "manager_rejected",
            {"manager": "tz@acme.com", "manager_line": "7"},
        ),
        RejectedRow(
            12,
            "grandchild@acme.com",
            "manager_rejected",
            {"manager": "child@acme.com", "manager_line": "11"},
        ),
        RejectedRow(
            13,
            "slack@acme.com",
            "identity_taken",
            {"platform": "slack", "external_id": "U_DEE", "other": "dee@acme.com"},
        ),
        RejectedRow(
            15,
            "feishu2@acme.com",
            "identity_taken",
            {"platform": "feishu", "external_id": "ou_x", "other": "feishu1@acme.com"},
        ),
        RejectedRow(16, "long@acme.com", "too_long", {"column": "name", "max": "200"}),
    ]
    assert report.created == 3
    people = everyone(session, ws)
    assert sorted(people) == ["dee@acme.com", "feishu1@acme.com", "fr@acme.com", "ok@acme.com"]
    assert people["ok@acme.com"].name == "Ok"
    assert people["fr@acme.com"].locale == "en"  # a language okrbot lacks falls back to English
    assert people["dee@acme.com"].role == Role.MANAGER


@pytest.mark.parametrize(
    ("lines", "cycle"),
    [
        (["a@x.com,A,b@x.com", "b@x.com,B,a@x.com"], ["a@x.com", "b@x.com"]),
        (
            ["a@x.com,A,b@x.com", "b@x.com,B,c@x.com", "c@x.com,C,a@x.com"],
            ["a@x.com", "b@x.com", "c@x.com"],
        ),
    ],
    ids=["two", "three"],
)
def test_a_manager_cycle_loads_nothing(
    session: Session, tmp_path: Path, lines: list[str], cycle: list[str]
) -> None:
    ws = factories.workspace(session)
    path = write_csv(
        tmp_path, "top@x.com,Top,,Board", *lines, header="email,name,manager_email,department"
    )
    report = run(session, ws, path)

    assert report.cycle == cycle
    assert (report.created, report.updated) == (0, 0)
    assert count(session, Person) == 0
    assert count(session, Department) == 0


def test_a_cycle_through_an_existing_person(session: Session, tmp_path: Path) -> None:
    ws = factories.workspace(session)
    boss = factories.person(session, ws, "boss@x.com")
    factories.person(session, ws, "mid@x.com", manager_id=boss.id)
    session.commit()
    header = "email,name,manager_email"
    report = run(session, ws, write_csv(tmp_path, "boss@x.com,Boss,mid@x.com", header=header))

    assert report.cycle == ["boss@x.com", "mid@x.com"]
    session.refresh(boss)
    assert boss.manager_id is None

    # The file's links replace the database's: boss -> mid -> top is no loop.
    fixed = write_csv(
        tmp_path,
        "boss@x.com,Boss,mid@x.com",
        "mid@x.com,Mid,top@x.com",
        "top@x.com,Top,",
        header=header,
    )
    report = run(session, ws, fixed)
    assert report.cycle is None
    people = everyone(session, ws)
    assert manager_email(session, people["boss@x.com"]) == "mid@x.com"
    assert manager_email(session, people["mid@x.com"]) == "top@x.com"


def test_progress_is_reported_in_steps_and_at_the_end(session: Session, tmp_path: Path) -> None:
    ws = factories.workspace(session)
    lines = ["p0@x.com,P0,"] + [f"p{i}@x.com,P{i},p0@x.com" for i in range(1, 1201)]
    path = write_csv(tmp_path, *lines, header="email,name,manager_email")
    calls: list[tuple[int, int]] = []
    report = import_people(
        session=session,
        workspace_id=ws.id,
        path=path,
        on_progress=lambda done, total: calls.append((done, total)),
    )

    assert report.created == 1201
    assert calls == [(500, 1201), (1000, 1201), (1201, 1201)]


@pytest.mark.parametrize(
    ("content", "reason", "params"),
    [
        (None, "file_missing", {}),
        (b"", "missing_columns", {"columns": "email, name"}),
        (b"email,nickname\na@x.com,A\n", "missing_columns", {"columns": "name"}),
        (b"\xff\xfe\x00e\x00m\x00a\x00i\x00l\x00", "not_text", {}),
        (b"email,name\na@x.com," + b"x" * 200_000 + b"\n", "not_csv", {"line": "2"}),
    ],
    ids=["missing", "empty", "no-name-column", "utf16", "huge-field"],
)
def test_unreadable_files(
    session: Session, tmp_path: Path, content: bytes | None, reason: str, params: dict[str, str]
) -> None:
    ws = factories.workspace(session)
    path = tmp_path / "people.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        import_people(session=session, workspace_id=ws.id, path=path)
    assert caught.value.reason == reason
    assert params.items() <= caught.value.params.items()


Invoke = Callable[..., Result]


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """`okrbot import people ...` against the test database, with an app.yaml for Acme."""
    engines: list[Engine] = []

    def tracked_engine(url: str, **kwargs: Any) -> Engine:
        engines.append(make_engine(url, **kwargs))
        return engines[-1]

    # The CLI's engines are closed here, so no pooled connection outlives the test.
    monkeypatch.setattr(runtime, "make_engine", tracked_engine)
    monkeypatch.setenv("OKRBOT_DATABASE_URL", database_url)
    monkeypatch.delenv("OKRBOT_CONFIG", raising=False)
    config = tmp_path / "app.yaml"
    config.write_text("company:\n  name: Acme Inc\n  workspace: acme\n  timezone: Asia/Shanghai\n")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(app, ["import", "people", *args, "--config", str(config)])

    yield invoke
    for engine in engines:
        engine.dispose()


def test_cli_imports_and_reports(engine: Engine, cli: Invoke, tmp_path: Path) -> None:
    good = write_csv(tmp_path, "ann@x.com,Ann,,,,,,,", "bob@x.com,Bob,ann@x.com,,,,,,")
    result = cli(str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported people.csv into workspace acme: 2 created, 0 updated, 0 unchanged, 0 rejected.\n"
    )
    with Session(engine) as session:
        ws = session.exec(select(Workspace).where(Workspace.slug == "acme")).one()
        assert (ws.name, ws.timezone, ws.platform) == (
            "Acme Inc",
            "Asia/Shanghai",
            Platform.CONSOLE,
        )
        assert count(session, Person) == 2

    some_bad = write_csv(
        tmp_path, "bob@x.com,Bobby,,,,,,,", "eve@x.com,Eve,carol@x.com,,,,,,", name="more.csv"
    )
    result = cli(str(some_bad))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Imported more.csv into workspace acme: 0 created, 1 updated, 0 unchanged, 1 rejected.",
        "line 3 (eve@x.com): manager carol@x.com is not in the file or the workspace",
    ]

    extra = write_csv(
        tmp_path, "ann@x.com,Ann,,,", header="email,name,notes,cost_centre,role", name="extra.csv"
    )
    result = cli(str(extra))
    assert result.stdout.splitlines()[1] == (
        "Columns left out (okrbot does not know them): notes, cost_centre. The columns it reads:"
        " email, name, manager_email, department, title, timezone, locale, role, slack_user_id,"
        " feishu_open_id."
    )

    result = cli(str(good), "--workspace", "other")
    assert result.exit_code == 0
    assert "into workspace other: 2 created" in result.stdout


def test_cli_refuses_cycles_and_unreadable_files(
    engine: Engine, cli: Invoke, tmp_path: Path
) -> None:
    cycle = write_csv(
        tmp_path, "a@x.com,A,b@x.com", "b@x.com,B,a@x.com", header="email,name,manager_email"
    )
    result = cli(str(cycle))
    assert result.exit_code == 2
    assert "a@x.com → b@x.com → a@x.com" in result.stderr
    assert result.stdout == ""
    with Session(engine) as session:
        assert count(session, Person) == 0
        assert session.exec(select(Workspace)).first() is None

    result = cli(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv: no such file." in result.stderr

    (tmp_path / "list.csv").write_text("id;full name\n1;Ann\n")
    result = cli(str(tmp_path / "list.csv"))
    assert result.exit_code == 2
    assert "the header row lacks email, name" in result.stderr

    result = cli(str(cycle), "--workspace", "Not A Slug")
    assert result.exit_code == 2
    assert "Invalid workspace slug Not A Slug" in result.stderr


def test_cli_refuses_an_unmigrated_database(cli: Invoke, tmp_path: Path) -> None:
    result = cli(str(write_csv(tmp_path, "a@x.com,A,,,,,,,")))
    assert result.exit_code == 2
    assert "okrbot db upgrade" in result.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_large_files_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with bot.cli_import._Progress() as small:
        small(10, 10)
    assert terminal.getvalue() == ""
    with bot.cli_import._Progress() as large:
        large(500, 1500)
        large(1500, 1500)
    assert "Importing people" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
