"""Sample data for every message builder, shaped as the handlers pass it.

`Sample.u()` gives the text of each field a person supplies (names, titles, notes, broadcasts,
feedback, reasons, KPI and department names, units): the property test draws it from all of
Unicode, the language tests use a name. Enum keywords are stored values (`at_risk`, `draft`);
texts a handler translates first are translated here the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.demo_seed import DemoPerson
from digests.i18n import translate

Data = dict[str, Any]


@dataclass
class Sample:
    """What a sample needs: the reader's language and a source of user text."""

    locale: str
    u: Callable[[], str]

    def t(self, key: str, **params: Any) -> str:
        return translate(self.locale, key, **params)


def _kr(s: Sample, n: int = 1, confidence: str = "at_risk") -> Data:
    return {
        "ref": f"KR-{n}",
        "title": s.u(),
        "current": "3",
        "target": f"5 {s.u()}",
        "start": "0",
        "percent": 60.0,
        "below_baseline": n % 2 == 0,
        "confidence": confidence,
        "direction": "increase",
        "owner": s.u(),
    }


def _form_kr(s: Sample, n: int = 1) -> Data:
    return {
        "ref": f"KR-{n}",
        "number": n,
        "title": s.u(),
        "current": f"3 {s.u()}",
        "target": f"5 {s.u()}",
        "initial": "3",
        "percent": 60.0,
        "confidence": "at_risk",
    }


def _objective(s: Sample, n: int = 1, status: str = "pending") -> Data:
    return {
        "ref": f"O-{n}",
        "title": s.u(),
        "status": status,
        "visibility": "public",
        "percent": 52.5,
        "confidence": "off_track",
        "key_results": [_kr(s, 1), _kr(s, 2, "on_track")],
    }


def _change(s: Sample) -> Data:
    return {"field": "target", "old": "100", "new": "120"}


def _review(s: Sample) -> Data:
    return {
        "ref": "O-3",
        "title": s.u(),
        "owner": s.u(),
        "lines": [{"ref": "KR-5", "title": s.u(), "score": 0.7}],
        "mean": 0.7,
        "notes": {"worked": s.u(), "did_not": s.u(), "next_steps": s.u(), "comment": s.u()},
    }


def _carried(s: Sample, created: bool = True) -> Data:
    return {"from": "O-2", "to": "O-9", "title": s.u(), "created": created, "krs": 2}


def _forecast(s: Sample) -> Data:
    return {
        "ref": "KR-7",
        "title": s.u(),
        "owner": s.u(),
        "projected": "40%",
        "target": "100%",
        "date": date(2026, 12, 31),
        "percent": "52%",
        "check_ins": 4,
    }


def _digest_sections(s: Sample) -> list[Data]:
    at_risk = {
        "ref": "KR-4",
        "kr_id": 4,
        "title": s.u(),
        "owner": s.u(),
        "confidence": "at_risk",
        "why": s.u(),
    }
    approval = {"id": 8, "ref": "O-8", "title": s.u(), "owner": s.u(), "kind": "adjustment"}
    alert = {
        "id": 3,
        "code": "LOSS_RATE",
        "scope": s.u(),
        "value": "4.5%",
        "level": "warning",
        "period": "2026-11",
        "feedback": True,
    }
    mover = {"ref": "KR-9", "title": s.u(), "owner": s.u(), "delta": -12.5}
    return [
        {"kind": "completion", "done": 3, "total": 5},
        {"kind": "at_risk", "items": [at_risk], "more": 2},
        {"kind": "approvals", "items": [approval], "more": 1},
        {"kind": "kpi_alerts", "items": [alert], "more": 1},
        {"kind": "movers", "items": [mover]},
        {"kind": "forecast", "items": [_forecast(s)], "more": 1},
    ]


def _report_sections(s: Sample) -> list[Data]:
    objective = {
        "ref": "O-3",
        "title": s.u(),
        "owner": s.u(),
        "percent": 70.0,
        "owner_score": "0.7",
        "manager_score": "0.6",
        "key_results": [
            {
                "ref": "KR-5",
                "title": s.u(),
                "start": "0",
                "final": "7",
                "target": "10",
                "percent": 70.0,
                "owner_score": "0.7",
                "manager_score": "—",
                "sparkline": "▁▃▅▇",
                "confidence": "on_track",
            }
        ],
        "worked": s.u(),
        "did_not": s.u(),
        "next_steps": s.u(),
        "comment": s.u(),
    }
    bare = {**objective, "worked": None, "did_not": None, "next_steps": None, "comment": None}
    return [
        {
            "kind": "summary",
            "objectives": 2,
            "key_results": 3,
            "owner_scored": 2,
            "manager_scored": 1,
        },
        {"kind": "objectives", "items": [objective, bare], "more": 1},
        {"kind": "relations", "title": s.t("insights.relations.heading"), "lines": [s.u()]},
    ]


