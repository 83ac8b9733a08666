"""New objectives, adjustments and their approval: drafts, forms, requests and decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button, field
from digests.formatting import kr_value
from digests.messages import message
from digests.messages.okr import ref_title
from digests.rich import Rich, strong
from storage.models import Metric
from storage.text_limits import COMMENT_MAX, TITLE_MAX

View = Mapping[str, Any]


def _draft_value(kr: Mapping[str, Any], field_name: str) -> str:
    """A drafted KR's start or target as the KR will show it (✗ → ✓ for yes/no)."""
    metric = Metric(kr.get("metric") or Metric.NUMBER.value)
    return kr_value(metric, kr.get("unit"), float(kr[field_name]))


def diff_line(m: Draft, change: View) -> Rich:
    """`Target: 100 → 120`."""
    return m.t(
        "flows.adjust.diff_line",
        field=m.t(f"flows.adjust.field.{change['field']}"),
        old=change["old"],
        new=change["new"],
    )


def since_lines(m: Draft, since: Sequence[View]) -> None:
    """A resubmission's changes since the manager's last look (or that there are none)."""
    if not since:
        m.section(m.t("approval_diff.unchanged"))
        return
    m.section(strong(m.s("approval_diff.title")))
    for change in since:
        field = change["field"]
        if field in ("added", "removed"):
            m.section(
                m.t(
                    f"approval_diff.{field}",
                    ref=change["ref"],
                    old=change["old"],
                    new=change["new"],
                )
            )
        else:
            m.section(
                m.t(
                    "approval_diff.line",
                    ref=change["ref"],
                    field=m.t(f"approval_diff.field.{field}"),
                    old=change["old"] or "—",
                    new=change["new"] or "—",
                )
            )


@message("adjust_confirm")
def adjust_confirm(
    m: Draft,
    *,
    ref: str,
    title: str,
    changes: Sequence[View],
    reason: str,
    manager: str,
    **_: object,
) -> None:
    heading = m.t("adjust.confirm_title", ref=ref, title=title)
    m.say(heading)
    m.section(strong(heading))
    for change in changes:
        m.section(diff_line(m, change))
    m.context(m.t("flows.adjust.reason", reason=reason))
    m.context(
        m.t("adjust.confirm_approval", manager=manager) if manager else m.t("adjust.confirm_direct")
    )


@message("adjust_sent")
def adjust_sent(
    m: Draft,
    *,
    ref: str,
    title: str,
    manager: str,
    replaced: Sequence[View] = (),
    **_: object,
) -> None:
    said = m.t("adjust.sent", ref=ref, title=title, manager=manager)
    m.say(said)
    m.section(said)
    if replaced:
        m.section(m.t("adjust.replaced", ref=ref))
        for change in replaced:
            m.context(diff_line(m, change))


@message("adjust_applied")
def adjust_applied(
    m: Draft, *, ref: str, changes: Sequence[View], reason: str, **_: object
) -> None:
    m.say(m.t("adjust.applied", ref=ref))
    m.section(m.t("adjust.applied", ref=ref))
    for change in changes:
        m.context(diff_line(m, change))
    m.context(m.t("flows.adjust.reason", reason=reason))


@message("flow_draft")
def flow_draft(
    m: Draft,
    *,
    title: str,
    parent: str | None,
    krs: Sequence[View],
    needs_approval: bool,
    **_: object,
) -> None:
    m.say(m.t("flows.new.draft_title", title=title))
    m.header(m.t("flows.new.draft_title", title=title))
    if parent:
        m.context(m.t("flows.aligned_to", parent=parent))
    for index, kr in enumerate(krs, start=1):
        line = f"{index}. {kr['title']}: {_draft_value(kr, 'start')} → {_draft_value(kr, 'target')}"
        if kr.get("weight", 1) != 1:
            line += " · " + m.s("flows.weight", weight=m.num(kr["weight"]))
        m.section(line)
    m.context(m.t("flows.new.confirm_approval" if needs_approval else "flows.new.confirm_direct"))


@message("flow_new_form")
def flow_new_form(
    m: Draft,
    *,
    token: str,
    title: str,
    parent: str,
    parents: Sequence[View],
    krs: Sequence[str],
    comment: str | None = None,
    **_: object,
) -> None:
    m.say(m.t("flows.new.form_title"))
    m.header(m.t("flows.new.form_title"))
    if comment:
        m.section(m.t("flows.new.comment", comment=comment))
    inputs = [
        field("title", m.t("flows.new.field_title"), initial=title, max_length=TITLE_MAX),
        field(
            "parent",
            m.t("flows.new.field_parent"),
            optional=True,
            initial=parent,
            options=[("", m.t("flows.new.no_parent"))]
            + [(option["value"], option["label"]) for option in parents],
        ),
    ]
    for index, kr in enumerate(krs, start=1):
        inputs.append(
            field(
                f"kr{index}",
                m.t("flows.new.field_kr", n=index),
                placeholder=m.t("flows.new.kr_placeholder"),
                initial=kr,
                optional=index > 1,
            )
        )
    m.form("okr_new", inputs, [button("okr.new.submit", m.t("flows.new.submit"), token, "primary")])
    m.context(m.t("flows.new.form_hint"))


