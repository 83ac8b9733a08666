"""Feishu card renderer: the neutral Message as a card JSON 2.0 (plain dicts, no Feishu SDK).

It owns Feishu's escaping (`&`, `<`, `>`, `[`, `]` become entities in every markdown text, so
nobody can inject an `<at>` tag, a `<font>` or a link; `*`, `~` and backticks too, so user text
cannot switch bold, strike-through or code on) and Feishu's size limit: a card is at most
30 KB, so long content is cut with a "more" line, never rejected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from digests.formatting import percent_text, text_bar
from digests.i18n import translate
from digests.message import (
    Actions,
    Block,
    Button,
    Context,
    Divider,
    Fields,
    Form,
    Header,
    Image,
    Input,
    Message,
    Progress,
    Section,
)
from digests.rich import segments
from digests.safe_text import Span, head

Card = dict[str, Any]
Element = dict[str, Any]

CARD_MAX_BYTES = 30 * 1024
# Room kept for the "more" line and the header, so the cut card still fits.
_RESERVE_BYTES = 1024
TEXT_MAX = 5000
HEADER_MAX = 100
BUTTON_TEXT_MAX = 40
INPUT_MAX = 1000  # the most an input component accepts
SUMMARY_MAX = 120
STATUS_COLOUR = {"on_track": "green", "at_risk": "orange", "off_track": "red", "none": "grey"}
BUTTON_TYPE = {"default": "default", "primary": "primary_filled", "danger": "danger"}
INDENT = "\u2003"  # an em space: markdown collapses ordinary leading spaces
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "[": "&#91;",
    "]": "&#93;",
    "*": "&#42;",
    "~": "&#126;",
    "`": "&#96;",
}
_SPECIAL = re.compile(r"[&<>\[\]*~`]")


def escape(text: str) -> str:
    """Markdown control characters as entities: user text can never become a tag or a link."""
    return _SPECIAL.sub(lambda match: _ENTITIES[match.group(0)], text)


def lark_md(text: str, bold: Sequence[Span] = ()) -> str:
    """Neutral text as escaped Feishu markdown, its bold spans as `**bold**`."""
    if not bold:
        return escape(text)
    return "".join(
        _bold(escape(piece)) if strong else escape(piece) for piece, strong in segments(text, bold)
    )


def _bold(text: str) -> str:
    core = text.strip()
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}**{core}**{text[start + len(core) :]}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in '…' when cut, never inside an entity or a
    character cluster."""
    if len(text) <= limit:
        return text
    return re.sub(r"&#?\w{0,4}$", "", head(text, limit - 1)) + "…"


def _markdown(text: str, *, small: bool = False) -> Element:
    element: Element = {"tag": "markdown", "content": clip(text, TEXT_MAX) or " "}
    if small:
        element["text_size"] = "notation"
    return element


def _button(button: Button) -> Element:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": clip(button.label, BUTTON_TEXT_MAX)},
        "type": BUTTON_TYPE[button.style],
        "behaviors": [
            {"type": "callback", "value": {"action_id": button.action_id, "value": button.value}}
        ],
    }


def _input(field: Input) -> Element:
    label = {"tag": "plain_text", "content": clip(field.label, HEADER_MAX)}
    element: Element
    if field.options:
        options = [
            {"text": {"tag": "plain_text", "content": clip(o.label, 100)}, "value": o.value}
            for o in field.options
        ]
        element = {"tag": "select_static", "name": field.name, "options": options}
        if field.initial:
            element["initial_option"] = field.initial
    else:
        element = {"tag": "input", "name": field.name, "label": label}
        if field.multiline:
            element["input_type"] = "multiline_text"
        if field.max_length is not None:
            element["max_length"] = min(field.max_length, INPUT_MAX)
        if field.initial:
            element["default_value"] = clip(field.initial, element.get("max_length", TEXT_MAX))
    if field.placeholder:
        element["placeholder"] = {"tag": "plain_text", "content": clip(field.placeholder, 100)}
    element["required"] = not field.optional
    return element


