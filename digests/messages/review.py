"""The quarter-end review: the invitation, scoring prompts, what was saved, the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from digests.compose import Draft, button
from digests.messages import message
from digests.messages.okr import ref_title
from digests.rich import strong

View = Mapping[str, Any]
NOTE_KINDS = ("worked", "did_not", "next_steps")


def _score_lines(m: Draft, review: View) -> None:
    for line in review["lines"]:
        m.context(
            m.t("review.score_line", ref=line["ref"], title=line["title"], score=line["score"])
        )


@message("review_invite")
def review_invite(m: Draft, *, cycle: str, objectives: Sequence[View], **_: object) -> None:
    m.say(m.t("review.invite.summary", cycle=cycle, count=len(objectives)))
    m.header(m.t("review.invite.header", cycle=cycle))
    m.section(m.t("review.invite.body", cycle=cycle))
    for o in objectives:
        m.section(ref_title(o))
    m.actions(
        *(
            button("okr.score", m.t("review.invite.button", ref=o["ref"]), o["number"], "primary")
            for o in objectives[:5]
        )
    )
    m.context(m.t("review.invite.hint", ref=objectives[0]["ref"] if objectives else "O-1"))


@message("review_score_prompt")
def review_score_prompt(
    m: Draft,
    *,
    role: str,
    n: int,
    total: int,
    kr: View,
    owner: str,
    suggested: str,
    owner_score: str | None = None,
    saved: str | None = None,
    **_: object,
) -> None:
    asked = m.t("review.ask.score", n=n, total=total, ref=kr["ref"], title=kr["title"])
    m.say(asked)
    m.section(asked)
    m.progress(
        ref_title(kr),
        kr["percent"],
        detail=m.s("review.ask.figures", current=kr["current"], target=kr["target"]),
    )
    if role == "manager" and owner_score is not None:
        m.context(m.t("review.ask.owner_scored", owner=owner, score=owner_score))
    m.context(m.t(f"review.ask.suggestion.{role}", score=suggested))
    if saved is not None:
        m.context(m.t("review.ask.keep_score", score=saved))


@message("review_saved")
def review_saved(m: Draft, *, role: str, review: View, told: str = "", **_: object) -> None:
    said = m.t(
        f"review.saved.{role}", ref=review["ref"], title=review["title"], owner=review["owner"]
    )
    m.say(said)
    m.section(said)
    _score_lines(m, review)
    m.section(m.t("review.mean", score=review["mean"]))
    if told:
        m.context(m.t(f"review.told.{role}", name=told))


@message("review_manager_request")
def review_manager_request(m: Draft, *, review: View, number: str, **_: object) -> None:
    r = review
    m.say(m.t("review.request.summary", owner=r["owner"], ref=r["ref"], title=r["title"]))
    m.header(m.t("review.request.header", owner=r["owner"]))
    m.section(
        m.t(
            "review.request.body",
            owner=r["owner"],
            ref=r["ref"],
            title=r["title"],
            score=r["mean"],
        )
    )
    _score_lines(m, r)
    for key in NOTE_KINDS:
        if r["notes"].get(key):
            m.section(m.t(f"review.note.{key}", text=r["notes"][key]))
    m.actions(button("okr.review.manager", m.t("review.request.button"), number, "primary"))
    m.context(m.t("review.request.typed_hint", ref=r["ref"]))


@message("review_manager_done")
def review_manager_done(m: Draft, *, review: View, by: str, **_: object) -> None:
    r = review
    said = m.t("review.done.summary", by=by, ref=r["ref"], title=r["title"])
    m.say(said)
    m.section(said)
    _score_lines(m, r)
    m.section(m.t("review.mean", score=r["mean"]))
    if r["notes"].get("comment"):
        m.section(m.t("review.note.comment", text=r["notes"]["comment"]))
    m.context(m.t("review.done.hint", ref=r["ref"]))


def _summary(m: Draft, s: View) -> None:
    m.fields(
        (m.t("review.report.objectives"), str(s["objectives"])),
        (
            m.t("review.report.owner_scored"),
            m.t("review.report.of", done=s["owner_scored"], total=s["key_results"]),
        ),
        (
            m.t("review.report.manager_scored"),
            m.t("review.report.of", done=s["manager_scored"], total=s["key_results"]),
        ),
    )


def _objectives(m: Draft, s: View, *, scoring_open: bool = True) -> None:
    if not s["items"]:
        m.section(m.t("review.report.none"))
    for o in s["items"]:
        m.divider()
        m.section(strong(ref_title(o)) + (f" · {o['owner']}" if o["owner"] else ""))
        scores = m.s("review.report.scores", owner=o["owner_score"], manager=o["manager_score"])
        m.progress(m.t("review.report.overall"), o["percent"], detail=scores)
        for kr in o["key_results"]:
            kr_scores = m.s(
                "review.report.scores", owner=kr["owner_score"], manager=kr["manager_score"]
            )
            figures = f"{kr['start']} → {kr['final']} / {kr['target']}"
            m.progress(
                ref_title(kr),
                kr["percent"],
                status=kr["confidence"],
                indent=1,
                detail=f"{figures}  {kr['sparkline']}  {kr_scores}",
            )
        for key in (*NOTE_KINDS, "comment"):
            if o.get(key):
                m.context(m.t(f"review.note.{key}", text=o[key]))
        if not (o.get("worked") or o.get("did_not") or o.get("next_steps")):
            # A closed cycle takes no more scores: no hint at a command it would refuse.
            key = "review.report.not_reviewed" if scoring_open else "review.report.never_reviewed"
            m.context(m.t(key, ref=o["ref"]))
    if s["more"]:
        m.divider()
        m.context(m.t("review.report.more", count=s["more"]))


def _other(m: Draft, s: View) -> None:
    m.divider()
    if s.get("title"):
        m.section(strong(s["title"]))
    for line in s.get("lines", []):
        m.context(line)


@message("review_report")
def review_report(
    m: Draft,
    *,
    title: str,
    cycle: str,
    state: str,
    sections: Sequence[View],
    chart: str | None = None,
    **_: object,
) -> None:
    heading = m.t("review.report.title", title=title, cycle=cycle)
    m.say(heading)
    m.header(heading)
    if state == "closed":
        m.context(m.t("review.report.final", cycle=cycle))
    elif state != "review":
        m.context(m.t("review.report.state", cycle=cycle, state=m.t(f"review.cycle_state.{state}")))
    for s in sections:
        if s["kind"] == "summary":
            _summary(m, s)
        elif s["kind"] == "objectives":
            _objectives(m, s, scoring_open=state != "closed")
        else:
            _other(m, s)
    if chart:
        m.image(chart, m.t("review.report.chart_alt", title=title, cycle=cycle))
