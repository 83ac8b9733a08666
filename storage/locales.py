"""Which language a person reads: the rule every reply, digest and notice applies.

Platforms spell languages their own way (zh, zh_CN, zh-Hans, en_US …); okrbot speaks `en` and
`zh-CN`. A person reads their own language, else their workspace's, else the default.
"""

from __future__ import annotations

from typing import Protocol

LOCALES = ("en", "zh-CN")
DEFAULT_LOCALE = "en"


def normalise_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map platform spellings (zh, zh_CN, zh-Hans, en_US ...) to a supported locale."""
    if not value:
        return default
    lowered = value.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return default


class _Reader(Protocol):
    @property
    def locale(self) -> str | None: ...


class _Place(Protocol):
    @property
    def language(self) -> str | None: ...


def reader_locale(
    person: _Reader | None, workspace: _Place | None, default: str = DEFAULT_LOCALE
) -> str:
    """The language a person reads: their own, else their workspace's, else `default`."""
    fallback = normalise_locale(workspace.language if workspace else None, default)
    return normalise_locale(person.locale if person else None, fallback)
