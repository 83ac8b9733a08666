"""Plain-text renderer: the console chat, logs, and fallbacks.

Text slots arrive cleaned (digests/message.py): no control character can reach the terminal,
and one-line slots hold no line breaks, so user text cannot forge a line of its own.
"""

from __future__ import annotations

import unicodedata

from digests.formatting import percent_text, text_bar
from digests.message import (
    Actions,
    Context,
    Divider,
    Fields,
    Form,
    Header,
    Image,
    Message,
    Progress,
    Section,
)

_STATUS_MARK = {"on_track": "●", "at_risk": "▲", "off_track": "✖", "none": " "}


def render_text(message: Message) -> str:
    """Render a message as plain text, one block per paragraph."""
    lines: list[str] = []
    for block in message.blocks:
        match block:
            case Header(text=text):
                lines.append(text)
                lines.append("=" * min(60, max(4, display_width(text))))
            case Section(text=text):
                lines.append(text)
            case Fields(items=items):
                width = max(display_width(item.label) for item in items) if items else 0
                for item in items:
                    pad = " " * (width - display_width(item.label))
                    lines.append(f"{item.label}:{pad} {item.value}")
            case Progress(label=label, percent=pct, detail=detail, status=status, indent=indent):
                mark = _STATUS_MARK[status]
                suffix = f"  {detail}" if detail else ""
                bar = f"{mark} {text_bar(pct)} {percent_text(pct):>6}"
                lines.append(f"{bar}  {'   ' * indent}{label}{suffix}")
            case Actions(buttons=buttons):
                lines.append("  ".join(f"[{b.label}]" for b in buttons))
            case Context(text=text):
                lines.append("\n".join(f"  {line}" for line in text.split("\n")))
            case Divider():
                lines.append("-" * 40)
            case Image(path=path, alt=alt):
                lines.append(f"[{alt}: {path}]")
            case Form(inputs=inputs, buttons=buttons):
                for field in inputs:
                    if field.heading:
                        lines.append(field.heading)
                    labels = {o.value: o.label for o in field.options}
                    shown = labels.get(field.initial) or field.initial or field.placeholder
                    lines.append(f"{field.label}: [{shown}]")
                lines.append("  ".join(f"[{b.label}]" for b in buttons))
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK, most emoji) characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufe0f":
            continue
        width += 2 if ord(char) >= 0x1100 and unicodedata.east_asian_width(char) in "WF" else 1
    return width
