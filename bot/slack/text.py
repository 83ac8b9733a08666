"""Slack's message markup -> the plain command text the grammar reads.

Event text and slash-command text (`should_escape: true`) arrive in the same form:
`<@U1|ana>` for a mention, `<#C1|general>` for a channel, `<mailto:a@b|a@b>` for an email,
and `& < >` as `&amp; &lt; &gt;`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

MENTION = re.compile(r"<@([UW][A-Z0-9_]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(?:mailto:)?([^>|]+)(?:\|([^>]*))?>")


def mentioned(text: str) -> list[str]:
    """The Slack user ids mentioned in `text`, in order, each once."""
    return list(dict.fromkeys(m.group(1) for m in MENTION.finditer(text)))


def from_slack(
    text: str, *, bot_user_id: str | None = None, known: Collection[str] | None = None
) -> str:
    """`<@U1|ana>` -> `@U1`, `<#C1|general>` -> `#general`, `<mailto:a@b|a@b>` -> `a@b`,
    entities decoded; a leading mention of the bot itself (an app_mention) is dropped.

    `known`: the mentioned ids okrbot knows; any other mention keeps the name Slack showed
    (`@ana`), which the grammar can still match against names and emails.
    """
    if bot_user_id:
        text = re.sub(rf"^\s*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[\s:,]*", "", text)

    def user(match: re.Match[str]) -> str:
        user_id, label = match.group(1), match.group(2)
        if known is not None and user_id not in known and label:
            return f"@{label}"
        return f"@{user_id}"

    text = MENTION.sub(user, text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
