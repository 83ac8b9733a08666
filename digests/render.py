"""Jinja2 templates -> the neutral message model.

A template renders YAML: a list of blocks, one mapping each. User data goes through the
`tojson` filter, which makes it a safe, quoted YAML scalar, so no name or note can change the
structure of a message.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from digests import formatting
from digests.i18n import translate
from digests.message import Message

TEMPLATE_DIR = Path(__file__).parent / "templates"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def environment() -> jinja2.Environment:
    """The shared template environment (strict: a missing variable is an error)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = formatting.number
    env.filters["pct"] = formatting.percent_text
    env.filters["bar"] = formatting.text_bar
    return env


def render(template: str, *, locale: str, summary_key: str | None = None, **data: Any) -> Message:
    """Render `template` (a name under digests/templates, without `.yaml.j2`) into a Message."""

    def t(key: str, **params: Any) -> str:
        return translate(locale, key, **params)

    text = environment().get_template(f"{template}.yaml.j2").render(t=t, locale=locale, **data)
    loaded = yaml.load(text, Loader=_Loader) or {}
    if isinstance(loaded, list):
        loaded = {"blocks": loaded}
    if summary_key and "summary" not in loaded:
        loaded["summary"] = t(summary_key, **data)
    return Message.model_validate(loaded)
