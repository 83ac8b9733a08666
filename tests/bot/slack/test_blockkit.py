"""Block Kit renderer: Slack's limits, escaping, and blocks Slack's own models accept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.blockkit import (
    MESSAGE_MAX_BLOCKS,
    action_id_of,
    escape,
    mrkdwn,
    render_blocks,
    render_home,
    render_message,
    render_modal,
)
from digests.message import (
    Actions,
    Button,
    Context,
    Divider,
    Field_,
    Fields,
    Header,
    Image,
    Message,
    Progress,
    Section,
)


def valid(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parse with slack_sdk's models (which raise on lengths and counts) and round-trip."""
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks)
    return [block.to_dict() for block in parsed]


def mrkdwn_objects(node: Any) -> Iterator[str]:
    """Every mrkdwn text inside some blocks."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_objects(item)


def every_kind(text: str) -> Message:
    return Message(
        summary=text,
        blocks=[
            Header(text=text),
            Section(text=f"{text} said hi", bold=((0, len(text)),)),
            Fields(items=[Field_(label=text, value=text)]),
            Progress(label=text, percent=40, detail=text, status="at_risk", indent=1),
            Actions(buttons=[Button(action_id="okr.approve", label=text, value=text)]),
            Context(text=text),
            Divider(),
            Image(path="/tmp/chart.png", alt=text),
        ],
    )


def test_every_block_kind_parses_with_slack_models() -> None:
    rendered = render_message(every_kind("Ana"))
    assert valid(rendered["blocks"]) == rendered["blocks"]
    assert rendered["text"] == "Ana"
    progress = rendered["blocks"][3]["text"]["text"]
    assert ":large_yellow_circle:" in progress
    assert "40%" in progress
    assert "████░░░░░░" in progress


def test_user_text_cannot_mention_channel_or_link() -> None:
    evil = "<!channel> & <https://evil.example|click> <@U123>"
    rendered = render_message(every_kind(evil))
    valid(rendered["blocks"])
    # plain_text (header, button labels) is shown literally by Slack; mrkdwn is parsed.
    mrkdwn_texts = json.dumps(list(mrkdwn_objects(rendered["blocks"])))
    assert "<!channel>" not in mrkdwn_texts
    assert "<https://" not in mrkdwn_texts
    assert "<@U123>" not in mrkdwn_texts
    assert len(list(mrkdwn_objects(rendered["blocks"]))) == 5
    assert "&lt;!channel&gt; &amp;" in mrkdwn_texts
    assert "<" not in rendered["text"]
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_bold_spans_become_slack_bold_and_typed_stars_stay_text() -> None:
    assert mrkdwn("7% → 5.95% done", ((5, 10),)) == "7% → *5.95%* done"
    assert mrkdwn("Recorded KR-1 ", ((9, 14),)) == "Recorded *KR-1* "
    assert mrkdwn("**not bold**") == "**not bold**"


def test_sixty_objectives_fit_in_fifty_blocks_with_a_more_line() -> None:
    blocks: list[Any] = [Header(text="Ana Lima — OKRs 2026-Q4")]
    for n in range(1, 61):
        label = f"O-{n} Objective {n}"
        blocks.append(
            Progress(label=label, bold=((0, len(f"O-{n}")),), percent=n, status="on_track")
        )
        blocks.append(Progress(label=f"KR-{n} Key result {n}", percent=n, indent=1))
    rendered = render_blocks(Message(blocks=blocks))
    assert len(rendered) <= MESSAGE_MAX_BLOCKS
    assert rendered[-1]["type"] == "context"
    assert "more not shown" in rendered[-1]["elements"][0]["text"]
    assert len(json.dumps(rendered, ensure_ascii=False)) < 12_000
    valid(rendered)
    chinese = render_blocks(Message(blocks=blocks), locale="zh-CN")
    assert "还有" in chinese[-1]["elements"][0]["text"]


def test_long_texts_are_clipped_not_rejected() -> None:
    message = Message(
        blocks=[
            Header(text="H" * 400),
            Section(text="&" * 2000),  # 10,000 characters once escaped
            Actions(
                buttons=[Button(action_id="pick", label="B" * 100, value=str(n)) for n in range(30)]
            ),
            Fields(items=[Field_(label=f"L{n}", value="v" * 2500) for n in range(12)]),
        ]
    )
    rendered = valid(render_blocks(message, max_chars=100_000))
    assert len(rendered[0]["text"]["text"]) <= 150
    section = rendered[1]["text"]["text"]
    assert len(section) <= 3000
    assert section.endswith("&amp;…")
    actions = [b for b in rendered if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a["elements"])
    ids = [e["action_id"] for e in actions[0]["elements"]]
    assert len(set(ids)) == len(ids)
    assert {action_id_of(i) for i in ids} == {"pick"}
    assert [len(b["fields"]) for b in rendered if "fields" in b] == [10, 2]


def test_total_size_stays_under_slacks_hidden_limit() -> None:
    message = Message(blocks=[Section(text="x" * 2900) for _ in range(20)])
    rendered = render_blocks(message)
    assert len(json.dumps(rendered)) < 12_000
    assert "more not shown" in rendered[-1]["elements"][0]["text"]


def test_home_and_modal_views_parse() -> None:
    home = render_home(every_kind("Ana"))
    View(**home).to_dict()
    modal = render_modal(
        every_kind("Ana"),
        title="A title much longer than Slack allows",
        callback_id="okr.new",
        submit="Create",
        private_metadata="O-1",
    )
    parsed = View(**modal).to_dict()
    assert parsed["title"]["text"].endswith("…")
    assert parsed["callback_id"] == "okr.new"
