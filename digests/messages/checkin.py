"""Check-ins: the weekly prompt, its nudge and escalation, the form and the guided check-in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button, field
from digests.message import Input
from digests.messages import message
from digests.messages.okr import confidence_line, ref_title
from storage.text_limits import NOTE_MAX

CONFIDENCES = ("on_track", "at_risk", "off_track")
VALUE_MAX = 40  # a value as typed: `¥12,500,000.50` and then some

View = Mapping[str, Any]


def checkin_inputs(m: Draft, krs: Sequence[View]) -> list[Input]:
    """Every KR's fields of the one-form check-in: value (prefilled), confidence, note."""
    options = [(c, m.t(f"checkin.confidence.{c}")) for c in CONFIDENCES]
    inputs: list[Input] = []
    for kr in krs:
        ref, number = kr["ref"], kr["number"]
        heading = m.t(
            "checkin_form.kr",
            ref=ref,
            title=kr["title"],
            current=kr["current"],
            target=kr["target"],
        )
        inputs += [
            field(
                f"kr{number}_value",
                m.t("checkin_form.value", ref=ref),
                placeholder=m.t("checkin_form.value_hint"),
                initial=kr["initial"],
                optional=True,
                max_length=VALUE_MAX,
                heading=heading,
            ),
            field(
                f"kr{number}_confidence",
                m.t("checkin_form.confidence", ref=ref),
                initial=kr["confidence"],
                options=options,
            ),
            field(
                f"kr{number}_note",
                m.t("checkin_form.note", ref=ref),
                optional=True,
                max_length=NOTE_MAX,
            ),
        ]
    return inputs


def _checkin_form(m: Draft, krs: Sequence[View], value: str, page: int, pages: int) -> None:
    submit = button("checkin.submit_all", m.t("checkin_form.submit"), value, "primary")
    m.form("checkin_all", checkin_inputs(m, krs), [submit])
    if pages > 1:
        m.context(m.t("checkin_form.page", page=page, pages=pages))
    m.context(m.t("checkin_form.hint"))


@message("checkin_prompt")
def checkin_prompt(
    m: Draft,
    *,
    name: str,
    krs: Sequence[View],
    forecasts: Sequence[View] = (),
    style: str = "button",
    form: View | None = None,
    **_: object,
) -> None:
    """The weekly prompt. `style` "button": one *Check in* button that opens the form (Slack);
    "form": the prompt is the form itself (`form`: value, page, pages; Feishu)."""
    m.say(m.t("schedule.prompt.summary", count=len(krs)))
    m.header(m.t("schedule.prompt.title"))
    m.section(m.t("schedule.prompt.intro", name=name))
    refs = " ".join(kr["ref"] for kr in krs)
    if style == "form" and form is not None:
        _checkin_form(m, krs, form["value"], form["page"], form["pages"])
    else:
        for kr in krs:
            m.progress(ref_title(kr), kr["percent"], status=kr["confidence"])
    for f in forecasts:
        date = m.s("insights.date", date=f["date"])
        m.context(
            m.t(
                "insights.forecast.prompt",
                ref=f["ref"],
                projected=f["projected"],
                target=f["target"],
                date=date,
            )
        )
    start = button("checkin.start", m.t("guided.start_button"), refs)
    if style == "form" and form is not None:
        m.actions(start)
    else:
        m.actions(button("checkin.form", m.t("checkin_form.button"), refs, "primary"), start)
    example = krs[0]["ref"] if krs else "KR-1"
    m.context(m.t("schedule.prompt.how", ref=example))


@message("checkin_all_form")
def checkin_all_form(
    m: Draft,
    *,
    krs: Sequence[View],
    value: str,
    page: int = 1,
    pages: int = 1,
    note: str | None = None,
    **_: object,
) -> None:
    """The one-form check-in (a Slack modal, a Feishu card form): every due KR of the page."""
    m.say(m.t("checkin_form.summary", count=len(krs)))
    m.header(m.t("checkin_form.title"))
    if note:
        m.section(note)
    _checkin_form(m, krs, value, page, pages)


