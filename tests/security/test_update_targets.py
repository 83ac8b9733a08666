"""Finding 6: the channel/ts of a click's `container` and the `origin` in a modal's
`private_metadata` are written by the client. okrbot edits a message in place only in the
clicking person's own conversation with it; a click naming any other message is answered through
Slack's response_url, and a modal naming another message as its origin edits nothing."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.conftest import TEAM, Served
from tests.bot.slack.test_interactive import click, served  # noqa: F401  (the fixture)

MANAGERS_REQUEST = {"channel_id": "D-LARA", "message_ts": "1699.42"}
ALERT_CHANNEL_POST = {"channel": "C_ALERTS", "ts": "1699.77"}


def test_a_click_naming_someone_elses_message_does_not_edit_it(served: Served) -> None:  # noqa: F811
    forged = click(served, ephemeral=False)
    forged["container"] = {"type": "message", "is_ephemeral": False, **MANAGERS_REQUEST}
    served.interactive(forged)
    (answered,) = served.stub.wait_for("response")
    assert "Approved" in json.dumps(answered.params["blocks"])
    assert served.stub.of("chat.update") == []


def test_a_click_in_the_own_conversation_still_edits_in_place(served: Served) -> None:  # noqa: F811
    served.interactive(click(served, ephemeral=False))
    (updated,) = served.stub.wait_for("chat.update")
    assert updated.params["channel"] == "D-OPENED"


def _submission(origin: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "test.form",
            "private_metadata": json.dumps({"value": "draft-1", "origin": origin}),
            "state": {"values": {}},
        },
    }


def test_a_modal_naming_another_message_as_its_origin_edits_nothing(served: Served) -> None:  # noqa: F811
    status, body = served.interactive(_submission(ALERT_CHANNEL_POST))
    assert status == 200
    assert "Created draft-1" in body
    assert all(c.params.get("channel") != "C_ALERTS" for c in served.stub.calls)
    assert served.stub.of("chat.update") == []


def test_a_modal_from_the_own_conversation_updates_its_origin(served: Served) -> None:  # noqa: F811
    served.interactive(_submission({"channel": "D-OPENED", "ts": "1700.1"}))
    (updated,) = served.stub.wait_for("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("D-OPENED", "1700.1")
