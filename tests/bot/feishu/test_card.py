"""The Feishu card renderer: 2.0 shape, escaping, buttons, progress, the 30 KB limit."""

from __future__ import annotations

import json

from bot.feishu.card import CARD_MAX_BYTES, card_content, escape, render_card
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


def test_card_has_the_2_0_shape_with_header_and_summary() -> None:
    message = Message(
        blocks=[Header(text="Ana — OKRs"), Section(text="KR-1 updated", bold=((0, 4),)), Divider()],
        summary="KR-1 updated",
    )
    card = render_card(message, locale="en")
    assert card["schema"] == "2.0"
    assert card["config"] == {"update_multi": True, "summary": {"content": "KR-1 updated"}}
    assert card["header"]["title"] == {"tag": "plain_text", "content": "Ana — OKRs"}
    assert card["body"]["elements"] == [
        {"tag": "markdown", "content": "**KR-1** updated"},
        {"tag": "hr"},
    ]
    assert json.loads(card_content(card)) == card


def test_user_text_cannot_inject_mentions_fonts_or_links() -> None:
    evil = "<at id=all></at> [click](https://evil.example) <font color='red'>x</font> & co"
    card = render_card(
        Message(blocks=[Section(text=evil), Fields(items=[Field_(label=evil, value=evil)])])
    )
    text = json.dumps(card, ensure_ascii=False)
    assert "<at" not in text
    assert "<font color='red'>" not in text
    assert "[click]" not in text
    assert "&lt;at id=all&gt;" in card["body"]["elements"][0]["content"]
    assert escape("a&b") == "a&amp;b"


def test_buttons_carry_action_id_and_value_in_a_callback_behaviour() -> None:
    message = Message(
        blocks=[
            Actions(
                buttons=[
                    Button(action_id="approve", label="批准", value="O-3", style="primary"),
                    Button(action_id="reject", label="退回", value="O-3", style="danger"),
                ]
            )
        ]
    )
    element = render_card(message)["body"]["elements"][0]
    assert element["tag"] == "column_set"
    buttons = [column["elements"][0] for column in element["columns"]]
    assert [b["text"]["content"] for b in buttons] == ["批准", "退回"]
    assert [b["type"] for b in buttons] == ["primary_filled", "danger"]
    assert buttons[0]["behaviors"] == [
        {"type": "callback", "value": {"action_id": "approve", "value": "O-3"}}
    ]


def test_progress_is_a_coloured_text_bar_with_percent() -> None:
    message = Message(
        blocks=[Progress(label="KR-1 <b>", percent=60, status="at_risk", detail="3 / 5", indent=1)]
    )
    content = render_card(message)["body"]["elements"][0]["content"]
    assert "<font color='orange'>●</font>" in content
    assert "██████░░░░ **60%**" in content
    assert "KR-1 &lt;b&gt;  3 / 5" in content
    assert content.startswith("\u2003")


def test_context_is_small_and_images_without_a_key_become_alt_text() -> None:
    message = Message(blocks=[Context(text="hint"), Image(path="/tmp/c.png", alt="趋势")])
    elements = render_card(message, locale="zh-CN")["body"]["elements"]
    assert elements[0] == {"tag": "markdown", "content": "hint", "text_size": "notation"}
    assert elements[1]["content"] == "图表：趋势"
    with_key = render_card(message, image_keys={"/tmp/c.png": "img_v2_1"})["body"]["elements"]
    assert with_key[1]["img_key"] == "img_v2_1"


def test_long_messages_are_cut_under_30_kb_with_a_more_line() -> None:
    blocks = [Section(text=f"第 {n} 行 " + "很长的备注" * 200) for n in range(40)]
    card = render_card(Message(blocks=[Header(text="长"), *blocks]), locale="zh-CN")
    size = len(card_content(card).encode("utf-8"))
    assert size <= CARD_MAX_BYTES
    last = card["body"]["elements"][-1]["content"]
    assert last.startswith("……另有 ")
    assert "项未显示" in last
    shown = len(card["body"]["elements"]) - 1
    assert f"另有 {40 - shown} 项" in last


def test_an_error_card_is_red_and_an_empty_message_still_has_a_body() -> None:
    card = render_card(Message(blocks=[Header(text="出错了")], is_error=True, summary="x"))
    assert card["header"]["template"] == "red"
    assert card["body"]["elements"] == [{"tag": "markdown", "content": "x"}]
