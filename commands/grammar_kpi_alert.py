"""`/kpi ack N` (`/kpi 确认 N`) and `/kpi assign N @person` (`/kpi 指派 N @某人`): the alert's
Acknowledge and Assign buttons as text, for the console and any chat without buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.types import Command, CommandError, KpiAlertAct

if TYPE_CHECKING:
    from commands.grammar import Args


def _alert_id(args: Args, usage: str) -> int:
    ref = args.tokens[0].norm.lstrip("#") if args.tokens else ""
    if not ref.isdigit():
        raise CommandError("kpi.alert_actions.missing_ref", usage=usage)
    return int(ref)


def parse_ack(args: Args) -> Command:
    """The alert number, nothing else."""
    alert_id = _alert_id(args, "kpi.ack")
    if len(args.tokens) > 1:
        raise CommandError("error.too_many_args", usage="kpi.ack")
    return KpiAlertAct(alert_id, "ack")


def parse_assign(args: Args) -> Command:
    """The alert number, then whom: an email, a name (may have spaces) or an @mention."""
    alert_id = _alert_id(args, "kpi.assign")
    person = (args.rest_from(1) or "").strip()
    if not person:
        raise CommandError("kpi.alert.assign_needs_person", {"ref": alert_id}, usage="kpi.assign")
    return KpiAlertAct(alert_id, "assign", person)
