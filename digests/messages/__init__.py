"""Every message okrbot sends, by name: a typed builder each (see digests/compose.py).

A builder takes a `Draft` in the reader's language and the call's data as keyword arguments; it
adds blocks and takes every word from the catalogs. `render(name, locale=…, **data)` runs it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from digests.compose import Draft

Builder = Callable[..., None]
BUILDERS: dict[str, Builder] = {}


def message(name: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the builder of message `name`."""

    def register(build: Builder) -> Builder:
        if name in BUILDERS:
            raise ValueError(f"two builders for message {name!r}")
        BUILDERS[name] = build
        return build

    return register


def builder(name: str) -> Builder:
    """The builder of message `name` (KeyError when there is none)."""
    if not BUILDERS:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    return BUILDERS[name]


def build(name: str, locale: str, data: dict[str, Any]) -> Draft:
    """Run the builder of `name` in `locale` on `data`."""
    draft = Draft(locale)
    builder(name)(draft, **data)
    return draft
