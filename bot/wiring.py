"""The explicit wiring, built once at start-up: which handler answers each command, each button
and form action, and which flows exist (with the commands and buttons that start them).

Nothing registers itself by being imported. The tables below name each handler's module and
function and import it on first use, so a console one-liner loads its own handler only, not
charts, insights or forms. A flow is listed with the entry points it declares; the first use
of a flow checks that its own declaration says the same, and `Wiring.check()` (a test) loads
everything and fails loudly on any mismatch, unknown name or duplicate.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from commands.actions import Action, ActionHandler
from commands.context import Context
from commands.types import (
    CommandError,
    FlowCancel,
    Help,
    HrAudit,
    HrBroadcast,
    HrInsights,
    HrRole,
    HrStatus,
    KpiAlertAct,
    KpiAssess,
    KpiCorrectionAct,
    KpiDefine,
    KpiFeedbackReply,
    KpiFeedbackSend,
    KpiList,
    KpiPeriodAct,
    KpiRecord,
    KpiShow,
    KpiTargetSet,
    KpiTree,
    OkrAdjust,
    OkrCarry,
    OkrCheckin,
    OkrCycle,
    OkrDecide,
    OkrDelegate,
    OkrEdit,
    OkrEditField,
    OkrLink,
    OkrList,
    OkrMap,
    OkrNew,
    OkrPause,
    OkrPromptTime,
    OkrReview,
    OkrScore,
    OkrShow,
    OkrSubmit,
    OkrTeam,
    OkrUpdate,
    OkrUpdateMany,
)
from digests.message import Message
from flows import engine as flow_engine
from flows.engine import Flow

CommandHandler = Callable[[Any, Context], Message]


@dataclass(frozen=True)
class Ref:
    """A function (or flow) by module and name, imported on first use."""

    module: str
    name: str

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)


def _h(target: str) -> Ref:
    """`"module:name"`, the module under commands.handlers unless it names its package."""
    module, _, name = target.partition(":")
    return Ref(module if "." in module else f"commands.handlers.{module}", name)


@dataclass(frozen=True)
class FlowRoute:
    """A flow and the entry points it declares (listed here so routing needs no import)."""

    flow: Ref
    commands: tuple[type[Any], ...] = ()
    actions: tuple[str, ...] = ()


COMMANDS: dict[type[Any], Ref] = {
    OkrList: _h("okr:okr_list"),
    OkrShow: _h("okr:okr_show"),
    OkrUpdate: _h("okr:okr_update"),
    OkrUpdateMany: _h("okr:okr_update_many"),
    OkrTeam: _h("team:okr_team"),
    Help: _h("help:help_message"),
    KpiList: _h("kpi:kpi_list"),
    KpiShow: _h("kpi:kpi_show"),
    KpiRecord: _h("kpi:kpi_record"),
    KpiTree: _h("kpi_tree:kpi_tree"),
    KpiAssess: _h("kpi_assess:kpi_assess"),
    KpiFeedbackSend: _h("kpi_feedback:feedback_command"),
    KpiFeedbackReply: _h("kpi_feedback:reply_command"),
    KpiAlertAct: _h("kpi_actions:typed"),
    KpiDefine: _h("kpi_define:kpi_define"),
    OkrDecide: _h("okr_decisions:okr_decide"),
    OkrEditField: _h("okr_rework:okr_edit_field"),
    OkrSubmit: _h("okr_rework:okr_submit"),
    FlowCancel: Ref("flows.engine", "cancel_command"),
    OkrPause: _h("okr_schedule:okr_pause"),
    OkrPromptTime: _h("okr_schedule:okr_prompts"),
    HrBroadcast: _h("hr:hr_broadcast"),
    HrStatus: _h("hr:hr_status"),
    HrInsights: _h("hr_insights:hr_insights"),
    OkrLink: _h("okr_link:okr_link"),
    HrAudit: _h("hr_audit:hr_audit"),
    HrRole: _h("hr_role:hr_role"),
    OkrDelegate: _h("okr_delegate:okr_delegate"),
    KpiTargetSet: _h("kpi_target:kpi_target"),
    KpiPeriodAct: _h("kpi_periods:kpi_period"),
    KpiCorrectionAct: _h("kpi_corrections:typed"),
    OkrMap: _h("okr_map:okr_map"),
    OkrCycle: _h("okr_cycles:okr_cycle"),
    OkrCarry: _h("okr_cycles:okr_carry_command"),
    OkrReview: _h("okr_review:okr_review"),
}

ACTIONS: dict[str, Ref] = {
    "okr.approve": _h("okr_decisions:on_approve"),
    "okr.changes": _h("okr_decisions:on_changes"),
    "okr.reject": _h("okr_decisions:on_reject"),
    "okr.submit": _h("okr_rework:on_submit_click"),
    "team.nudge": _h("team:nudge"),
    "checkin.open": _h("checkin:open_checkin"),
    "checkin.submit": _h("checkin:submit_checkin"),
    "checkin.form": _h("checkin_form:open_form"),
    "checkin.submit_all": _h("checkin_form:submit_form"),
    "kpi_alert.ack": _h("kpi_actions:acknowledge"),
    "kpi_alert.assign": _h("kpi_actions:assign"),
    "kpi_feedback.send": _h("kpi_actions:send_feedback"),
    "kpi_feedback.reply": _h("kpi_actions:reply_feedback"),
    "kpi_feedback.kr": _h("kr_feedback:kr_feedback"),
    "kpi_correction.approve": _h("kpi_corrections:approve"),
    "kpi_correction.reject": _h("kpi_corrections:reject"),
    "hr_broadcast.send": _h("hr:send_clicked"),
    "hr_broadcast.cancel": _h("hr:cancel_clicked"),
    "hr_broadcast.remind": _h("hr:remind_clicked"),
}

FLOWS: dict[str, FlowRoute] = {
    "okr_new": FlowRoute(
        Ref("flows.okr_new", "NEW_OKR"),
        commands=(OkrNew, OkrEdit),
        actions=("okr.edit", "okr.new.submit"),
    ),
    "okr_checkin": FlowRoute(
        Ref("flows.checkin", "CHECKIN"),
        commands=(OkrCheckin,),
        actions=("checkin.start", "checkin.answer"),
    ),
    "okr_adjust": FlowRoute(
        Ref("flows.adjust_flow", "ADJUST"), commands=(OkrAdjust,), actions=("okr.adjust.start",)
    ),
    "okr_review": FlowRoute(
        Ref("flows.scoring", "REVIEW"),
        commands=(OkrScore,),
        actions=("okr.score", "okr.review.manager"),
    ),
}


class WiringError(RuntimeError):
    """The wiring disagrees with itself or with a flow's own declaration."""


