"""Text of Feishu messages: the bot's mention dropped, other mentions as @open_id."""

from __future__ import annotations

import json
from types import SimpleNamespace

from bot.feishu.inbound import command_text


def mention(key: str, open_id: str) -> SimpleNamespace:
    return SimpleNamespace(key=key, id=SimpleNamespace(open_id=open_id), name="x")


def test_leading_bot_mention_is_stripped_and_others_become_open_ids() -> None:
    content = json.dumps({"text": "@_user_1 okr list @_user_2"})
    mentions = [mention("@_user_1", "ou_bot"), mention("@_user_2", "ou_wei")]
    assert command_text(content, mentions) == "okr list @ou_wei"


def test_full_width_spaces_and_bad_content() -> None:
    assert command_text(json.dumps({"text": "  okr\u3000更新 1  3 "}), None) == "okr 更新 1 3"
    assert command_text("not json", None) == ""
