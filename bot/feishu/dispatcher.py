"""The real lark-oapi event dispatcher, wired to the bot's callbacks."""

from __future__ import annotations

from typing import Any

import lark_oapi as lark
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

from bot.feishu.bot import FeishuBot
from bot.feishu.credentials import FeishuCredentials


def build_dispatcher(bot: FeishuBot, credentials: FeishuCredentials) -> Any:
    """An EventDispatcherHandler calling the bot for messages, bot menu clicks and card
    actions. Webhook bodies reach it already checked and decrypted (bot.feishu.verify), so it
    holds no encrypt key; it still holds the verification token, which it checks again."""

    def on_card_action(data: Any) -> Any:
        return P2CardActionTriggerResponse(bot.on_card_action(data))

    return (
        lark.EventDispatcherHandler.builder(
            "", credentials.verification_token, lark.LogLevel.WARNING
        )
        .register_p2_im_message_receive_v1(bot.on_message)
        .register_p2_application_bot_menu_v6(bot.on_menu)
        .register_p2_card_action_trigger(on_card_action)
        .build()
    )
