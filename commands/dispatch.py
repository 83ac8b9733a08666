"""Run a parsed command: the one table from command type to handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from commands.context import Context
from commands.handlers import (
    checkin,  # noqa: F401  (registers the check-in form's actions)
    hr,
    hr_audit,
    hr_insights,
    okr_link,
    kpi,
    kpi_actions,  # also registers the alert buttons
    kpi_assess,
    kpi_define,
    kpi_feedback,
    kpi_tree,
    kr_feedback,  # noqa: F401  (registers the digest's KR feedback button)
    okr,
    okr_adjust,
    okr_checkin,
    okr_cycles,
    okr_flows,
    okr_map,
    okr_review,
    okr_schedule,
    team,
)
from commands.handlers import help as help_handlers
from commands.types import (
    Command,
    FlowCancel,
    Help,
    HrAudit,
    HrBroadcast,
    HrInsights,
    OkrLink,
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

HANDLERS: dict[type[Any], Callable[[Any, Context], Message]] = {
    OkrList: okr.okr_list,
    OkrShow: okr.okr_show,
    OkrUpdate: okr.okr_update,
    OkrTeam: team.okr_team,
    Help: help_handlers.help_message,
    KpiList: kpi.kpi_list,
    KpiShow: kpi.kpi_show,
    KpiRecord: kpi.kpi_record,
    KpiTree: kpi_tree.kpi_tree,
    KpiAssess: kpi_assess.kpi_assess,
    KpiFeedbackSend: kpi_feedback.feedback_command,
    KpiFeedbackReply: kpi_feedback.reply_command,
    KpiAlertAct: kpi_actions.typed,
    KpiDefine: kpi_define.kpi_define,
    OkrNew: okr_flows.okr_new,
    OkrEdit: okr_flows.okr_edit,
    OkrDecide: okr_flows.okr_decide,
    FlowCancel: okr_flows.flow_cancel,
    OkrPause: okr_schedule.okr_pause,
    OkrPromptTime: okr_schedule.okr_prompts,
    HrBroadcast: hr.hr_broadcast,
    HrStatus: hr.hr_status,
    HrInsights: hr_insights.hr_insights,
    OkrLink: okr_link.okr_link,
    HrAudit: hr_audit.hr_audit,
    OkrMap: okr_map.okr_map,
    OkrCycle: okr_cycles.okr_cycle,
    OkrCarry: okr_cycles.okr_carry_command,
    OkrScore: okr_review.okr_score,
    OkrReview: okr_review.okr_review,
    OkrCheckin: okr_checkin.okr_checkin,
    OkrAdjust: okr_adjust.okr_adjust,
}


def run(command: Command, ctx: Context) -> Message:
    """Hand the command to its handler."""
    return HANDLERS[type(command)](command, ctx)
