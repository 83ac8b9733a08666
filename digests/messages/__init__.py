"""Every message okrbot sends, by name: a typed builder each (see digests/compose.py).

A builder takes a `Draft` in the reader's language and the call's data as keyword arguments; it
adds blocks and takes every word from the catalogs. `render(name, locale=…, **data)` runs it.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
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


_loading = threading.Lock()
_loaded: list[bool] = [False]


def builder(name: str) -> Builder:
    """The builder of message `name` (KeyError when there is none).

    Every builder module is imported on first need, once, under a lock: a module imported
    on its own (or another thread half-way through loading them) must not make a missing
    name look final.
    """
    if name not in BUILDERS and not _loaded[0]:
        with _loading:
            if not _loaded[0]:
                for module in pkgutil.iter_modules(__path__):
                    importlib.import_module(f"{__name__}.{module.name}")
                _loaded[0] = True
    return BUILDERS[name]


def build(name: str, locale: str, data: dict[str, Any]) -> Draft:
    """Run the builder of `name` in `locale` on `data`."""
    draft = Draft(locale)
    builder(name)(draft, **data)
    return draft
