"""Block Kit renderer: the neutral Message as Slack blocks (plain dicts, no Slack SDK).

It owns Slack's escaping (`&`, `<`, `>` in every mrkdwn text, so nobody can inject `<!channel>`
or a link) and Slack's limits: long content is cut with a "more" line, never rejected. Bold
comes from the blocks' spans only; a text is never cut inside an entity or a character cluster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
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

SlackBlock = dict[str, Any]

MESSAGE_MAX_BLOCKS = 50
SURFACE_MAX_BLOCKS = 100  # modals and the Home tab
# Slack answers msg_blocks_too_long near 13k characters of blocks: stay well under it.
MESSAGE_MAX_CHARS = 11_000
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_PER_SECTION = 10
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BUTTONS_PER_ACTIONS = 25
MODAL_TITLE_MAX = 24
# Slack refuses an option whose value is empty: a "none" choice travels as this instead.
EMPTY_OPTION_VALUE = "okrbot.none"
FALLBACK_TEXT_MAX = 3000
STATUS_EMOJI = {
    "on_track": ":large_green_circle:",
    "at_risk": ":large_yellow_circle:",
    "off_track": ":red_circle:",
    "none": ":white_circle:",
}
INDENT = "\u2003"  # an em space: Slack collapses ordinary leading spaces
INPUT_MAX = 3000
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
_DUPLICATE_SUFFIX = re.compile(r"~\d+$")


def escape(text: str) -> str:
    """Slack's three control characters as entities: user text can never become markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str, bold: Sequence[Span] = ()) -> str:
    """Neutral text as escaped Slack mrkdwn, its bold spans as `*bold*`."""
    if not bold:
        return escape(text)
    return "".join(
        _bold(escape(piece)) if strong else escape(piece) for piece, strong in segments(text, bold)
    )


