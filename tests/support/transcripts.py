"""Screenshot-like text of what Slack and Feishu show: a modal view's blocks and a card's
elements, drawn from the JSON okrbot sends (for the README, which a test keeps true)."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.text import display_width

WIDTH = 64


def _line(text: str) -> str:
    return f"│ {text}"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _field(label: str, shown: str) -> str:
    return _line(f"{_pad(label, 24)} [ {_pad(shown, 28)} ]")


def _slack_text(block: dict[str, Any]) -> str:
    text = block.get("text", {}).get("text", "")
    return html.unescape(re.sub(r"\*(.+?)\*", r"\1", text))


def slack_modal(view: dict[str, Any]) -> str:
    """A Slack modal as a box: title, sections, inputs with what they hold, the buttons."""
    title = view["title"]["text"]
    lines = [f"┌ {title} " + "─" * (WIDTH - display_width(title) - 3)]
    for block in view["blocks"]:
        kind = block["type"]
        if kind == "section":
            lines.append(_line(_slack_text(block)))
        elif kind == "context":
            lines.append(_line("  " + html.unescape(block["elements"][0]["text"])))
        elif kind == "input":
            element = block["element"]
            if element["type"] == "static_select":
                chosen = element.get("initial_option", {}).get("text", {}).get("text", "")
                shown = f"{chosen} ▾"
            else:
                shown = element.get("initial_value", "")
            lines.append(_field(block["label"]["text"], shown))
    buttons = f"[ {view['close']['text']} ]  [ {view['submit']['text']} ]"
    lines.append(_line(" " * (WIDTH - len(buttons) - 2) + buttons))
    lines.append("└" + "─" * (WIDTH - 1))
    return "\n".join(lines)


def _markdown(content: str) -> str:
    text = re.sub(r"<font[^>]*>(.*?)</font>", r"\1", content)
    return html.unescape(text.replace("**", ""))


def feishu_card(card: dict[str, Any]) -> str:
    """A Feishu card as a box: header, markdown, the form's inputs and buttons."""
    title = card["header"]["title"]["content"]
    lines = [f"┌ {title} " + "─" * (WIDTH - display_width(title) - 3)]

    def draw(elements: list[dict[str, Any]]) -> None:
        label = ""
        for index, element in enumerate(elements):
            tag = element["tag"]
            following = elements[index + 1]["tag"] if index + 1 < len(elements) else ""
            if tag == "markdown":
                text = _markdown(element["content"])
                if following == "select_static":
                    label = text  # a choice's label is drawn before it
                elif element.get("text_size") == "notation":
                    lines.append(_line("  " + text))
                else:
                    lines.append(_line(text))
            elif tag == "input":
                shown = element.get("default_value", "")
                lines.append(_field(element["label"]["content"], shown))
            elif tag == "select_static":
                chosen = next(
                    o["text"]["content"]
                    for o in element["options"]
                    if o["value"] == element.get("initial_option")
                )
                lines.append(_field(label, f"{chosen} ▾"))
            elif tag == "button":
                lines.append(_line(f"[ {element['text']['content']} ]"))
            elif tag == "form":
                draw(element["elements"])
            elif tag == "column_set":
                buttons = [c["elements"][0]["text"]["content"] for c in element["columns"]]
                lines.append(_line("  ".join(f"[ {b} ]" for b in buttons)))

    draw(card["body"]["elements"])
    lines.append("└" + "─" * (WIDTH - 1))
    return "\n".join(lines)
