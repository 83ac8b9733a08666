"""Charts as images on Slack: each Image block of a reply is uploaded as a PNG file
(`files_upload_v2`: files.getUploadURLExternal, the upload, files.completeUploadExternal)
into the conversation, after the reply's text.

Slash commands and mentions are answered privately, so their charts go to the person's DM with
the bot, never to the channel the command was typed in (someone's figures are not for a room).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from digests.message import Image, Message

log = logging.getLogger("okrbot.slack")


def images_of(message: Message) -> list[Image]:
    """The Image blocks of a reply, each path once."""
    seen: dict[str, Image] = {}
    for block in message.blocks:
        if isinstance(block, Image) and block.path not in seen:
            seen[block.path] = block
    return list(seen.values())


def dm_channel(client: Any, user_id: str) -> str | None:
    """The id of the bot's DM with `user_id` (conversations.open), None when it fails."""
    try:
        response = client.conversations_open(users=user_id)
        return str(response["channel"]["id"])
    except Exception:
        log.warning("slack: could not open a DM for a chart", exc_info=True)
        return None


def upload_images(client: Any, *, channel: str | None, message: Message) -> list[str]:
    """Upload each chart of `message` to `channel`; the uploaded file ids. Never raises: a
    chart is a bonus, the text reply has already been given."""
    file_ids: list[str] = []
    if not channel:
        return file_ids
    for image in images_of(message):
        path = Path(image.path)
        try:
            response = client.files_upload_v2(
                channel=channel,
                file=str(path),
                filename=path.name,
                title=image.alt,
                alt_txt=image.alt,
            )
            file_ids.extend(str(f.get("id")) for f in response.get("files") or [])
        except Exception:
            log.warning("slack: chart upload failed", extra={"chart": path.name}, exc_info=True)
    return file_ids


def upload_to_dm(client: Any, *, user_id: str, message: Message) -> list[str]:
    """Upload the charts of a private reply to the person's DM (only opened when needed)."""
    if not images_of(message):
        return []
    return upload_images(client, channel=dm_channel(client, user_id), message=message)
