"""Any character a person can send fills a text slot and nothing else: every message, with
arbitrary Unicode in every field a person supplies (astral planes, combining marks, bidi
controls, zero-width characters, NUL and other controls, lone surrogates), renders on every
renderer; Slack's own models accept the blocks, the Feishu card is JSON within 30 KB, and the
message has the same structure as with plain text."""

from __future__ import annotations

import json
from itertools import cycle
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.feishu.card import CARD_MAX_BYTES, card_content, render_card
from bot.slack.blockkit import render_message, render_modal
from bot.text import render_text
from digests.message import Form, Message
from digests.messages import BUILDERS, builder
from digests.render import render
from digests.safe_text import BIDI_CONTROLS
from tests.digests.message_samples import SAMPLES, Sample

# Characters that broke or could break a renderer, mixed into the drawn text often.
TRICKY = [
    "🎉",  # astral plane emoji
    "𠮷",  # CJK extension B
    "👨\u200d👩\u200d👧",  # a ZWJ sequence
    "👍🏽",  # a skin tone modifier
    "e\u0301\u0301",  # combining marks
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200b",  # ZERO WIDTH SPACE
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\ud83d",  # a lone high surrogate, as a bad client sends half an emoji
    "\udc00",
    "**",
    "<!channel>",
    "<at id=all></at>",
    "[x](https://evil.example)",
    "&amp;",
    "`",
    "{count}",
    "%s",
]
ANY_CHARACTER = st.characters(exclude_categories=())  # every code point, surrogates too
PIECE = st.one_of(st.text(ANY_CHARACTER, min_size=1, max_size=12), st.sampled_from(TRICKY))
SHORT = st.lists(PIECE, min_size=1, max_size=6).map("".join)
LONG = st.tuples(SHORT, st.integers(200, 1500)).map(lambda drawn: drawn[0] * drawn[1])
USER_TEXT = st.one_of(SHORT, SHORT, LONG)


def _structure(message: Message) -> list[Any]:
    """What user text must never change: block kinds, buttons, form fields."""
    shape: list[Any] = []
    for block in message.blocks:
        shape.append(block.kind)
        for button in getattr(block, "buttons", []):
            shape.append((button.action_id, button.value, button.style))
        if isinstance(block, Form):
            shape.append([(i.name, len(i.options), i.max_length) for i in block.inputs])
    return shape


def _slack_ok(message: Message, locale: str) -> None:
    rendered = render_message(message, locale=locale)
    parsed = Block.parse_all(rendered["blocks"])
    assert [block.to_dict() for block in parsed] == rendered["blocks"]
    assert len(rendered["text"]) <= 3000
    json.dumps(rendered, ensure_ascii=False).encode("utf-8")
    if any(isinstance(block, Form) for block in message.blocks):
        modal = render_modal(message, title="okrbot", callback_id="test", submit="OK")
        View(**modal).to_dict()


def _feishu_ok(message: Message, locale: str) -> None:
    content = card_content(render_card(message, locale=locale, image_keys={"/tmp/map.png": "k"}))
    assert len(content.encode("utf-8")) <= CARD_MAX_BYTES
    assert json.loads(content)["schema"] == "2.0"


def _text_ok(message: Message) -> None:
    shown = render_text(message)
    shown.encode("utf-8")
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in shown)
    assert not set(shown) & {"\x00", "\x1b", "\r", "\u202e", "\u2066"}


def test_every_message_has_a_sample() -> None:
    builder("error")
    assert sorted(BUILDERS) == sorted(SAMPLES)
    assert "\u202e" in BIDI_CONTROLS or "\u202a-\u202e" in BIDI_CONTROLS


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    texts=st.lists(USER_TEXT, min_size=6, max_size=6),
    locale=st.sampled_from(["en", "zh-CN"]),
)
def test_any_unicode_in_every_user_field_renders_everywhere(texts: list[str], locale: str) -> None:
    for name, sample in SAMPLES.items():
        pool = cycle(texts)  # every user field gets one of the drawn texts, in turn
        message = render(name, locale=locale, **sample(Sample(locale, pool.__next__)))
        plain = render(name, locale=locale, **sample(Sample(locale, lambda: "Ana")))
        assert _structure(message) == _structure(plain), name
        stored = Message.model_validate_json(message.model_dump_json())
        assert stored == message, name
        _text_ok(message)
        _slack_ok(message, locale)
        _feishu_ok(message, locale)
