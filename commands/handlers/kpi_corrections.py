"""`/kpi correction approve|reject N` (`/kpi 更正 批准|驳回 N`) and the request's buttons."""

from __future__ import annotations

from commands import lookups
from commands.actions import Action
from commands.context import Context
from commands.operations import kpi_corrections
from commands.types import CommandError, KpiCorrectionAct
from digests.message import Message


def typed(command: KpiCorrectionAct, ctx: Context) -> Message:
    """HR decides a correction request by typing."""
    return kpi_corrections.decide(ctx, command.correction_id, approve=command.approve)


def approve(action: Action, ctx: Context) -> Message:
    """The request's Approve button."""
    return kpi_corrections.decide(ctx, _ref(action), approve=True)


def reject(action: Action, ctx: Context) -> Message:
    """The request's Reject button."""
    return kpi_corrections.decide(ctx, _ref(action), approve=False)


def _ref(action: Action) -> int:
    found = lookups.parse_id(action.value)
    if found is None:
        raise CommandError("error.unknown_action")
    return found
