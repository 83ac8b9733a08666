"""Message catalogs (en, zh-CN): flat dotted keys to str.format templates.

Each locale is a folder, digests/catalogs/<locale>/, of YAML files (one per area: core,
import, ...) merged into one mapping; nested keys are joined with dots.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from storage.locales import (  # the language rule lives with the data it reads
    DEFAULT_LOCALE,
    LOCALES,
    normalise_locale,
    reader_locale,
)

__all__ = ["DEFAULT_LOCALE", "LOCALES", "catalog", "normalise_locale", "reader_locale", "translate"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATALOG_DIR = Path(__file__).parent / "catalogs"


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


@cache
def catalog(locale: str) -> dict[str, str]:
    """All messages of one locale, keyed by dotted name."""
    flat: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / locale).glob("*.yaml")):
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        _flatten("", raw, flat)
    return flat


def translate(locale: str, key: str, /, **params: Any) -> str:
    """The message `key` in `locale` (falling back to English), with params filled in."""
    text = catalog(locale).get(key) or catalog(DEFAULT_LOCALE).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in the catalogs")
    return text.format(**params) if params else text


def has_message(locale: str, key: str) -> bool:
    """True when this locale's own catalog has the key (no fallback)."""
    return key in catalog(locale)
