"""OKR views: a person's list, one objective, a check-in's result, the team, the map, cycles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button
from digests.messages import message
from digests.rich import Rich, strong

View = Mapping[str, Any]


def ref_title(item: View) -> str:
    """`KR-3 Ship the app`."""
    return f"{item['ref']} {item['title']}"


@message("okr_list")
def okr_list(
    m: Draft,
    *,
    cycle: str | None,
    person: str,
    objectives: Sequence[View],
    is_self: bool,
    in_review: Sequence[str] = (),
    closed: bool = False,
    **_: object,
) -> None:
    if cycle is None:
        m.say(m.t("okr.list.no_cycle"))
        m.section(m.t("okr.list.no_cycle"))
        return
    title = m.t("okr.list.title", person=person, cycle=cycle)
    m.say(title)
    m.header(title)
    for name in in_review:
        m.context(m.t("okr.list.in_review", cycle=name))
    if not objectives:
        empty = (
            m.t("okr.list.empty_self") if is_self else m.t("okr.list.empty_other", person=person)
        )
        m.section(empty)
    for o in objectives:
        status = m.s(f"okr.status.{o['status']}") if o["status"] != "approved" else ""
        m.progress(
            strong(o["ref"]) + f" {o['title']}",
            o["percent"],
            status=o["confidence"],
            detail=status,
        )
        for kr in o["key_results"]:
            detail = f"{kr['current']} / {kr['target']}"
            if kr["below_baseline"]:
                detail += " · " + m.s("okr.below_baseline")
            if kr["owner"] and kr["owner"] != person:
                detail += f" · {kr['owner']}"
            m.progress(
                ref_title(kr), kr["percent"], status=kr["confidence"], detail=detail, indent=1
            )
    if closed:
        m.context(m.t("okr.list.closed", cycle=cycle))
    elif objectives and is_self:
        first = objectives[0]["key_results"]
        m.context(m.t("okr.list.hint", ref=first[0]["ref"] if first else "KR-1"))


@message("okr_show")
def okr_show(
    m: Draft,
    *,
    objective: View,
    owner: str,
    owner_type: str,
    parent: View | None = None,
    notes: Sequence[View] = (),
    adjustments: Sequence[str] = (),
    carried: Sequence[str] = (),
    **_: object,
) -> None:
    o = objective
    m.say(ref_title(o))
    m.header(ref_title(o))
    if owner_type == "person":
        shown_owner = owner
    else:
        shown_owner = m.s(f"okr.owner_type.{owner_type}") + (f" · {owner}" if owner else "")
    m.fields(
        (m.t("okr.show.owner"), shown_owner),
        (m.t("okr.show.status"), m.t(f"okr.status.{o['status']}")),
        (m.t("okr.show.confidence"), m.t(f"okr.confidence.{o['confidence']}")),
        (m.t("okr.show.aligned_to"), ref_title(parent) if parent else "—"),
    )
    for line in carried:
        m.context(line)
    m.progress(m.t("okr.show.overall"), o["percent"], status=o["confidence"])
    for kr in o["key_results"]:
        detail = f"{kr['start']} → {kr['current']} / {kr['target']}"
        if kr["below_baseline"]:
            detail += " · " + m.s("okr.below_baseline")
        if kr["owner"] and kr["owner"] != owner:
            detail += f" · {kr['owner']}"
        m.progress(ref_title(kr), kr["percent"], status=kr["confidence"], detail=detail)
    for line in adjustments:
        m.context(line)
    if notes:
        m.section(m.t("okr.show.latest_notes"))
        for n in notes:
            m.context(f"{n['date']} {n['ref']}: {n['note']}")


def confidence_line(m: Draft, confidence: str, note: str | None) -> Rich:
    """`Confidence: at risk · the note`."""
    line = m.t("okr.show.confidence") + ": " + m.t(f"okr.confidence.{confidence}")
    return line + f" · {note}" if note else line


@message("okr_update")
def okr_update(
    m: Draft,
    *,
    ref: str,
    title: str,
    old_value: str,
    new_value: str,
    target: str,
    old_percent: float,
    new_percent: float,
    confidence: str,
    note: str | None,
    objective_ref: str,
    objective_title: str,
    objective_old: float,
    objective_new: float,
    **_: object,
) -> None:
    m.say(m.t("okr.update.summary", ref=ref, old=old_value, new=new_value))
    m.section(
        m.t("okr.update.done", ref=ref, title=title, old=old_value, new=new_value, target=target)
    )
    m.progress(
        f"{ref} {title}",
        new_percent,
        status=confidence,
        detail=f"{m.pct(old_percent)} → {m.pct(new_percent)}",
    )
    m.context(
        m.t(
            "okr.update.objective",
            ref=objective_ref,
            title=objective_title,
            old=m.pct(objective_old),
            new=m.pct(objective_new),
        )
    )
    m.context(confidence_line(m, confidence, note))


@message("okr_team")
def okr_team(
    m: Draft,
    *,
    cycle: str | None,
    reports: Sequence[View],
    pending: int,
    note: str | None = None,
    **_: object,
) -> None:
    m.say(
        m.t(
            "team.summary",
            reports=m.t("team.reports", count=len(reports)),
            approvals=m.t("team.approvals", count=pending),
        )
    )
    m.header(m.t("team.title", cycle=cycle) if cycle else m.t("team.title_no_cycle"))
    if note:
        m.section(note)
    if pending:
        m.section(m.t("team.pending", count=pending))
    _team_week(m, reports)
    for report in reports:
        count = len(report["objectives"]) + len(report["others"])
        m.section(m.t("team.report", name=report["name"], count=count))
        for objective in report["objectives"]:
            m.progress(
                ref_title(objective),
                objective["percent"],
                status=objective["confidence"],
                detail=m.t(f"team.confidence.{objective['confidence']}"),
                indent=1,
            )
        for other in report["others"]:
            status = m.s(f"okr.status.{other['status']}")
            m.context(
                m.t("team.not_approved", ref=other["ref"], title=other["title"], status=status)
            )
        if report["pending"]:
            m.context(m.t("team.report_pending", count=report["pending"]))
        if not count:
            m.context(m.t("team.no_objectives"))
    m.context(m.t("team.hint"))
    if pending:
        m.context(m.t("team.approve_hint"))


def _team_week(m: Draft, reports: Sequence[View]) -> None:
    """Who has checked in this week, who has not (with a Nudge each), who has nothing due."""
    due = [r for r in reports if r["week"] != "nothing_due"]
    done = [r["name"] for r in due if r["week"] == "done"]
    missing = [r for r in due if r["week"] == "missing"]
    if due:
        m.section(m.t("team.week.title", done=len(done), count=len(due)))
    if done:
        m.context(m.t("team.week.done", names=", ".join(done)))
    if missing:
        reminded = m.s("team.week.reminded")
        names = [r["name"] + (f" ({reminded})" if r["nudged"] else "") for r in missing]
        m.context(m.t("team.week.missing", names=", ".join(names)))
        m.actions(
            *(
                button("team.nudge", m.s("team.week.nudge", name=r["name"]), r["id"])
                for r in missing
                if not r["nudged"]
            )
        )
    nothing = [r["name"] for r in reports if r["week"] == "nothing_due"]
    if nothing:
        m.context(m.t("team.week.nothing_due", names=", ".join(nothing)))


@message("okr_map")
def okr_map(
    m: Draft,
    *,
    cycle: str | None,
    scope: str,
    rows: Sequence[View],
    more: int,
    chart: str | None,
    alt: str,
    **_: object,
) -> None:
    if cycle is None:
        m.say(m.t("okr_map.no_cycle"))
        m.section(m.t("okr_map.no_cycle"))
        return
    m.say(m.t("okr_map.summary", cycle=cycle, scope=scope, count=len(rows)))
    m.header(m.t("okr_map.title", cycle=cycle, scope=scope))
    if not rows:
        m.section(m.t("okr_map.empty"))
    for r in rows:
        detail = [r["owner"], m.s(f"okr.confidence.{r['confidence']}")]
        detail.append(m.s("okr_map.krs", count=r["krs"]))
        if r["risky_below"]:
            detail.append(m.s("okr_map.risky_below", count=r["risky_below"]))
        if r["pending"]:
            detail.append(m.s("okr_map.pending"))
        m.progress(
            "↳ " * max(0, r["depth"] - 3) + ref_title(r),
            r["percent"],
            status=r["confidence"],
            indent=r["indent"],
            detail=" · ".join(detail),
        )
    if more:
        m.context(m.t("okr_map.more_hint", count=more))
    m.context(m.t("okr_map.hint"))
    if chart:
        m.image(chart, alt)


@message("okr_cycle_list")
def okr_cycle_list(m: Draft, *, cycles: Sequence[View], manager: bool, **_: object) -> None:
    m.say(m.t("cycles.list_title"))
    m.header(m.t("cycles.list_title"))
    if not cycles:
        m.section(m.t("cycles.none"))
    for c in cycles:
        m.section(
            m.t(
                "cycles.row",
                name=c["name"],
                start=c["start"],
                end=c["end"],
                state=m.t(f"cycles.state.{c['state']}"),
                objectives=c["objectives"],
            )
        )
    if manager:
        m.context(m.t("cycles.list_hint"))


def _carried_row(m: Draft, c: View) -> Rich:
    key = "cycles.carried_row" if c["created"] else "cycles.carried_before"
    return m.t(key, source=c["from"], copy=c["to"], title=c["title"], krs=c["krs"])


@message("cycle_review_started")
def cycle_review_started(m: Draft, *, name: str, end: str, objectives: int, **_: object) -> None:
    """To HR: the calendar moved a cycle into review; owners were invited to score."""
    m.say(m.t("cycles.review_started.summary", name=name))
    m.header(m.t("cycles.review_started.header", name=name))
    m.section(m.t("cycles.review_started.body", name=name, end=end, objectives=objectives))
    m.context(m.t("cycles.review_started.hint", name=name))


@message("okr_cycle_changed")
def okr_cycle_changed(
    m: Draft,
    *,
    name: str,
    start: str,
    end: str,
    outcome: str,
    target: str | None = None,
    carried: Sequence[View] = (),
    **_: object,
) -> None:
    said = m.t(f"cycles.outcome.{outcome}", name=name, start=start, end=end)
    m.say(said)
    m.section(said)
    if outcome == "review":
        m.context(m.t("cycles.review_hint", name=name))
    if target:
        created = sum(1 for c in carried if c["created"])
        m.section(m.t("cycles.carried_all", count=created, target=target))
        for c in carried:
            m.context(_carried_row(m, c))


@message("okr_carry")
def okr_carry(m: Draft, *, carried: Sequence[View], cycle: str, **_: object) -> None:
    m.say(m.t("cycles.carry_summary", cycle=cycle))
    for c in carried:
        m.section(_carried_row(m, c))
    m.context(m.t("cycles.carry_hint", cycle=cycle))


@message("okr_carried_notice")
def okr_carried_notice(
    m: Draft, *, source: str, copy: str, title: str, cycle: str, krs: int, **_: object
) -> None:
    said = m.t("cycles.notice", source=source, copy=copy, title=title, cycle=cycle, krs=krs)
    m.say(said)
    m.section(said)
    m.context(m.t("cycles.notice_hint", copy=copy))