@message("checkin_prompt_nudge")
def checkin_prompt_nudge(m: Draft, *, name: str, **_: object) -> None:
    m.say(m.t("schedule.nudge.summary"))
    m.section(m.t("schedule.nudge.text", name=name))
    m.actions(button("checkin.form", m.t("checkin_form.button"), "all", "primary"))
    m.context(m.t("schedule.nudge.pause"))


@message("team_nudge")
def team_nudge(m: Draft, *, manager: str, name: str, refs: Sequence[str], **_: object) -> None:
    """A manager's reminder (the *Nudge* of `/okr team`), with the one-form check-in."""
    m.say(m.t("team.nudge.summary", manager=manager))
    m.section(m.t("team.nudge.text", manager=manager, refs=", ".join(refs)))
    joined = " ".join(refs)
    m.actions(
        button("checkin.form", m.t("checkin_form.button"), joined, "primary"),
        button("checkin.start", m.t("guided.start_button"), joined),
    )


@message("checkin_prompt_escalation")
def checkin_prompt_escalation(m: Draft, *, name: str, missed: int, **_: object) -> None:
    m.say(m.t("schedule.escalation.summary", name=name))
    m.section(m.t("schedule.escalation.text", name=name, missed=missed))


@message("checkin_form")
def checkin_form(
    m: Draft,
    *,
    ref: str,
    value: str,
    title: str,
    current: str,
    target: str,
    confidence: str,
    confidences: Sequence[str],
    **_: object,
) -> None:
    m.say(m.t("checkin.form.title", ref=ref))
    m.header(m.t("checkin.form.title", ref=ref))
    m.section(m.t("checkin.form.intro", ref=ref, title=title, current=current, target=target))
    m.form(
        "checkin",
        [
            field(
                "value",
                m.t("checkin.form.value"),
                placeholder=m.t("checkin.form.value_hint"),
                initial=current,
            ),
            field(
                "confidence",
                m.t("checkin.form.confidence"),
                initial=confidence,
                options=[(c, m.t(f"checkin.confidence.{c}")) for c in confidences],
            ),
            field(
                "note",
                m.t("checkin.form.note"),
                multiline=True,
                optional=True,
                max_length=NOTE_MAX,
            ),
        ],
        [button("checkin.submit", m.t("checkin.form.submit"), value, "primary")],
    )


@message("checkin_guided_prompt")
def checkin_guided_prompt(
    m: Draft, *, question: str, hint: str, token: str, choices: Sequence[View], **_: object
) -> None:
    m.say(question)
    m.section(question)
    m.context(hint)
    m.actions(
        *(
            button(
                "checkin.answer",
                choice["label"],
                f"{token}|{choice['answer']}",
                "primary" if index == 0 else "default",
            )
            for index, choice in enumerate(choices)
        )
    )


@message("checkin_guided_summary")
def checkin_guided_summary(
    m: Draft,
    *,
    krs: Sequence[View],
    objectives: Sequence[View],
    skipped: Sequence[str] = (),
    earlier: int = 0,
    **_: object,
) -> None:
    m.say(m.t("guided.summary", count=len(krs)))
    m.header(m.t("guided.summary_title"))
    for kr in krs:
        if kr["changed"]:
            detail = f"{kr['old']} → {kr['new']}"
        else:
            detail = m.s("guided.no_change", value=kr["new"])
        m.progress(ref_title(kr), kr["percent"], status=kr["confidence"], detail=detail)
        m.context(confidence_line(m, kr["confidence"], kr["note"]))
    for o in objectives:
        m.context(
            m.t(
                "okr.update.objective",
                ref=o["ref"],
                title=o["title"],
                old=m.pct(o["old"]),
                new=m.pct(o["new"]),
            )
        )
    if skipped:
        m.context(m.t("guided.skipped", refs=", ".join(skipped)))
    if earlier:
        m.context(m.t("checkin_form.earlier", count=earlier))
    m.context(m.t("guided.summary", count=len(krs)))