@message("okr_edited")
def okr_edited(
    m: Draft,
    *,
    ref: str,
    field: str,
    old: str,
    new: str,
    objective: str,
    status: str,
    **_: object,
) -> None:
    """One field of a draft changed; the draft waits to be sent."""
    said = m.t(
        "edit.done",
        ref=ref,
        field=m.t(f"approval_diff.field.{field}"),
        old=old,
        new=new,
        objective=objective,
        status=m.t(f"okr.status.{status}"),
    )
    m.say(said)
    m.section(said)
    m.actions(button("okr.submit", m.t("edit.submit_button"), objective[2:], "primary"))
    m.context(m.t("edit.hint", objective=objective))


@message("flow_submitted")
def flow_submitted(m: Draft, *, ref: str, title: str, manager: str, **_: object) -> None:
    key = "flows.new.submitted" if manager else "flows.new.saved"
    said = m.t(key, ref=ref, title=title, manager=manager)
    m.say(said)
    m.section(said)


@message("flow_approval_request")
def flow_approval_request(
    m: Draft,
    *,
    request_id: int,
    kind: str,
    owner: str,
    objective: View,
    parent: str | None,
    changes: Sequence[View],
    reason: str | None,
    adjusted: View | None,
    since: Sequence[View] = (),
    resubmitted: bool = False,
    replaces: Sequence[View] = (),
    **_: object,
) -> None:
    m.say(
        m.t(
            f"flows.approval.summary.{kind}",
            owner=owner,
            ref=objective["ref"],
            title=objective["title"],
        )
    )
    m.header(m.t(f"flows.approval.header.{kind}", owner=owner))
    m.section(strong(ref_title(objective)))
    if parent:
        m.context(m.t("flows.aligned_to", parent=parent))
    for kr in objective["key_results"]:
        m.progress(
            ref_title(kr),
            kr["percent"],
            status=kr["confidence"],
            detail=f"{kr['start']} → {kr['target']}",
        )
    if resubmitted:
        since_lines(m, since)
    if adjusted:
        m.section(m.t("adjust.request_kr", ref=adjusted["ref"], title=adjusted["title"]))
    for change in changes:
        m.section(diff_line(m, change))
    if replaces:
        m.context(m.t("adjust.replaces"))
        for change in replaces:
            m.context(diff_line(m, change))
    if reason:
        m.context(m.t("flows.adjust.reason", reason=reason))
    value = str(request_id)
    m.form(
        f"approval_{request_id}",
        [
            field(
                "comment",
                m.t("flows.approval.comment_label"),
                multiline=True,
                optional=True,
                max_length=COMMENT_MAX,
            )
        ],
        [
            button("okr.approve", m.t("flows.approval.approve"), value, "primary"),
            button("okr.changes", m.t("flows.approval.changes"), value),
            button("okr.reject", m.t("flows.approval.reject"), value, "danger"),
        ],
    )
    typed_ref = adjusted["ref"] if adjusted and adjusted.get("ref") else objective["ref"]
    m.context(m.t("flows.approval.typed_hint", ref=typed_ref))


@message("flow_decided")
def flow_decided(
    m: Draft,
    *,
    ref: str,
    title: str,
    owner: str,
    status: str,
    comment: str | None = None,
    **_: object,
) -> None:
    said = m.t(f"flows.decided.{status}", ref=ref, title=title, owner=owner)
    m.say(said)
    m.section(said)
    if comment:
        m.context(m.t("flows.decided.comment", comment=comment))


@message("flow_decision")
def flow_decision(
    m: Draft,
    *,
    ref: str,
    title: str,
    kind: str,
    status: str,
    by: str,
    comment: str | None = None,
    changes: Sequence[View] = (),
    **_: object,
) -> None:
    prefix = "adjust.decision." if kind == "adjustment" else "flows.decision."
    said = m.t(prefix + status, ref=ref, title=title, by=by)
    m.say(said)
    m.section(said)
    if kind == "adjustment":
        for change in changes:
            m.context(diff_line(m, change))
    if comment:
        m.section(m.t("flows.decision.comment", by=by, comment=comment))
    if status == "changes_requested" and kind == "objective":
        m.actions(button("okr.edit", m.t("flows.decision.rework"), ref[2:], "primary"))
        m.context(m.t("flows.decision.rework_hint", ref=ref))
    if status == "changes_requested" and kind == "adjustment":
        m.actions(button("okr.adjust.start", m.t("adjust.propose_again"), ref[3:], "primary"))
        m.context(m.t("adjust.propose_again_hint", ref=ref))


@message("flow_already_decided")
def flow_already_decided(m: Draft, *, ref: str, status: str, **_: object) -> None:
    m.section(m.t("flows.already_decided", ref=ref, status=m.t(f"flows.status.{status}")))