def _form(block: Form) -> Element:
    elements: list[Element] = []
    for field in block.inputs:
        if field.heading:
            elements.append(_markdown(lark_md(field.heading)))
        if field.options:
            elements.append(_markdown(f"**{escape(field.label)}**"))
        elements.append(_input(field))
    for index, button in enumerate(block.buttons):
        submit = _button(button)
        submit["name"] = f"{block.name}_{index}"
        submit["form_action_type"] = "submit"
        elements.append(submit)
    return {"tag": "form", "name": block.name, "elements": elements}


def _progress(block: Progress) -> str:
    colour = STATUS_COLOUR[block.status]
    detail = f"  {lark_md(block.detail)}" if block.detail else ""
    return (
        f"{INDENT * block.indent}<font color='{colour}'>●</font> "
        f"{text_bar(block.percent)} **{percent_text(block.percent)}**  "
        f"{lark_md(block.label, block.bold)}{detail}"
    )


def _element(block: Block, locale: str, image_keys: Mapping[str, str]) -> Element:
    match block:
        case Header(text=text):
            return _markdown(f"**{escape(text)}**")
        case Section(text=text, bold=bold):
            return _markdown(lark_md(text, bold))
        case Fields(items=items):
            colon = "：" if locale.startswith("zh") else ": "
            lines = [f"**{escape(item.label)}**{colon}{lark_md(item.value)}" for item in items]
            return _markdown("\n".join(lines))
        case Progress():
            return _markdown(_progress(block))
        case Actions(buttons=buttons):
            columns = [
                {"tag": "column", "width": "auto", "elements": [_button(button)]}
                for button in buttons
            ]
            return {"tag": "column_set", "flex_mode": "flow", "columns": columns}
        case Context(text=text, bold=bold):
            return _markdown(lark_md(text, bold), small=True)
        case Divider():
            return {"tag": "hr"}
        case Form():
            return _form(block)
        case Image(path=path, alt=alt):
            if path in image_keys:
                return {
                    "tag": "img",
                    "img_key": image_keys[path],
                    "alt": {"tag": "plain_text", "content": clip(alt, 100)},
                }
            return _markdown(escape(translate(locale, "feishu.image", alt=alt)), small=True)
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _size(node: Card) -> int:
    """Bytes of `node` as it is sent (card_content's compact JSON, UTF-8)."""
    return len(json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def render_card(
    message: Message,
    *,
    locale: str = "zh-CN",
    image_keys: Mapping[str, str] | None = None,
    max_bytes: int = CARD_MAX_BYTES,
) -> Card:
    """The message as a Feishu card 2.0. The first Header becomes the card header; blocks
    that would push the card past `max_bytes` are left out and counted in a "more" line.
    `image_keys` maps an Image's path to the `img_key` it was uploaded as."""
    blocks = list(message.blocks)
    card: Card = {"schema": "2.0", "config": {"update_multi": True}}
    if message.summary:
        card["config"]["summary"] = {"content": clip(message.summary, SUMMARY_MAX)}
    first_header = next((b for b in blocks if isinstance(b, Header)), None)
    if first_header is not None:
        blocks.remove(first_header)
        card["header"] = {
            "title": {"tag": "plain_text", "content": clip(first_header.text, HEADER_MAX)},
            "template": "red" if message.is_error else "blue",
        }
    elements: list[Element] = []
    card["body"] = {"elements": elements}
    budget = max_bytes - _RESERVE_BYTES
    used = _size(card)  # with no elements; each one adds its own size and a comma
    for index, block in enumerate(blocks):
        element = _element(block, locale, image_keys or {})
        used += _size(element) + 1
        if used > budget:
            more = translate(locale, "feishu.more", count=len(blocks) - index)
            elements.append(_markdown(escape(more), small=True))
            break
        elements.append(element)
    if not elements:
        elements.append(_markdown(escape(message.summary) or " "))
    return card


def card_content(card: Card) -> str:
    """The card as the `content` string of an interactive message."""
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))
