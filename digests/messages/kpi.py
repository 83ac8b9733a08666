"""KPIs: the library, one KPI's cascade and tree, readings, assessments, alerts and feedback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button, field
from digests.messages import message
from digests.rich import Rich, strong
from storage.text_limits import FEEDBACK_MAX

View = Mapping[str, Any]
INDENT = "    "


def _row(depth: int, scope: str, rest: Rich) -> Rich:
    """A cascade row: indented by depth, the scope in bold, then its figures."""
    lead = INDENT * depth + ("└ " if depth else "")
    return lead + strong(scope) + " " + rest


@message("kpi_list")
def kpi_list(m: Draft, *, kpis: Sequence[View], **_: object) -> None:
    m.say(m.t("kpi.list.title"))
    m.header(m.t("kpi.list.title"))
    if not kpis:
        m.section(m.t("kpi.list.empty"))
    for k in kpis:
        direction = m.s(f"kpi.direction.{k['direction']}")
        frequency = m.s(f"kpi.frequency.{k['frequency']}")
        m.section(strong(k["code"]) + f" {k['name']} · {direction} · {frequency}")
        mine = k.get("mine")
        if mine:
            m.context(
                m.t(
                    "kpi.list.mine",
                    target=mine["target"],
                    value=mine["value"] or "—",
                    period=mine["period"] or "—",
                    status=m.t(f"kpi.status.{mine['status']}"),
                )
            )
    if kpis:
        m.context(m.t("kpi.list.hint", code=kpis[0]["code"]))


@message("kpi_show")
def kpi_show(
    m: Draft,
    *,
    code: str,
    name: str,
    unit: str,
    direction: str,
    frequency: str,
    targets: Sequence[View],
    chart: str | None = None,
    chart_alt: str = "",
    **_: object,
) -> None:
    m.say(f"{code} {name}")
    m.header(f"{code} · {name}")
    m.fields(
        (m.t("kpi.show.direction"), m.t(f"kpi.direction.{direction}")),
        (m.t("kpi.show.frequency"), m.t(f"kpi.frequency.{frequency}")),
        (m.t("kpi.show.unit"), unit or "—"),
    )
    if not targets:
        m.section(m.t("kpi.show.no_targets"))
        m.context(m.t("kpi.target.how_to_set", code=code))
    else:
        m.section(m.t("kpi.show.cascade"))
        for row in targets:
            figures = m.t(
                "kpi.show.row",
                target=row["target"],
                value=row["value"] or "—",
                period=row["period"] or "—",
                status=m.t(f"kpi.status.{row['status']}"),
            )
            m.section(_row(row["depth"], row["scope"], figures))
    if chart:
        m.image(chart, chart_alt)


@message("kpi_tree")
def kpi_tree(
    m: Draft,
    *,
    code: str,
    name: str,
    period: str,
    direction: str,
    aggregation: str,
    rows: Sequence[View],
    flagged: int,
    **_: object,
) -> None:
    title = m.t("kpi.tree.title", code=code, name=name, period=period)
    m.say(title)
    m.header(title)
    m.context(m.t(f"kpi.tree.rule.{aggregation}.{direction}"))
    if not rows:
        m.section(m.t("kpi.show.no_targets"))
    for row in rows:
        figures = m.t(
            "kpi.tree.row",
            target=row["target"],
            value=row["value"],
            status=m.t(f"kpi.status.{row['status']}"),
        )
        m.section(_row(row["depth"], row["scope"], figures))
        for flag in row["flags"]:
            m.section(INDENT * row["depth"] + f"  ⚠ {flag}")
    if rows and not flagged:
        m.context(m.t("kpi.tree.consistent"))


@message("kpi_record")
def kpi_record(
    m: Draft,
    *,
    code: str,
    name: str,
    period: str,
    scope: str,
    value: str,
    target: str,
    status: str,
    changed_from: str | None = None,
    **_: object,
) -> None:
    said = m.t("kpi.record.done", code=code, name=name, value=value, period=period, scope=scope)
    m.say(said)
    m.section(said)
    if changed_from is not None:
        m.section(m.t("kpi.record.changed", old=changed_from, new=value, period=period))
    m.context(m.t("kpi.record.against", target=target, status=m.t(f"kpi.status.{status}")))


@message("kpi_assess")
def kpi_assess(
    m: Draft,
    *,
    person: str,
    period: str,
    rows: Sequence[View],
    formula: str,
    band: str,
    cap: str,
    bands: str,
    provisional: bool = False,
    missing: Sequence[str] = (),
    **_: object,
) -> None:
    title = m.t("kpi.assess.title", person=person, period=period)
    m.say(title)
    m.header(title)
    if provisional:
        key = "kpi.assess.provisional_missing" if missing else "kpi.assess.provisional"
        m.section(m.t(key, period=period, codes=", ".join(missing)))
    if not rows:
        m.section(m.t("kpi.assess.empty"))
        return
    for row in rows:
        line = m.t(
            "kpi.assess.line", formula=row["formula"], capped=row["capped"], weight=row["weight"]
        )
        if row["was_capped"]:
            line = line + " " + m.t("kpi.assess.capped", cap=cap)
        elif row.get("was_floored"):
            line = line + " " + m.t("kpi.assess.floored")
        m.section(strong(row["code"]) + " " + line)
    m.section(m.t("kpi.assess.score", formula=formula))
    m.section(m.t("kpi.assess.band", band=band))
    m.context(m.t("kpi.assess.rules", bands=bands, cap=cap))


@message("kpi_alert")
def kpi_alert(
    m: Draft,
    *,
    alert_id: int,
    code: str,
    name: str,
    scope: str,
    owner: str,
    level: str,
    period: str,
    value: str,
    threshold: str,
    target: str,
    direction: str,
    for_manager: bool,
    status: Mapping[str, Any],
    **_: object,
) -> None:
    shown_level = m.t(f"kpi.status.{level}")
    m.say(m.t("kpi.alert.summary", code=code, scope=scope, value=value, level=shown_level))
    if "note" in status:
        m.section(status["note"])
        m.divider()
    m.header(m.t("kpi.alert.title", code=code, name=name, level=shown_level))
    m.section(
        m.t(
            "kpi.alert.body",
            scope=scope,
            period=period,
            value=value,
            threshold=threshold,
            target=target,
            direction=m.t(f"kpi.direction.{direction}"),
        )
    )
    m.context(m.t("kpi.alert.owner", owner=owner, ref=alert_id))
    if "acknowledged_by" in status:
        m.context(
            m.t(
                "kpi.alert_actions.acknowledged_line",
                person=status["acknowledged_by"],
                when=status["acknowledged_at"],
            )
        )
    if "assignee" in status:
        m.context(m.t("kpi.alert_actions.assigned_line", person=status["assignee"]))
    value_ = str(alert_id)
    buttons = []
    if "acknowledged_by" not in status:
        buttons.append(button("kpi_alert.ack", m.t("kpi.alert.ack"), value_, "primary"))
    buttons.append(button("kpi_alert.assign", m.t("kpi.alert.assign"), value_))
    if for_manager:
        buttons.append(button("kpi_feedback.send", m.t("kpi.alert.feedback"), value_))
    m.actions(*buttons)
    m.context(m.t("kpi.alert_actions.typed_hint", ref=alert_id))


@message("kpi_recovery")
def kpi_recovery(
    m: Draft,
    *,
    alert_id: int,
    code: str,
    name: str,
    scope: str,
    owner: str,
    period: str,
    value: str,
    target: str,
    **_: object,
) -> None:
    m.say(m.t("kpi.recovery.summary", code=code, scope=scope, value=value))
    m.section(
        m.t(
            "kpi.recovery.body",
            code=code,
            name=name,
            scope=scope,
            period=period,
            value=value,
            target=target,
        )
    )
    m.context(m.t("kpi.alert.owner", owner=owner, ref=alert_id))


@message("kpi_alert_assign_form")
def kpi_alert_assign_form(
    m: Draft,
    *,
    alert_id: int,
    code: str,
    scope: str,
    value: str,
    period: str,
    current: str,
    people: Sequence[View],
    **_: object,
) -> None:
    title = m.t("kpi.alert_actions.assign_title", ref=alert_id)
    m.say(title)
    m.header(title)
    m.section(
        m.t(
            "kpi.alert_actions.assign_about",
            ref=alert_id,
            code=code,
            scope=scope,
            value=value,
            period=period,
        )
    )
    inputs = []
    if people:
        inputs.append(
            field(
                "person",
                m.t("kpi.alert_actions.assign_pick"),
                optional=True,
                initial=current,
                options=[("", m.t("kpi.alert_actions.assign_nobody"))]
                + [(p["value"], p["label"]) for p in people],
            )
        )
    inputs.append(
        field(
            "other",
            m.t("kpi.alert_actions.assign_other"),
            placeholder=m.t("kpi.alert_actions.assign_other_hint"),
            optional=True,
        )
    )
    submit = button("kpi_alert.assign", m.t("kpi.alert_actions.assign_submit"), alert_id, "primary")
    m.form(f"kpi_alert_assign_{alert_id}", inputs, [submit])
    m.context(m.t("kpi.alert_actions.assign_typed_hint", ref=alert_id))


@message("kpi_alert_feedback_form")
def kpi_alert_feedback_form(
    m: Draft,
    *,
    alert_id: int,
    code: str,
    owner: str,
    email: str,
    value: str,
    target: str,
    period: str,
    **_: object,
) -> None:
    title = m.t("kpi.alert_actions.feedback_title", owner=owner)
    m.say(title)
    m.header(title)
    m.section(
        m.t(
            "kpi.alert_actions.feedback_about",
            ref=alert_id,
            code=code,
            value=value,
            target=target,
            period=period,
        )
    )
    text = field(
        "text",
        m.t("kpi.alert_actions.feedback_label"),
        placeholder=m.t("kpi.alert_actions.feedback_hint", value=value, target=target),
        multiline=True,
        max_length=FEEDBACK_MAX,
    )
    submit = button(
        "kpi_feedback.send", m.t("kpi.alert_actions.feedback_submit"), alert_id, "primary"
    )
    m.form(f"kpi_alert_feedback_{alert_id}", [text], [submit])
    m.context(m.t("kpi.alert_actions.feedback_typed_hint", code=code, email=email))


@message("kpi_feedback")
def kpi_feedback(m: Draft, *, ref: int, author: str, subject: str, text: str, **_: object) -> None:
    m.say(m.t("kpi.feedback.summary", author=author, subject=subject))
    m.section(m.t("kpi.feedback.received", author=author, subject=subject, text=text))
    m.context(m.t("kpi.feedback.reply_hint", ref=ref))
    m.actions(button("kpi_feedback.reply", m.t("kpi.feedback.reply"), ref))


@message("kpi_feedback_reply_form")
def kpi_feedback_reply_form(
    m: Draft, *, ref: int, author: str, subject: str, text: str, **_: object
) -> None:
    title = m.t("kpi.alert_actions.reply_title", author=author)
    m.say(title)
    m.header(title)
    m.section(m.t("kpi.feedback.received", author=author, subject=subject, text=text))
    answer = field(
        "text",
        m.t("kpi.alert_actions.reply_label"),
        placeholder=m.t("kpi.alert_actions.reply_hint"),
        multiline=True,
        max_length=FEEDBACK_MAX,
    )
    submit = button("kpi_feedback.reply", m.t("kpi.alert_actions.reply_submit"), ref, "primary")
    m.form(f"kpi_feedback_reply_{ref}", [answer], [submit])
    m.context(m.t("kpi.feedback.reply_hint", ref=ref))
