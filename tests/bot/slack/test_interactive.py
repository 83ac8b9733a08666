"""Buttons and modal submissions reach the core as Actions; clicks update the message in place."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk.models.views import View
from sqlalchemy.engine import Engine

from bot.core import Core
from bot.wiring import default_wiring
from commands.actions import Action
from commands.context import Context
from digests.message import Message, Section
from tests.bot.slack.conftest import TEAM, Company, Served, serve_slack
from tests.bot.slack.stub_slack import StubSlack
from tests.bot.slack.test_commands import valid_blocks


def approve(action: Action, ctx: Context) -> Message:
    text = f"Approved {action.value} by {ctx.person.name}"
    return Message(blocks=[Section(text=text, bold=((0, len("Approved")),))])


def form(action: Action, ctx: Context) -> Message:
    fields = ", ".join(f"{k}={v}" for k, v in sorted(action.form.items()))
    return Message(blocks=[Section(text=f"Created {action.value}: {fields}")])


@pytest.fixture
def served(engine: Engine, stub: StubSlack, company: Company) -> Iterator[Served]:
    """The Slack app, with two test buttons wired besides the product's."""
    wiring = default_wiring().with_actions({"test.approve": approve, "test.form": form})
    with serve_slack(engine, stub, core=Core(engine, wiring=wiring)) as running:
        yield running


def click(served: Served, *, ephemeral: bool, action_id: str = "test.approve") -> dict[str, object]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "trigger_id": "trig",
        "container": {
            "type": "message",
            "message_ts": "1700.1",
            "channel_id": "D-OPENED",
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": "D-OPENED"},
        "response_url": f"{served.stub.base_url}/response/click",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": "O-7",
                "action_ts": "1700.2",
            }
        ],
    }


def test_a_click_updates_the_message_in_place(served: Served) -> None:
    status, _ = served.interactive(click(served, ephemeral=False))
    assert status == 200
    (updated,) = served.stub.wait_for("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("D-OPENED", "1700.1")
    assert "*Approved* O-7 by Ana Lima" in valid_blocks(updated.params["blocks"])
    assert served.stub.of("chat.postMessage") == []


def test_a_click_on_an_ephemeral_message_replaces_it_through_response_url(
    served: Served,
) -> None:
    served.interactive(click(served, ephemeral=True, action_id="test.approve~1"))
    (replaced,) = served.stub.wait_for("response")
    assert replaced.params["replace_original"] is True
    assert "*Approved* O-7" in valid_blocks(replaced.params["blocks"])


def test_a_stale_button_gets_a_polite_reply(served: Served) -> None:
    served.interactive(click(served, ephemeral=False, action_id="gone.away"))
    (updated,) = served.stub.wait_for("chat.update")
    assert "no longer does anything" in json.dumps(updated.params["blocks"])


def test_a_modal_submission_reaches_the_core_with_its_form(served: Served) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "test.form",
            "private_metadata": "draft-1",
            "state": {
                "values": {
                    "b1": {"title": {"type": "plain_text_input", "value": "Grow <!channel>"}},
                    "b2": {
                        "unit": {"type": "static_select", "selected_option": {"value": "accounts"}}
                    },
                }
            },
        },
    }
    status, body = served.interactive(payload)
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    view = View(**answer["view"]).to_dict()
    text = json.dumps(view["blocks"])
    assert "Created draft-1: title=Grow &lt;!channel&gt;, unit=accounts" in text
