"""HR: broadcasts (preview, delivery, status), the audit log, insights and the HR digest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests import words
from digests.compose import Draft, button
from digests.messages import message
from digests.rich import strong

View = Mapping[str, Any]
UNREACHABLE_SHOWN = 20  # names listed; the rest are counted


@message("broadcast")
def broadcast(m: Draft, *, text: str, sender: str, reminder: bool = False, **_: object) -> None:
    m.say(text)
    m.header(m.t("hr.broadcast.reminder_title" if reminder else "hr.broadcast.title"))
    m.section(text)
    m.context(m.t("hr.broadcast.from", name=sender))


@message("broadcast_preview")
def broadcast_preview(
    m: Draft, *, broadcast_id: int, count: int, audience: str, text: str, **_: object
) -> None:
    shown = words.audience(m.locale, audience)
    m.say(m.t("hr.preview.summary", count=count, audience=shown))
    m.header(m.t("hr.preview.title"))
    m.section(m.t("hr.preview.audience", count=count, audience=shown))
    m.section(text)
    m.context(m.t("hr.preview.how", ref=broadcast_id))
    m.actions(
        button("hr_broadcast.send", m.t("hr.preview.send"), broadcast_id, "primary"),
        button("hr_broadcast.cancel", m.t("hr.preview.cancel"), broadcast_id),
    )


@message("broadcast_status")
def broadcast_status(
    m: Draft,
    *,
    broadcast_id: int,
    text: str,
    spec: str,
    audience: int,
    delivered: int,
    pending: int,
    dead: Sequence[tuple[str, str]],
    read: int | None,
    read_of: int,
    read_platform: str,
    responded: int,
    reminders: int,
    waiting: int,
    unreachable: Sequence[tuple[str, str]] = (),
    **_: object,
) -> None:
    if read_platform == "feishu" and read is not None:
        read_text = m.s("hr.status.read_of", read=read, of=read_of)
    elif read_platform == "slack":
        read_text = m.s("hr.status.read_not_by_slack")
    else:
        read_text = m.s("hr.status.not_reported")
    m.say(m.t("hr.status.summary", ref=broadcast_id, delivered=delivered, audience=audience))
    m.header(m.t("hr.status.title", ref=broadcast_id))
    m.section(text)
    m.fields(
        (m.t("hr.status.audience"), f"{words.audience(m.locale, spec)} · {audience}"),
        (m.t("hr.status.delivered"), str(delivered)),
        (m.t("hr.status.pending"), str(pending)),
        (m.t("hr.status.dead"), str(len(dead))),
        (m.t("hr.status.read"), read_text),
        (m.t("hr.status.responded"), str(responded)),
    )
    for name, reason in dead:
        m.context(m.t("hr.status.dead_line", name=name, reason=words.dead_reason(m.locale, reason)))
    if read_platform == "feishu":
        m.context(m.t("hr.status.read_means"))
    elif read_platform == "slack":
        m.context(m.t("hr.status.read_slack_means"))
    m.context(m.t("hr.status.responded_means", reminders=reminders))
    unreachable_people(m, unreachable)
    if waiting:
        remind = m.t("hr.status.remind", count=waiting)
        m.actions(button("hr_broadcast.remind", remind, broadcast_id, "primary"))


def unreachable_people(m: Draft, people: Sequence[tuple[str, str]]) -> None:
    """People no chat platform could find by email: (name, email), with what to do."""
    if not people:
        return
    m.context(m.t("hr.status.unreachable", count=len(people)))
    shown = people[:UNREACHABLE_SHOWN]
    lines = [m.s("hr.status.unreachable_line", name=n, email=e) for n, e in shown]
    if len(people) > len(shown):
        lines.append(m.s("digest.more", count=len(people) - len(shown)))
    m.context("\n".join(lines))


@message("hr_audit")
def hr_audit(
    m: Draft,
    *,
    person: str | None,
    since: str | None,
    until: str | None,
    total: int,
    entries: Sequence[View],
    **_: object,
) -> None:
    m.say(m.t("audit.summary", total=total))
    m.header(m.t("audit.title"))
    m.context(m.t("audit.filter.person", person=person) if person else m.t("audit.filter.everyone"))
    if since or until:
        m.context(m.t("audit.filter.days", since=since or "…", until=until or "…"))
    if not entries:
        m.section(m.t("audit.none"))
    for e in entries:
        m.section(
            m.t(
                "audit.row",
                when=e["when"],
                actor=e["actor"] or m.t("audit.system"),
                action=words.audit_action(m.locale, e["action"]),
                entity=e["entity"],
                source=words.source(m.locale, e["source"]),
            )
        )
        changes = words.audit_changes(m.locale, e.get("before"), e.get("after"))
        if changes:
            m.context(changes)
    if total > len(entries):
        m.context(m.t("audit.more", shown=len(entries), total=total))


@message("hr_insights")
def hr_insights(
    m: Draft,
    *,
    weeks: Sequence[View],
    this_week: View,
    trend: View,
    departments: Sequence[View],
    more_departments: int,
    approvals: View,
    alerts: View,
    chart: str | None = None,
    **_: object,
) -> None:
    m.say(m.t("insights.summary", done=this_week["done"], total=this_week["total"]))
    m.header(m.t("insights.title"))
    m.section(strong(m.s("insights.checkin.heading")))
    if not this_week["total"]:
        m.context(m.t("insights.checkin.nobody"))
    else:
        for index, w in enumerate(weeks):
            key = (
                "insights.checkin.line_current"
                if index == len(weeks) - 1
                else "insights.checkin.line"
            )
            m.context(m.t(key, week=w["week"], done=w["done"], total=w["total"], rate=w["rate"]))
        m.section(
            m.t(
                f"insights.checkin.trend.{trend['direction']}",
                first=trend["first"],
                last=trend["last"],
                low=trend.get("low", trend["first"]),
                high=trend.get("high", trend["last"]),
                weeks=len(weeks) - 1,
            )
        )
    m.section(strong(m.s("insights.risk.heading")))
    for d in departments:
        m.context(
            m.t(
                "insights.risk.line",
                department=d["name"],
                krs=d["krs"],
                at_risk=d["at_risk"],
                share=d["share"],
                misses=d["misses"],
                forecast_share=d["forecast_share"],
            )
        )
    if not departments:
        m.context(m.t("insights.risk.none"))
    if more_departments:
        m.context(m.t("insights.risk.more", count=more_departments))
    m.section(strong(m.s("insights.approvals.heading")))
    if approvals["decided"]:
        m.context(
            m.t(
                "insights.approvals.line",
                decided=approvals["decided"],
                median=approvals["median"],
                p90=approvals["p90"],
                pending=approvals["pending"],
            )
        )
    else:
        m.context(m.t("insights.approvals.none", pending=approvals["pending"]))
    m.section(strong(m.s("insights.alerts.heading")))
    m.context(
        m.t(
            "insights.alerts.line",
            weeks=len(weeks),
            warning=alerts["warning"],
            critical=alerts["critical"],
            open=alerts["open"],
        )
    )
    if chart:
        m.image(chart, m.t("insights.chart.alt"))


@message("digest_hr")
def digest_hr(
    m: Draft,
    *,
    departments: Sequence[View],
    unreachable: Sequence[tuple[str, str]] = (),
    **_: object,
) -> None:
    m.say(m.t("schedule.hr_digest.summary"))
    m.header(m.t("digest.hr.title"))
    for d in departments:
        completion = m.s("schedule.digest.completion", done=d["done"], total=d["total"])
        approved = m.s("digest.hr.approvals", approved=d["approved"], total=d["objectives"])
        m.progress(
            d["name"],
            100 * d["done"] / d["total"] if d["total"] else 0,
            detail=f"{completion} · {approved}",
        )
    m.context(m.t("digest.hr.legend"))
    unreachable_people(m, unreachable)