@dataclass
class Wiring:
    """Commands, actions and flows by key; each resolved on first use and kept."""

    commands: Mapping[type[Any], Ref] = field(default_factory=lambda: dict(COMMANDS))
    actions: Mapping[str, Ref | ActionHandler] = field(default_factory=lambda: dict(ACTIONS))
    flows: Mapping[str, FlowRoute] = field(default_factory=lambda: dict(FLOWS))
    _loaded: dict[str, Flow] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._flow_of_command: dict[type[Any], str] = {}
        self._flow_of_action: dict[str, str] = {}
        for name, route in self.flows.items():
            for command_type in route.commands:
                self._claim(self._flow_of_command, command_type, name, self.commands)
            for action_id in route.actions:
                self._claim(self._flow_of_action, action_id, name, self.actions)

    @staticmethod
    def _claim(index: dict[Any, str], key: Any, name: str, plain: Mapping[Any, Any]) -> None:
        if key in index or key in plain:
            raise WiringError(f"{key!r} is wired twice (flow {name})")
        index[key] = name

    def with_actions(self, extra: Mapping[str, ActionHandler]) -> Wiring:
        """A copy with more button actions (tests add their own)."""
        return Wiring(self.commands, {**self.actions, **extra}, self.flows)

    def flow(self, name: str) -> Flow | None:
        """The flow called `name`, or None when nothing by that name is wired."""
        if name not in self._loaded:
            route = self.flows.get(name)
            if route is None:
                return None
            loaded = route.flow.load()
            _agree(name, route, loaded)
            self._loaded[name] = loaded
        return self._loaded[name]

    def run_command(self, command: Any, ctx: Context) -> Message:
        """Hand a parsed command to its handler, or to the flow it starts."""
        flow_name = self._flow_of_command.get(type(command))
        if flow_name is not None:
            flow = self._flow(flow_name)
            return flow_engine.enter(ctx, flow, flow.commands[type(command)], command)
        ref = self.commands.get(type(command))
        if ref is None:
            raise WiringError(f"no handler wired for {type(command).__name__}")
        handler: CommandHandler = ref.load()
        return handler(command, ctx)

    def run_action(self, action: Action, ctx: Context) -> Message:
        """Run a click or form submission; an unknown id gets a polite 'this button is stale'."""
        flow_name = self._flow_of_action.get(action.action_id)
        if flow_name is not None:
            flow = self._flow(flow_name)
            return flow_engine.enter(ctx, flow, flow.actions[action.action_id], action)
        target = self.actions.get(action.action_id)
        if target is None:
            raise CommandError("error.unknown_action")
        handler: ActionHandler = target.load() if isinstance(target, Ref) else target
        return handler(action, ctx)

    def check(self) -> None:
        """Load every handler and flow: a wrong name or a flow whose declaration disagrees with
        its route raises WiringError (run by the tests)."""
        for ref in [*self.commands.values(), *self.actions.values()]:
            if isinstance(ref, Ref) and not callable(ref.load()):
                raise WiringError(f"{ref.module}:{ref.name} is not callable")
        for name in self.flows:
            self._flow(name)

    def _flow(self, name: str) -> Flow:
        flow = self.flow(name)
        assert flow is not None
        return flow


def _agree(name: str, route: FlowRoute, flow: Any) -> None:
    if not isinstance(flow, Flow) or flow.name != name:
        raise WiringError(f"{route.flow.module}:{route.flow.name} is not the flow {name!r}")
    if set(flow.commands) != set(route.commands) or set(flow.actions) != set(route.actions):
        raise WiringError(
            f"flow {name!r} declares {_names(flow.commands)} {sorted(flow.actions)}, "
            f"wired as {_names(route.commands)} {sorted(route.actions)}"
        )
    if flow.start not in flow.states:
        raise WiringError(f"flow {name!r} starts in an undeclared state {flow.start!r}")


def _names(types: Iterable[type[Any]]) -> list[str]:
    return sorted(t.__name__ for t in types)


@cache
def default_wiring() -> Wiring:
    """The application's wiring (one per process)."""
    return Wiring()
