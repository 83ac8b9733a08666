"""Slack's message markup -> the plain command text the grammar reads."""

from __future__ import annotations

import re

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(?:mailto:)?([^>|]+)(?:\|([^>]*))?>")


def from_slack(text: str, *, bot_user_id: str | None = None) -> str:
    """`<@U1|ana>` -> `@U1`, `<mailto:a@b|a@b>` -> `a@b`, entities decoded; a leading
    mention of the bot itself (an app_mention) is dropped."""
    if bot_user_id:
        text = re.sub(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[\s:,]*", "", text)
    text = _USER.sub(r"@\1", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
