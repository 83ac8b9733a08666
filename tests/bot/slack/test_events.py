"""Events API: direct messages, retries, the bot's own messages, App Home."""

from __future__ import annotations

import json

from slack_sdk.models.views import View
from sqlalchemy.engine import Engine

from tests.bot.slack.conftest import Served
from tests.bot.slack.test_commands import check_ins, valid_blocks


def dm(user: str, text: str, **extra: str) -> dict[str, str]:
    return {"type": "message", "channel_type": "im", "channel": "D_ANA", "user": user,
            "text": text, "ts": "1700000000.000100"} | extra  # fmt: skip


def test_a_direct_message_is_answered_in_the_dm(served: Served, engine: Engine) -> None:
    assert served.event(dm("U_ANA", "okr update KR-1 3"), event_id="Ev1") == 200
    (posted,) = served.stub.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D_ANA"
    assert "KR-1" in valid_blocks(posted.params["blocks"])
    assert check_ins(engine) == 1


def test_a_retried_event_is_processed_once(served: Served, engine: Engine) -> None:
    event = dm("U_ANA", "/okr update KR-1 3")
    assert served.event(event, event_id="EvRetry") == 200
    assert served.event(event, event_id="EvRetry", retry=1) == 200
    assert served.event(event, event_id="EvRetry", retry=2) == 200
    served.event(dm("U_ANA", "/okr update KR-1 4"), event_id="EvNext")
    served.stub.wait_for("chat.postMessage", 2)
    assert len(served.stub.of("chat.postMessage")) == 2
    assert check_ins(engine) == 2


def test_the_bots_own_messages_are_ignored(served: Served, engine: Engine) -> None:
    own = dm("UBOT", "/okr update KR-1 3", bot_id="BBOT")
    assert served.event(own, event_id="EvOwn") == 200
    other_bot = dm("U_OTHER", "/okr update KR-1 3", bot_id="B_OTHER")
    assert served.event(other_bot, event_id="EvBot") == 200
    served.event(dm("U_ANA", "/okr"), event_id="EvHuman")
    (posted,) = served.stub.wait_for("chat.postMessage")
    assert "Win the EV segment" in json.dumps(posted.params["blocks"])
    assert check_ins(engine) == 0


def test_a_mention_is_answered_privately(served: Served) -> None:
    event = {"type": "app_mention", "channel": "C1", "user": "U_ANA",
             "text": "<@UBOT> okr list", "ts": "1.0"}  # fmt: skip
    served.event(event, event_id="EvMention")
    (posted,) = served.stub.wait_for("chat.postEphemeral")
    assert (posted.params["channel"], posted.params["user"]) == ("C1", "U_ANA")
    assert "Win the EV segment" in valid_blocks(posted.params["blocks"])


def test_app_home_shows_the_persons_okrs(served: Served) -> None:
    served.event({"type": "app_home_opened", "user": "U_ANA", "tab": "home"}, event_id="EvHome")
    (published,) = served.stub.wait_for("views.publish")
    assert published.params["user_id"] == "U_ANA"
    view = published.params["view"]
    assert View(**view).to_dict()["type"] == "home"
    text = valid_blocks(view["blocks"])
    assert "Win the EV segment" in text
    assert "KR-1 Sign new EV accounts" in text
    assert "Your KPIs" in text


def test_app_home_for_a_stranger_says_ask_your_admin(served: Served) -> None:
    served.event({"type": "app_home_opened", "user": "U_NEW", "tab": "home"}, event_id="EvH2")
    (published,) = served.stub.wait_for("views.publish")
    assert "Ask your admin" in json.dumps(published.params["view"])
