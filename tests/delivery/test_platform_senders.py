"""Slack and Feishu senders against a local rate-limited stub: 429s, dead letters, in-doubt
resends that do not duplicate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.delivery.outcome import Dead, Envelope, Sent, Throttled
from bot.feishu.api import build_client
from bot.feishu.credentials import FeishuCredentials
from bot.feishu.sender import FeishuSender
from bot.slack.sender import SlackSender, client_factory
from digests.message import Header, Message, Section
from tests.delivery.stub_platform import RateLimitedStub, serve

MESSAGE = Message(blocks=[Header(text="Check-in"), Section(text="How are your KRs?")])


@pytest.fixture
def stub() -> Iterator[RateLimitedStub]:
    with serve() as running:
        yield running


def envelope(outbox_id: int, recipient: str = "U1", *, in_doubt: bool = False) -> Envelope:
    return Envelope(
        outbox_id=outbox_id,
        workspace_id=1,
        person_id=1,
        recipient=recipient,
        locale="en",
        message=MESSAGE,
        in_doubt=in_doubt,
    )


def slack(stub: RateLimitedStub) -> SlackSender:
    return SlackSender(client_factory(base_url=stub.base_url + "/api/", bot_token="xoxb-1"))


def test_slack_posts_blocks_and_keeps_channel_and_ts(stub: RateLimitedStub) -> None:
    outcome = slack(stub).send(envelope(7))
    assert isinstance(outcome, Sent)
    assert outcome.ref
    assert outcome.ref.startswith("DU1:")
    assert stub.delivered == {7: 1}


def test_slack_in_doubt_message_already_posted_is_not_posted_again(stub: RateLimitedStub) -> None:
    sender = slack(stub)
    first = sender.send(envelope(7))
    again = sender.send(envelope(7, in_doubt=True))
    other = sender.send(envelope(8, in_doubt=True))
    assert again == first
    assert isinstance(other, Sent)
    assert stub.delivered == {7: 1, 8: 1}


def test_slack_429_is_throttled_with_retry_after(stub: RateLimitedStub) -> None:
    stub.limit = 0.001
    sender = slack(stub)
    assert isinstance(sender.send(envelope(1)), Sent)
    assert sender.send(envelope(2)) == Throttled(after=1.0, error="slack: ratelimited")


def test_slack_user_who_left_is_a_dead_letter(stub: RateLimitedStub) -> None:
    stub.errors["U9"] = "account_inactive"
    assert slack(stub).send(envelope(3, "U9")) == Dead("slack: account_inactive")


def feishu(stub: RateLimitedStub) -> FeishuSender:
    credentials = FeishuCredentials("cli_a", "secret", "token", "")
    return FeishuSender(build_client(credentials, stub.base_url))


def test_feishu_resend_with_the_same_outbox_id_lands_once(stub: RateLimitedStub) -> None:
    sender = feishu(stub)
    first = sender.send(envelope(5, "ou_1"))
    again = sender.send(envelope(5, "ou_1", in_doubt=True))
    assert isinstance(first, Sent)
    assert first == again
    assert stub.delivered == {5: 1}


def test_feishu_rate_limit_code_and_permanent_codes(stub: RateLimitedStub) -> None:
    sender = feishu(stub)
    stub.errors["ou_gone"] = "230013"
    assert isinstance(sender.send(envelope(6, "ou_gone")), Dead)
    stub.limit = 0.001
    stub._tokens = 0.0
    outcome = sender.send(envelope(7, "ou_1"))
    assert isinstance(outcome, Throttled)
    assert outcome.after == 1.0
