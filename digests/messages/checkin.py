"""Check-ins: the weekly prompt, its nudge and escalation, the form and the guided check-in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button, field
from digests.messages import message
from digests.messages.okr import confidence_line, ref_title
from storage.text_limits import NOTE_MAX

View = Mapping[str, Any]


@message("checkin_prompt")
def checkin_prompt(
    m: Draft, *, name: str, krs: Sequence[View], forecasts: Sequence[View] = (), **_: object
) -> None:
    m.say(m.t("schedule.prompt.summary", count=len(krs)))
    m.header(m.t("schedule.prompt.title"))
    m.section(m.t("schedule.prompt.intro", name=name))
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
    refs = [kr["ref"] for kr in krs]
    buttons = [button("checkin.start", m.t("guided.start_button"), " ".join(refs), "primary")]
    for ref in refs:
        others = [other for other in refs if other != ref]
        buttons.append(
            button("checkin.open", m.t("checkin.button", ref=ref), " ".join([ref, *others]))
        )
    m.actions(*buttons)
    m.context(m.t("schedule.prompt.how", ref=refs[0] if refs else "KR-1"))


@message("checkin_prompt_nudge")
def checkin_prompt_nudge(m: Draft, *, name: str, **_: object) -> None:
    m.say(m.t("schedule.nudge.summary"))
    m.section(m.t("schedule.nudge.text", name=name))
    m.context(m.t("schedule.nudge.pause"))


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
    m: Draft, *, krs: Sequence[View], objectives: Sequence[View], **_: object
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
    m.context(m.t("guided.summary", count=len(krs)))
