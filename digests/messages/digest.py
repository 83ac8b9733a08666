"""The manager's weekly digest (its sections in order) and the KR feedback form it opens."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from digests.compose import Draft, button, field
from digests.messages import message
from digests.rich import strong
from storage.text_limits import FEEDBACK_MAX

View = Mapping[str, Any]


def _completion(m: Draft, s: View) -> None:
    m.progress(
        m.t("schedule.digest.completion", done=s["done"], total=s["total"]),
        100 * s["done"] / s["total"] if s["total"] else 0,
    )


def _at_risk(m: Draft, s: View) -> None:
    items = s["items"]
    if not items:
        return
    m.section(strong(m.s("schedule.digest.at_risk")))
    for i in items:
        line = f"{i['ref']} {i['title']} · {i['owner']} · " + m.s(
            f"okr.confidence.{i['confidence']}"
        )
        m.section(line + (f" — {i['why']}" if i["why"] else ""))
    m.actions(
        *(
            button("kpi_feedback.kr", m.t("digest.feedback.button", ref=i["ref"]), i["kr_id"])
            for i in items
        )
    )
    if s["more"]:
        m.context(m.t("digest.more", count=s["more"]))


def _approvals(m: Draft, s: View) -> None:
    m.section(strong(m.s("digest.approvals.title")))
    for i in s["items"]:
        kind = m.s(f"digest.approvals.kind.{i['kind']}")
        m.section(
            m.t(
                "digest.approvals.item", ref=i["ref"], title=i["title"], owner=i["owner"], kind=kind
            )
        )
        m.actions(
            button("okr.approve", m.t("flows.approval.approve"), i["id"], "primary"),
            button("okr.changes", m.t("flows.approval.changes"), i["id"]),
            button("okr.reject", m.t("flows.approval.reject"), i["id"], "danger"),
        )
    if s["more"]:
        m.context(m.t("digest.more", count=s["more"]))


def _kpi_alerts(m: Draft, s: View) -> None:
    m.section(strong(m.s("digest.alerts.title")))
    for i in s["items"]:
        m.section(
            m.t(
                "digest.alerts.item",
                ref=i["id"],
                code=i["code"],
                scope=i["scope"] or m.t("kpi.scope.company"),
                value=i["value"],
                level=m.t(f"kpi.status.{i['level']}"),
                period=i["period"],
            )
        )
    buttons = []
    for i in s["items"]:
        buttons.append(button("kpi_alert.ack", m.t("digest.alerts.ack", ref=i["id"]), i["id"]))
        if i["feedback"]:
            label = m.t("kpi.alert_actions.digest_feedback", ref=i["id"])
            buttons.append(button("kpi_feedback.send", label, i["id"]))
    m.actions(*buttons)
    if s["more"]:
        m.context(m.t("digest.more", count=s["more"]))


def _movers(m: Draft, s: View) -> None:
    items = s["items"]
    if not items:
        return
    m.section(strong(m.s("schedule.digest.movers")))
    for i in items:
        m.context(f"{i['ref']} {i['title']} · {i['owner']} · {i['delta']:+.1f}%")


def _forecast(m: Draft, s: View) -> None:
    m.section(strong(m.s("insights.forecast.heading")))
    for i in s["items"]:
        m.context(
            m.t(
                "insights.forecast.line",
                ref=i["ref"],
                title=i["title"],
                owner=i["owner"],
                projected=i["projected"],
                target=i["target"],
                date=m.s("insights.date", date=i["date"]),
                percent=i["percent"],
                check_ins=i["check_ins"],
            )
        )
    if s.get("more"):
        m.context(m.t("insights.forecast.more", count=s["more"]))


SECTIONS: dict[str, Callable[[Draft, View], None]] = {
    "completion": _completion,
    "at_risk": _at_risk,
    "approvals": _approvals,
    "kpi_alerts": _kpi_alerts,
    "movers": _movers,
    "forecast": _forecast,
}


@message("digest_manager")
def digest_manager(m: Draft, *, sections: Sequence[View], **_: object) -> None:
    first = sections[0]
    m.say(m.t("schedule.digest.summary", done=first["done"], total=first["total"]))
    m.header(m.t("schedule.digest.title"))
    for section in sections:
        shown = SECTIONS.get(section["kind"])
        if shown is not None:
            shown(m, section)


@message("digest_kr_feedback")
def digest_kr_feedback(
    m: Draft, *, kr_id: int, ref: str, title: str, owner: str, **_: object
) -> None:
    m.say(m.t("digest.feedback.title", owner=owner))
    m.header(m.t("digest.feedback.title", owner=owner))
    m.section(m.t("digest.feedback.about", ref=ref, title=title))
    text = field(
        "text",
        m.t("digest.feedback.label"),
        placeholder=m.t("digest.feedback.placeholder"),
        multiline=True,
        max_length=FEEDBACK_MAX,
    )
    send = button("kpi_feedback.kr", m.t("digest.feedback.send"), kr_id, "primary")
    m.form(f"kr_feedback_{kr_id}", [text], [send])
