"""Plain-text renderer: the console chat, logs, and fallbacks."""

from __future__ import annotations

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
                lines.append("=" * min(60, max(4, _display_width(text))))
            case Section(text=text):
                lines.append(_plain(text))
            case Fields(items=items):
                width = max(_display_width(item.label) for item in items) if items else 0
                for item in items:
                    pad = " " * (width - _display_width(item.label))
                    lines.append(f"{_plain(item.label)}:{pad} {_plain(item.value)}")
            case Progress(label=label, percent=pct, detail=detail, status=status, indent=indent):
                mark = _STATUS_MARK[status]
                suffix = f"  {_plain(detail)}" if detail else ""
                bar = f"{mark} {text_bar(pct)} {percent_text(pct):>6}"
                lines.append(f"{bar}  {'   ' * indent}{_plain(label)}{suffix}")
            case Actions(buttons=buttons):
                lines.append("  ".join(f"[{b.label}]" for b in buttons))
            case Context(text=text):
                lines.append(f"  {_plain(text)}")
            case Divider():
                lines.append("-" * 40)
            case Image(path=path, alt=alt):
                lines.append(f"[{alt}: {path}]")
            case Form(inputs=inputs, buttons=buttons):
                for field in inputs:
                    shown = field.initial or field.placeholder
                    lines.append(f"{_plain(field.label)}: [{_plain(shown)}]")
                lines.append("  ".join(f"[{b.label}]" for b in buttons))
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Drop the neutral `**bold**` markup."""
    return text.replace("**", "")


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) >= 0x1100 and _is_wide(ch) else 1 for ch in text)


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in {"W", "F"}
