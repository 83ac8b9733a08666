"""A change to a reading of a closed KPI period, as HR sees the request."""

from __future__ import annotations

from digests.compose import Draft, button
from digests.messages import message


@message("kpi_correction_request")
def kpi_correction_request(
    m: Draft,
    *,
    ref: int,
    person: str,
    code: str,
    name: str,
    scope: str,
    period: str,
    old: str,
    new: str,
    **_: object,
) -> None:
    m.say(m.t("kpi.correction.request_summary", person=person, code=code, period=period))
    m.header(m.t("kpi.correction.request_title", ref=ref, code=code, period=period))
    m.section(
        m.t(
            "kpi.correction.request_body",
            person=person,
            code=code,
            name=name,
            scope=scope,
            period=period,
            old=old,
            new=new,
        )
    )
    m.actions(
        button("kpi_correction.approve", m.t("kpi.correction.approve"), ref, "primary"),
        button("kpi_correction.reject", m.t("kpi.correction.reject"), ref, "danger"),
    )
    m.context(m.t("kpi.correction.request_hint", ref=ref))
