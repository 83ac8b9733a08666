"""Run a parsed command: the one table from command type to handler.

Handlers are named, not imported: a command imports only its own handler module, so a console
chat or a one-off command starts without loading every feature (charts, insights, forms). Button
clicks and flow answers may belong to any module; `load_all` imports them all first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from commands.context import Context
from commands.types import (
    Command,
    FlowCancel,
    Help,
    HrAudit,
    HrBroadcast,
    HrInsights,
    HrStatus,
    KpiAlertAct,
    KpiAssess,
    KpiDefine,
    KpiFeedbackReply,
    KpiFeedbackSend,
    KpiList,
    KpiRecord,
    KpiShow,
    KpiTree,
    OkrAdjust,
    OkrCarry,
    OkrCheckin,
    OkrCycle,
    OkrDecide,
    OkrEdit,
    OkrLink,
    OkrList,
    OkrMap,
    OkrNew,
    OkrPause,
    OkrPromptTime,
    OkrReview,
    OkrScore,
    OkrShow,
    OkrTeam,
    OkrUpdate,
)
from digests.message import Message

# command type → "module in commands.handlers:function"
HANDLERS: dict[type[Any], str] = {
    OkrList: "okr:okr_list",
    OkrShow: "okr:okr_show",
    OkrUpdate: "okr:okr_update",
    OkrTeam: "team:okr_team",
    Help: "help:help_message",
    KpiList: "kpi:kpi_list",
    KpiShow: "kpi:kpi_show",
    KpiRecord: "kpi:kpi_record",
    KpiTree: "kpi_tree:kpi_tree",
    KpiAssess: "kpi_assess:kpi_assess",
    KpiFeedbackSend: "kpi_feedback:feedback_command",
    KpiFeedbackReply: "kpi_feedback:reply_command",
    KpiAlertAct: "kpi_actions:typed",
    KpiDefine: "kpi_define:kpi_define",
    OkrNew: "okr_flows:okr_new",
    OkrEdit: "okr_flows:okr_edit",
    OkrDecide: "okr_flows:okr_decide",
    FlowCancel: "okr_flows:flow_cancel",
    OkrPause: "okr_schedule:okr_pause",
    OkrPromptTime: "okr_schedule:okr_prompts",
    HrBroadcast: "hr:hr_broadcast",
    HrStatus: "hr:hr_status",
    HrInsights: "hr_insights:hr_insights",
    OkrLink: "okr_link:okr_link",
    HrAudit: "hr_audit:hr_audit",
    OkrMap: "okr_map:okr_map",
    OkrCycle: "okr_cycles:okr_cycle",
    OkrCarry: "okr_cycles:okr_carry_command",
    OkrScore: "okr_review:okr_score",
    OkrReview: "okr_review:okr_review",
    OkrCheckin: "okr_checkin:okr_checkin",
    OkrAdjust: "okr_adjust:okr_adjust",
}

# Modules that register button actions or flows when imported, besides the handlers above.
REGISTERING_MODULES = (
    "checkin",
    "kr_feedback",
)


def handler_of(command_type: type[Any]) -> Callable[[Any, Context], Message]:
    """Import the handler of a command type (Python caches the module)."""
    module_name, function = HANDLERS[command_type].split(":")
    module = importlib.import_module(f"commands.handlers.{module_name}")
    handler: Callable[[Any, Context], Message] = getattr(module, function)
    return handler


@cache
def load_all() -> None:
    """Import every handler module, so every button action and flow is registered."""
    names = {target.split(":")[0] for target in HANDLERS.values()} | set(REGISTERING_MODULES)
    for name in sorted(names):
        importlib.import_module(f"commands.handlers.{name}")


def run(command: Command, ctx: Context) -> Message:
    """Hand the command to its handler."""
    return handler_of(type(command))(command, ctx)
