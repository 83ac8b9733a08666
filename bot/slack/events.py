"""Events API: direct messages and mentions speak the same grammar; App Home opens.

Events are acked at once and handled after (lazy listeners), so Slack never retries for a
slow reply; retries that still come are dropped by the dedupe middleware (bot/slack/app.py).
"""

from __future__ import annotations

from typing import Any

from bot.slack.answers import Answers
from bot.slack.blockkit import render_message
from bot.slack.home import publish_home
from bot.slack.images import upload_images, upload_to_dm


def _from_a_bot(event: dict[str, Any]) -> bool:
    """Bots (okrbot itself included) and edits/joins are not people talking to okrbot."""
    return bool(event.get("bot_id") or event.get("subtype") or event.get("bot_profile"))


def register_events(app: Any, answers: Answers) -> None:
    """Route DMs, mentions and Home-tab opens to the core."""

    def ack_now(ack: Any) -> None:
        ack()

    def on_message(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        if _from_a_bot(event) or event.get("channel_type") != "im":
            return
        reply = answers.ask(
            client=client,
            team_id=body.get("team_id") or event.get("team") or "",
            user_id=event["user"],
            text=event.get("text") or "",
            event_id=body.get("event_id"),
            markup=True,
        )
        rendered = render_message(reply.message, locale=reply.locale)
        client.chat_postMessage(channel=event["channel"], **rendered)
        upload_images(client, channel=event["channel"], message=reply.message)

    def on_mention(body: dict[str, Any], event: dict[str, Any], client: Any, context: Any) -> None:
        if _from_a_bot(event):
            return
        reply = answers.ask(
            client=client,
            team_id=body.get("team_id") or "",
            user_id=event["user"],
            text=event.get("text") or "",
            event_id=body.get("event_id"),
            markup=True,
            bot_user_id=context.get("bot_user_id"),
        )
        # Answered privately: a channel is no place for someone's OKRs.
        rendered = render_message(reply.message, locale=reply.locale)
        client.chat_postEphemeral(channel=event["channel"], user=event["user"], **rendered)
        upload_to_dm(client, user_id=event["user"], message=reply.message)

    def on_home(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(
            answers, client=client, team_id=body.get("team_id") or "", user_id=event["user"]
        )

    app.event("message")(ack=ack_now, lazy=[on_message])
    app.event("app_mention")(ack=ack_now, lazy=[on_mention])
    app.event("app_home_opened")(ack=ack_now, lazy=[on_home])