def _kpi_row(s: Sample, depth: int) -> Data:
    return {
        "depth": depth,
        "scope": s.u(),
        "target": "3%",
        "value": "4.5%",
        "period": "2026-11",
        "status": "warning",
        "flags": [s.u()],
    }


SAMPLES: dict[str, Callable[[Sample], Data]] = {
    "error": lambda s: {"message": s.t("error.bad_value", value=s.u()), "usage": "okr.update"},
    "help": lambda s: {"usages": ["okr.list", "okr.update", "kpi.show"], "topic": "okr"},
    "flow_note": lambda s: {"text": s.t("flows.new.comment", comment=s.u())},
    "kpi_note": lambda s: {"text": s.t("kpi.feedback.sent", ref=3, person=s.u(), subject="X")},
    "okr_link": lambda s: {"text": s.t("insights.link.none", ref="KR-2")},
    "broadcast_note": lambda s: {"text": s.t("hr.broadcast.cancelled", ref=4)},
    "console_welcome": lambda s: {
        "demo": True,
        "company": s.u(),
        "name": s.u(),
        "email": "ana@example.com",
        "title": s.u(),
        "department": s.u(),
        "others": [DemoPerson("lina@example.com", s.u(), "vp_sales")],
        "reviewed_cycle": "2026-Q3",
    },
    "flow_started": lambda s: {"flow": "okr_checkin", "minutes": 120},
    "flow_expired": lambda s: {"flow": "okr_new", "minutes": 45},
    "flow_done": lambda s: {"flow": "okr_adjust"},
    "flow_cancelled": lambda s: {"flow": "okr_review"},
    "flow_still_waiting": lambda s: {"flow": "okr_new"},
    "flow_nothing_to_cancel": lambda s: {},
    "flow_prompt": lambda s: {"question": s.t("flows.new.ask_title"), "hint": s.u()},
    "flow_prompt_choices": lambda s: {
        "question": s.t("flows.new.ask_parent"),
        "choices": [f"O-1 {s.u()}", f"O-2 {s.u()}"],
        "hint": s.t("flows.new.parent_hint"),
    },
    "okr_list": lambda s: {
        "cycle": s.u(),
        "person": s.u(),
        "objectives": [_objective(s, 1), _objective(s, 2, "approved")],
        "is_self": True,
        "in_review": ["2026-Q3"],
        "closed": True,
    },
    "okr_show": lambda s: {
        "objective": _objective(s, 4, "draft"),
        "owner": s.u(),
        "owner_type": "department",
        "parent": {"ref": "O-1", "title": s.u()},
        "notes": [{"ref": "KR-1", "note": s.u(), "date": "11-27"}],
        "adjustments": [s.u()],
        "carried": [s.u()],
    },
    "okr_update": lambda s: {
        "ref": "KR-1",
        "title": s.u(),
        "old_value": "2",
        "new_value": "3",
        "target": "5",
        "old_percent": 40.0,
        "new_percent": 60.0,
        "confidence": "at_risk",
        "note": s.u(),
        "objective_ref": "O-1",
        "objective_title": s.u(),
        "objective_old": 30.0,
        "objective_new": 45.5,
    },
    "okr_team": lambda s: {
        "cycle": s.u(),
        "reports": [
            {
                "id": 3,
                "name": s.u(),
                "objectives": [_objective(s, 5, "approved")],
                "others": [_objective(s, 6, "pending")],
                "pending": 1,
                "week": "missing",
                "nudged": False,
            },
            {
                "id": 4,
                "name": s.u(),
                "objectives": [],
                "others": [],
                "pending": 0,
                "week": "missing",
                "nudged": True,
            },
            {
                "id": 5,
                "name": s.u(),
                "objectives": [],
                "others": [],
                "pending": 0,
                "week": "done",
                "nudged": False,
            },
            {
                "id": 6,
                "name": s.u(),
                "objectives": [],
                "others": [],
                "pending": 0,
                "week": "nothing_due",
                "nudged": False,
            },
        ],
        "pending": 1,
        "note": s.u(),
    },
    "okr_map": lambda s: {
        "cycle": s.u(),
        "scope": s.u(),
        "rows": [
            {
                "ref": "O-1",
                "title": s.u(),
                "owner": s.u(),
                "confidence": "at_risk",
                "percent": 50.0,
                "depth": 4,
                "indent": 1,
                "krs": 1,
                "risky_below": 2,
                "pending": True,
            }
        ],
        "more": 3,
        "chart": "/tmp/map.png",
        "alt": s.u(),
    },
    "okr_cycle_list": lambda s: {
        "cycles": [
            {
                "name": s.u(),
                "start": "2026-10-01",
                "end": "2026-12-31",
                "state": "closed",
                "objectives": 1,
            }
        ],
        "manager": True,
    },
    "cycle_review_started": lambda s: {"name": "2026-Q4", "end": "2026-12-31", "objectives": 7},
    "okr_cycle_changed": lambda s: {
        "name": s.u(),
        "start": "2026-10-01",
        "end": "2026-12-31",
        "outcome": "review",
        "target": s.u(),
        "carried": [_carried(s), _carried(s, created=False)],
    },
    "okr_carry": lambda s: {"carried": [_carried(s)], "cycle": s.u()},
    "okr_carried_notice": lambda s: {
        "source": "O-2",
        "copy": "O-9",
        "title": s.u(),
        "cycle": s.u(),
        "krs": 1,
    },
    "checkin_prompt": lambda s: {
        "name": s.u(),
        "krs": [_form_kr(s, 1), _form_kr(s, 2)],
        "forecasts": [_forecast(s)],
        "style": "form",
        "form": {"value": "1 2|3|0|17", "page": 1, "pages": 2},
    },
    "checkin_all_form": lambda s: {
        "krs": [_form_kr(s, 1), _form_kr(s, 2)],
        "value": "1 2||0|17",
        "page": 2,
        "pages": 3,
        "note": s.u(),
    },
    "checkin_prompt_nudge": lambda s: {"name": s.u()},
    "team_nudge": lambda s: {"manager": s.u(), "name": s.u(), "refs": ["KR-1", "KR-2"]},
    "checkin_prompt_escalation": lambda s: {"name": s.u(), "missed": 3},
    "checkin_form": lambda s: {
        "ref": "KR-1",
        "value": "KR-1 KR-2",
        "title": s.u(),
        "current": "3",
        "target": "5",
        "confidence": "on_track",
        "confidences": ["on_track", "at_risk", "off_track"],
    },
    "checkin_guided_prompt": lambda s: {
        "question": s.t(
            "guided.ask_answer",
            ref="KR-1",
            title=s.u(),
            current="3",
            target="5",
            confidence=s.t("okr.confidence.at_risk"),
            n=1,
            total=3,
        ),
        "hint": s.t("guided.answer_hint"),
        "token": "7:2",
        "choices": [{"label": s.t("guided.button.same"), "answer": "same"}],
    },
    "checkin_guided_summary": lambda s: {
        "krs": [
            {**_kr(s, 1), "changed": True, "old": "2", "new": "3", "note": s.u()},
            {**_kr(s, 2), "changed": False, "old": "5", "new": "5", "note": None},
        ],
        "objectives": [{"ref": "O-1", "title": s.u(), "old": 30.0, "new": 40.0}],
        "skipped": ["KR-3"],
        "earlier": 15,
    },
    "adjust_confirm": lambda s: {
        "ref": "KR-3",
        "title": s.u(),
        "changes": [_change(s)],
        "reason": s.u(),
        "manager": s.u(),
    },
    "adjust_sent": lambda s: {
        "ref": "KR-3",
        "title": s.u(),
        "manager": s.u(),
        "replaced": [_change(s)],
    },
    "adjust_applied": lambda s: {"ref": "KR-3", "changes": [_change(s)], "reason": s.u()},
    "flow_draft": lambda s: {
        "title": s.u(),
        "parent": f"O-1 {s.u()}",
        "krs": [
            {
                "title": s.u(),
                "start": 0,
                "target": 5,
                "unit": s.u(),
                "metric": "number",
                "weight": 2,
            },
            {
                "title": s.u(),
                "start": 10,
                "target": 40,
                "unit": "",
                "metric": "percent",
                "weight": 1,
            },
        ],
        "needs_approval": True,
    },
    "flow_new_form": lambda s: {
        "token": "9:1",
        "title": s.u(),
        "parent": "4",
        "parents": [{"value": "4", "label": f"O-4 {s.u()}"}],
        "krs": [f"{s.u()} | 0 5", "", ""],
        "comment": s.u(),
    },
    "flow_submitted": lambda s: {"ref": "O-7", "title": s.u(), "manager": s.u()},
    "okr_edited": lambda s: {
        "ref": "KR-33",
        "field": "target",
        "old": "¥3,000,000",
        "new": "¥4,000,000",
        "objective": "O-7",
        "status": "changes_requested",
    },
    "flow_approval_request": lambda s: {
        "request_id": 12,
        "kind": "adjustment",
        "owner": s.u(),
        "objective": _objective(s, 6),
        "parent": f"O-1 {s.u()}",
        "changes": [_change(s)],
        "reason": s.u(),
        "adjusted": {"ref": "KR-2", "title": s.u()},
        "replaces": [_change(s)],
        "resubmitted": True,
        "since": [
            {"ref": "O-6", "field": "title", "old": s.u(), "new": s.u()},
            {"ref": "KR-2", "field": "target", "old": "¥3,000,000", "new": "¥4,000,000"},
            {"ref": "KR-3", "field": "added", "old": "", "new": s.u()},
            {"ref": "KR-4", "field": "removed", "old": s.u(), "new": ""},
        ],
    },
    "flow_decided": lambda s: {
        "ref": "O-6",
        "title": s.u(),
        "owner": s.u(),
        "status": "changes_requested",
        "comment": s.u(),
    },
    "flow_decision": lambda s: {
        "ref": "KR-2",
        "title": s.u(),
        "kind": "adjustment",
        "status": "changes_requested",
        "by": s.u(),
        "comment": s.u(),
        "changes": [_change(s)],
    },
    "flow_already_decided": lambda s: {"ref": "O-6", "status": "approved"},
    "kpi_list": lambda s: {
        "kpis": [
            {
                "code": "LOSS_RATE",
                "name": s.u(),
                "direction": "lower_is_better",
                "frequency": "monthly",
                "unit": "%",
                "mine": {"target": "3%", "value": None, "period": None, "status": "no_data"},
            }
        ]
    },
    "kpi_show": lambda s: {
        "code": "LOSS_RATE",
        "name": s.u(),
        "unit": s.u(),
        "direction": "lower_is_better",
        "frequency": "monthly",
        "targets": [_kpi_row(s, 0), _kpi_row(s, 1)],
        "chart": "/tmp/trend.png",
        "chart_alt": s.t("kpi.chart.alt", code="LOSS_RATE", scope=s.u()),
    },
    "kpi_tree": lambda s: {
        "code": "LOSS_RATE",
        "name": s.u(),
        "period": "2026-11",
        "direction": "lower_is_better",
        "aggregation": "avg",
        "rows": [_kpi_row(s, 0), _kpi_row(s, 2)],
        "flagged": 2,
    },
    "kpi_record": lambda s: {
        "code": "LOSS_RATE",
        "name": s.u(),
        "period": "2026-11",
        "scope": s.u(),
        "value": "4.2%",
        "target": "3%",
        "direction": "lower_is_better",
        "status": "warning",
        "changed_from": "4%",
    },
    "kpi_assess": lambda s: {
        "person": s.u(),
        "period": "2026-Q4",
        "rows": [
            {
                "code": "LOSS_RATE",
                "weight": "1",
                "formula": s.t(
                    "kpi.assess.formula.lower_is_better",
                    value="4%",
                    target="3%",
                    completion="75%",
                ),
                "capped": "75%",
                "was_capped": True,
            }
        ],
        "score": "75%",
        "formula": "75% × 1",
        "band": s.u(),
        "cap": "120%",
        "bands": f"{s.u()} ≥ 120%",
        "provisional": True,
        "missing": ["MONTHLY_SALES"],
    },
    "kpi_alert": lambda s: {
        "alert_id": 3,
        "code": "LOSS_RATE",
        "name": s.u(),
        "scope": s.u(),
        "owner": s.u(),
        "level": "critical",
        "period": "2026-11",
        "value": "5.5%",
        "threshold": "5%",
        "target": "3%",
        "direction": "lower_is_better",
        "for_manager": True,
        "status": {
            "note": s.u(),
            "acknowledged_by": s.u(),
            "acknowledged_at": "11-27 10:00",
            "assignee": s.u(),
        },
    },
    "kpi_recovery": lambda s: {
        "alert_id": 3,
        "code": "LOSS_RATE",
        "name": s.u(),
        "scope": s.u(),
        "owner": s.u(),
        "period": "2026-12",
        "value": "2.5%",
        "target": "3%",
    },
    "kpi_alert_assign_form": lambda s: {
        "alert_id": 3,
        "code": "LOSS_RATE",
        "scope": s.u(),
        "value": "5.5%",
        "period": "2026-11",
        "current": "hao@example.com",
        "people": [{"value": "hao@example.com", "label": s.u()}],
    },
    "kpi_alert_feedback_form": lambda s: {
        "alert_id": 3,
        "code": "LOSS_RATE",
        "owner": s.u(),
        "email": "hao@example.com",
        "value": "5.5%",
        "target": "3%",
        "period": "2026-11",
    },
    "kpi_feedback": lambda s: {"ref": 5, "author": s.u(), "subject": s.u(), "text": s.u()},
    "kpi_correction_request": lambda s: {
        "ref": 3,
        "person": s.u(),
        "code": "MONTHLY_SALES",
        "name": s.u(),
        "scope": s.u(),
        "period": "2026-11",
        "old": "¥430,000",
        "new": "¥1,200,000",
    },
    "kpi_feedback_reply_form": lambda s: {
        "ref": 5,
        "author": s.u(),
        "subject": s.u(),
        "text": s.u(),
    },
    "broadcast": lambda s: {"text": s.u(), "sender": s.u(), "reminder": True},
    "broadcast_preview": lambda s: {
        "broadcast_id": 4,
        "count": 12,
        "audience": f"department:{s.u()}",
        "text": s.u(),
    },
    "broadcast_status": lambda s: {
        "broadcast_id": 4,
        "text": s.u(),
        "spec": "everyone",
        "audience": 12,
        "delivered": 10,
        "pending": 1,
        "dead": [(s.u(), "slack: user_not_found")],
        "read": 7,
        "read_of": 10,
        "read_platform": "feishu",
        "responded": 6,
        "reminders": 1,
        "waiting": 4,
        "unreachable": [(s.u(), "bo@example.com")],
    },
    "hr_audit": lambda s: {
        "person": s.u(),
        "since": "2026-11-01",
        "until": None,
        "total": 40,
        "entries": [
            {
                "when": "2026-11-27 10:00",
                "actor": s.u(),
                "source": "feishu",
                "action": "objective_create",
                "entity": "O-16",
                "before": {"status": "draft", "title": s.u()},
                "after": {"status": "pending", "title": s.u(), "key_results": [s.u()]},
            },
            {
                "when": "2026-11-27 11:00",
                "actor": None,
                "source": "slack",
                "action": "check_in",
                "entity": "KR-3",
                "before": {"current_value": 2.0, "confidence": "on_track"},
                "after": {"current_value": 3.0, "confidence": "at_risk"},
            },
        ],
    },
    "hr_insights": lambda s: {
        "weeks": [
            {"week": "W47", "done": 8, "total": 10, "rate": "80%"},
            {"week": "W48", "done": 3, "total": 10, "rate": "30%"},
        ],
        "this_week": {"week": "W48", "done": 3, "total": 10, "rate": "30%"},
        "trend": {"direction": "down", "first": "90%", "last": "80%"},
        "departments": [
            {
                "name": s.u(),
                "krs": 12,
                "at_risk": 3,
                "share": "25%",
                "misses": 2,
                "forecast_share": "17%",
            }
        ],
        "more_departments": 2,
        "approvals": {"decided": 4, "pending": 1, "median": "5 h", "p90": "2 d"},
        "alerts": {"warning": 2, "critical": 1, "open": 2},
        "chart": "/tmp/health.png",
    },
    "digest_hr": lambda s: {
        "departments": [{"name": s.u(), "done": 3, "total": 4, "approved": 2, "objectives": 5}],
        "unreachable": [(s.u(), "bo@example.com")],
    },
    "digest_manager": lambda s: {"sections": _digest_sections(s)},
    "digest_kr_feedback": lambda s: {"kr_id": 4, "ref": "KR-4", "title": s.u(), "owner": s.u()},
    "review_invite": lambda s: {
        "cycle": s.u(),
        "objectives": [{"ref": "O-3", "number": 3, "title": s.u()}],
    },
    "review_score_prompt": lambda s: {
        "role": "manager",
        "n": 1,
        "total": 2,
        "kr": {**_kr(s, 5), "current": "7", "target": "10"},
        "owner": s.u(),
        "suggested": "0.7",
        "owner_score": "0.6",
        "saved": "0.5",
    },
    "review_saved": lambda s: {"role": "owner", "review": _review(s), "told": s.u()},
    "review_manager_request": lambda s: {"review": _review(s), "number": "3"},
    "review_manager_done": lambda s: {"review": _review(s), "by": s.u()},
    "review_report": lambda s: {
        "title": s.u(),
        "cycle": s.u(),
        "state": "closed",
        "sections": _report_sections(s),
        "chart": "/tmp/report.png",
    },
}