def _bold(text: str) -> str:
    """`*text*`, with surrounding spaces outside the stars (Slack ignores `* x *`)."""
    core = text.strip()
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}*{core}*{text[start + len(core) :]}"


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in '…' when cut, never inside an entity, an emoji
    sequence or a letter with its combining marks."""
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", head(text, limit - 1)) + "…"


def action_id_of(slack_action_id: str) -> str:
    """The neutral action id of a clicked element (drops the suffix that kept it unique)."""
    return _DUPLICATE_SUFFIX.sub("", slack_action_id)


def _text(text: str, limit: int = SECTION_MAX, bold: Sequence[Span] = ()) -> SlackBlock:
    return {"type": "mrkdwn", "text": clip(mrkdwn(text, bold), limit) or " "}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def _progress_line(block: Progress) -> str:
    bar = f"`{text_bar(block.percent)}` {percent_text(block.percent)}"
    label = mrkdwn(block.label, block.bold)
    detail = f"  _{mrkdwn(block.detail)}_" if block.detail else ""
    return f"{INDENT * block.indent}{STATUS_EMOJI[block.status]} {bar}  {label}{detail}"


def _buttons(buttons: list[Button]) -> Iterator[SlackBlock]:
    for start in range(0, len(buttons), BUTTONS_PER_ACTIONS):
        seen: dict[str, int] = {}
        elements: list[dict[str, Any]] = []
        for button in buttons[start : start + BUTTONS_PER_ACTIONS]:
            count = seen.get(button.action_id, 0)
            seen[button.action_id] = count + 1
            action_id = button.action_id if count == 0 else f"{button.action_id}~{count}"
            element: dict[str, Any] = {
                "type": "button",
                "action_id": action_id[:255],
                "text": _plain(button.label, BUTTON_TEXT_MAX),
                "value": button.value[:BUTTON_VALUE_MAX],
            }
            if button.style != "default":
                element["style"] = button.style
            elements.append(element)
        yield {"type": "actions", "elements": elements}


def _input(field: Input) -> SlackBlock:
    element: dict[str, Any]
    if field.options:
        options = [
            {"text": _plain(o.label, BUTTON_TEXT_MAX), "value": o.value[:150] or EMPTY_OPTION_VALUE}
            for o in field.options[:100]
        ]
        element = {"type": "static_select", "action_id": field.name, "options": options}
        initial = field.initial or EMPTY_OPTION_VALUE
        chosen = next((o for o in options if o["value"] == initial), None)
        if chosen is not None:
            element["initial_option"] = chosen
    else:
        element = {"type": "plain_text_input", "action_id": field.name}
        if field.multiline:
            element["multiline"] = True
        if field.max_length is not None:
            element["max_length"] = min(field.max_length, INPUT_MAX)
        if field.initial:
            element["initial_value"] = field.initial[: element.get("max_length", INPUT_MAX)]
    if field.placeholder:
        element["placeholder"] = _plain(field.placeholder, 150)
    return {
        "type": "input",
        "block_id": field.name,
        "label": _plain(field.label, 2000),
        "optional": field.optional,
        "element": element,
    }


def _convert(block: Block, locale: str) -> Iterator[SlackBlock]:
    match block:
        case Header(text=text):
            yield {"type": "header", "text": _plain(text, HEADER_MAX)}
        case Section(text=text, bold=bold):
            yield {"type": "section", "text": _text(text, bold=bold)}
        case Fields(items=items):
            for start in range(0, len(items), FIELDS_PER_SECTION):
                fields = [
                    {
                        "type": "mrkdwn",
                        "text": clip(f"*{mrkdwn(i.label)}*\n{mrkdwn(i.value)}", FIELD_MAX),
                    }
                    for i in items[start : start + FIELDS_PER_SECTION]
                ]
                yield {"type": "section", "fields": fields}
        case Progress():
            line = clip(_progress_line(block), SECTION_MAX)
            yield {"type": "section", "text": {"type": "mrkdwn", "text": line}}
        case Actions(buttons=buttons):
            yield from _buttons(buttons)
        case Context(text=text, bold=bold):
            yield {"type": "context", "elements": [_text(text, bold=bold)]}
        case Divider():
            yield {"type": "divider"}
        case Form(inputs=inputs, buttons=buttons):
            for field in inputs:
                if field.heading:
                    yield {"type": "section", "text": _text(field.heading)}
                yield _input(field)
            yield from _buttons(buttons)
        case Image(alt=alt):
            # A local file needs an upload first; until then the chart is named, not shown.
            yield {
                "type": "context",
                "elements": [_text(translate(locale, "slack.image", alt=alt))],
            }


def render_blocks(
    message: Message,
    *,
    locale: str = "en",
    max_blocks: int = MESSAGE_MAX_BLOCKS,
    max_chars: int = MESSAGE_MAX_CHARS,
) -> list[SlackBlock]:
    """The message's blocks within Slack's limits; what does not fit becomes a "more" line."""
    converted = [slack for block in message.blocks for slack in _convert(block, locale)]
    kept: list[SlackBlock] = []
    used = 0
    for index, block in enumerate(converted):
        size = len(json.dumps(block, ensure_ascii=False))
        room_for_more = 1 if index < len(converted) - 1 else 0
        if len(kept) + 1 + room_for_more > max_blocks or used + size > max_chars - 300:
            more = translate(locale, "slack.more", count=len(converted) - index)
            kept.append({"type": "context", "elements": [_text(more)]})
            break
        kept.append(block)
        used += size
    return kept


def fallback_text(message: Message) -> str:
    """The notification / screen-reader text of a message."""
    text = message.summary or next(
        (b.text for b in message.blocks if isinstance(b, Header | Section)), ""
    )
    return clip(mrkdwn(text), FALLBACK_TEXT_MAX)


def render_message(message: Message, *, locale: str = "en") -> dict[str, Any]:
    """`text` and `blocks` for chat.postMessage, chat.update, a response_url or an ack."""
    return {"text": fallback_text(message), "blocks": render_blocks(message, locale=locale)}


def render_home(message: Message, *, locale: str = "en") -> dict[str, Any]:
    """An App Home tab view."""
    blocks = render_blocks(message, locale=locale, max_blocks=SURFACE_MAX_BLOCKS, max_chars=100_000)
    return {"type": "home", "blocks": blocks}


def render_modal(
    message: Message,
    *,
    title: str,
    callback_id: str,
    locale: str = "en",
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str = "",
) -> dict[str, Any]:
    """A modal view showing the message; with `submit` it can be submitted as a form."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, MODAL_TITLE_MAX),
        "close": _plain(close or translate(locale, "slack.modal.close"), MODAL_TITLE_MAX),
        "blocks": render_blocks(
            message, locale=locale, max_blocks=SURFACE_MAX_BLOCKS, max_chars=100_000
        ),
        "private_metadata": private_metadata[:3000],
    }
    if submit is not None:
        view["submit"] = _plain(submit, MODAL_TITLE_MAX)
    return view
