"""Messages by name -> the neutral message model.

Each message has a typed builder (digests/messages/) that adds blocks and fills their text slots
from the catalogs. User data only ever fills a slot; nothing is rendered to text and parsed back,
so no character can change a message's structure.
"""

from __future__ import annotations

from typing import Any

from digests.i18n import translate
from digests.message import Message
from digests.messages import build


def render(template: str, *, locale: str, summary_key: str | None = None, **data: Any) -> Message:
    """The message `template` (a builder name under digests/messages) in `locale`."""
    draft = build(template, locale, data)
    if summary_key and not draft.summary:
        draft.summary = translate(locale, summary_key, **data)
    return draft.message()
