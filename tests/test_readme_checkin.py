"""The README's pictures of the one-form check-in are what Slack and Feishu are sent: the
Slack modal and the Feishu prompt card, drawn from the real renderers' JSON."""

from __future__ import annotations

from pathlib import Path

from bot.feishu.card import render_card
from bot.slack.modals import form_modal
from bot.text import render_text
from commands.checkin_forms import FormState, kr_form_view
from digests.render import render
from storage.models import Confidence, Direction, KeyResult, Metric
from tests.support.transcripts import feishu_card, slack_modal

README = Path(__file__).resolve().parents[1] / "README.md"


def ana_krs() -> list[KeyResult]:
    """Ana's three KRs of the demo company (as they stand before her check-in)."""
    common = {"workspace_id": 1, "objective_id": 1, "owner_id": 1}
    return [
        KeyResult(
            number=1,
            title="Sign 5 new EV-maker accounts",
            start_value=0,
            target_value=5,
            current_value=2,
            unit="accounts",
            confidence=Confidence.AT_RISK,
            **common,
        ),
        KeyResult(
            number=2,
            title="Grow Q4 pipeline to ¥8,000,000",
            metric=Metric.CURRENCY,
            start_value=2_000_000,
            target_value=8_000_000,
            current_value=4_500_000,
            unit="¥",
            confidence=Confidence.AT_RISK,
            **common,
        ),
        KeyResult(
            number=3,
            title="Cut quote turnaround from 5 to 2 days",
            start_value=5,
            target_value=2,
            current_value=3.5,
            unit="days",
            direction=Direction.DECREASE,
            **common,
        ),
    ]


def _value(locale: str) -> str:
    return FormState((1, 2, 3), stamp=41).encode()


def slack_transcript(locale: str = "en") -> str:
    views = [kr_form_view(kr) for kr in ana_krs()]
    message = render("checkin_all_form", locale=locale, krs=views, value=_value(locale))
    view = form_modal(message, locale=locale)
    assert view is not None
    return slack_modal(view)


def feishu_transcript(locale: str = "zh-CN") -> str:
    views = [kr_form_view(kr) for kr in ana_krs()]
    form = {"value": _value(locale), "page": 1, "pages": 1}
    prompt = render(
        "checkin_prompt", locale=locale, name="安娜", krs=views, style="form", form=form
    )
    return feishu_card(render_card(prompt, locale=locale))


def summary_transcript() -> str:
    """What the prompt shows after the submit (the modal's values as in the README)."""
    lines = [
        {
            "ref": "KR-1",
            "title": "Sign 5 new EV-maker accounts",
            "changed": True,
            "old": "2 accounts",
            "new": "3 accounts",
            "percent": 60.0,
            "confidence": "at_risk",
            "note": "legal review at Huaxin is slow",
        },
        {
            "ref": "KR-2",
            "title": "Grow Q4 pipeline to ¥8,000,000",
            "changed": True,
            "old": "¥4,500,000",
            "new": "¥5,200,000",
            "percent": 53.3,
            "confidence": "on_track",
            "note": None,
        },
        {
            "ref": "KR-3",
            "title": "Cut quote turnaround from 5 to 2 days",
            "changed": False,
            "old": "3.5 days",
            "new": "3.5 days",
            "percent": 50.0,
            "confidence": "on_track",
            "note": None,
        },
    ]
    objectives = [
        {"ref": "O-1", "title": "Win the new-energy vehicle segment", "old": 43.9, "new": 54.4}
    ]
    message = render("checkin_guided_summary", locale="en", krs=lines, objectives=objectives)
    return render_text(message)


def test_the_readme_shows_the_slack_modal_as_it_is_sent() -> None:
    assert slack_transcript() in README.read_text(encoding="utf-8")


def test_the_readme_shows_the_feishu_card_as_it_is_sent() -> None:
    assert feishu_transcript() in README.read_text(encoding="utf-8")


def test_the_readme_shows_the_result() -> None:
    assert summary_transcript() in README.read_text(encoding="utf-8")
