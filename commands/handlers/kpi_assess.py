"""`/kpi assess [@person] [PERIOD]`: completion per KPI, the weighted score, the pay band —
with the arithmetic shown."""

from __future__ import annotations

import math
from typing import Any

from commands import mentions
from commands.context import Context
from commands.operations.assessments import Assessed, assess
from commands.types import CommandError, KpiAssess
from digests import words
from digests.formatting import number
from digests.message import Message
from storage import periods
from storage.models import Frequency


def pct(value: float | None) -> str:
    """A completion rate as shown: one decimal and a percent sign."""
    return "—" if value is None else f"{value:.1f}%"


def line_rows(ctx_t: Any, assessed: Assessed) -> list[dict[str, Any]]:
    """Template rows: each KPI's figures and the formula that gives its completion."""
    rows = []
    for item in assessed.result.lines:
        kpi = assessed.kpis[item.code]
        value = number(item.value, kpi.unit) if item.value is not None else "—"
        target = number(item.target, kpi.unit)
        rows.append(
            {
                "code": item.code,
                "weight": f"{item.weight:g}",
                "formula": ctx_t(
                    _formula_key(kpi.direction.value, item.value, item.completion),
                    value=value,
                    target=target,
                    completion=pct(item.completion),
                ),
                "capped": pct(item.capped),
                "was_capped": item.completion is not None and item.capped < item.completion,
                "was_floored": item.completion is not None and item.completion < 0,
            }
        )
    return rows


def _formula_key(direction: str, value: float | None, completion: float | None) -> str:
    if value is None:
        return "kpi.assess.formula.no_data"
    if completion is not None and math.isinf(completion):
        return "kpi.assess.formula.perfect"
    return f"kpi.assess.formula.{direction}"


def score_formula(assessed: Assessed) -> str:
    """(w1×c1 + w2×c2) / (w1 + w2) = score."""
    lines = assessed.result.lines
    terms = " + ".join(f"{item.weight:g}×{item.capped:.1f}%" for item in lines)
    weights = " + ".join(f"{item.weight:g}" for item in lines)
    return f"({terms}) / ({weights}) = {pct(assessed.result.score)}"


def kpi_assess(command: KpiAssess, ctx: Context) -> Message:
    """Show a person's assessment (default: yourself, this month)."""
    person = ctx.person
    if command.person:
        person = mentions.one_person(ctx, command.person, usage="kpi.assess")
    if not ctx.access.can_view_person_kpis(person.id or 0):
        raise CommandError("kpi.assess.not_allowed", {"person": person.name})
    period = command.period or periods.current(Frequency.MONTHLY, ctx.today)
    assessed = assess(session=ctx.session, person=person, period=period, settings=ctx.settings.kpi)
    bands = ctx.settings.kpi.bands
    # A period not over yet is provisional: a KPI without its reading so far counts 0% for now.
    provisional = periods.bounds(period)[1] >= ctx.today
    missing = [item.code for item in assessed.result.lines if item.value is None]
    return ctx.render(
        "kpi_assess",
        provisional=provisional,
        missing=missing,
        person=person.name,
        period=period,
        rows=line_rows(ctx.t, assessed),
        score=pct(assessed.result.score),
        formula=score_formula(assessed) if assessed.result.lines else "",
        band=words.band(ctx.locale, assessed.result.band) if assessed.result.band else "—",
        cap=f"{ctx.settings.kpi.cap:g}%",
        bands=", ".join(f"{words.band(ctx.locale, b.name)} ≥ {b.min_completion:g}%" for b in bands),
    )
