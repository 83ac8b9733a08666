"""Errors, help, notes, the console's welcome and the flow engine's own messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digests.compose import Draft
from digests.messages import message


@message("error")
def error(
    m: Draft, *, message: str, usage: str | None = None, flow: str | None = None, **_: object
) -> None:
    m.is_error = True
    m.say(message)
    m.section(message)
    if flow:
        m.context(m.t("flows.failed_kept", flow=m.t(f"flows.name.{flow}")))
    if usage:
        m.context(m.t("error.usage", usage=m.t(f"usage.{usage}")))


@message("help")
def help_(m: Draft, *, usages: Sequence[str], **_: object) -> None:
    m.say(m.t("help.title"))
    m.header(m.t("help.title"))
    for usage in usages:
        m.section(m.t(f"usage.{usage}"))
    m.context(m.t("help.footer"))


def _note(m: Draft, text: str) -> None:
    m.say(text)
    m.section(text)


@message("flow_note")
def flow_note(m: Draft, *, text: str, **_: object) -> None:
    m.section(text)


@message("kpi_note")
def kpi_note(m: Draft, *, text: str, **_: object) -> None:
    _note(m, text)


@message("okr_link")
def okr_link(m: Draft, *, text: str, **_: object) -> None:
    _note(m, text)


@message("broadcast_note")
def broadcast_note(m: Draft, *, text: str, **_: object) -> None:
    _note(m, text)


@message("console_welcome")
def console_welcome(
    m: Draft,
    *,
    demo: bool,
    company: str,
    name: str,
    email: str,
    title: str = "",
    department: str = "",
    others: Sequence[Any] = (),
    reviewed_cycle: str | None = None,
    **_: object,
) -> None:
    you_are = m.t("console.you_are", name=name, email=email)
    m.say(you_are)
    m.header(m.t("console.demo_title" if demo else "console.chat_title", company=company))
    m.section(
        you_are + (f" — {title}" if title else "") + (f", {department}" if department else "")
    )
    m.section(m.t("console.try"))
    for key in ("list", "update", "show", "kpi", "help"):
        m.context(m.t(f"console.example.{key}"))
    if reviewed_cycle:
        m.context(m.t("console.example.review", cycle=reviewed_cycle))
    if others:
        m.section(m.t("console.others"))
        for other in others:
            role = m.s(f"console.role.{other.role}")
            m.context(f"okrbot demo --as {other.email}   ({other.name}, {role})")
    m.context(m.t("console.leave"))


def _wait(m: Draft, minutes: int) -> str:
    if minutes >= 120 and minutes % 60 == 0:
        return m.s("flows.wait.hours", n=minutes // 60)
    return m.s("flows.wait.minutes", n=minutes)


@message("flow_started")
def flow_started(m: Draft, *, flow: str, minutes: int, **_: object) -> None:
    m.context(m.t("flows.started", flow=m.t(f"flows.name.{flow}"), wait=_wait(m, minutes)))


@message("flow_expired")
def flow_expired(m: Draft, *, flow: str, minutes: int, **_: object) -> None:
    said = m.t("flows.expired", flow=m.t(f"flows.name.{flow}"), wait=_wait(m, minutes))
    m.say(said)
    m.section(said)


@message("flow_done")
def flow_done(m: Draft, *, flow: str, **_: object) -> None:
    m.section(m.t("flows.done", flow=m.t(f"flows.name.{flow}")))


@message("flow_cancelled")
def flow_cancelled(m: Draft, *, flow: str, **_: object) -> None:
    m.section(m.t("flows.cancelled", flow=m.t(f"flows.name.{flow}")))


@message("flow_still_waiting")
def flow_still_waiting(m: Draft, *, flow: str, **_: object) -> None:
    m.context(m.t("flows.still_waiting", flow=m.t(f"flows.name.{flow}")))


@message("flow_nothing_to_cancel")
def flow_nothing_to_cancel(m: Draft, **_: object) -> None:
    m.section(m.t("flows.nothing_to_cancel"))


@message("flow_prompt")
def flow_prompt(m: Draft, *, question: str, hint: str = "", **_: object) -> None:
    m.say(question)
    m.section(question)
    if hint:
        m.context(hint)


@message("flow_prompt_choices")
def flow_prompt_choices(
    m: Draft, *, question: str, choices: Sequence[str], hint: str, **_: object
) -> None:
    m.say(question)
    m.section(question)
    for choice in choices:
        m.context(f"· {choice}")
    m.context(hint)
