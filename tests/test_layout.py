"""Project rules: the layers import only downward and platform SDKs stay in bot/, every command
has usage text in both languages, and the catalogs of both languages have the same keys."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from commands.grammar import VERBS
from digests.i18n import LOCALES, catalog

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ["commands", "flows", "storage", "digests"]
LAYERS = ["bot", "flows", "commands", "digests", "storage"]  # each imports only those after it
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "lark_oapi")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_outside_bot_imports_a_platform_sdk() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for package in CORE_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in PLATFORM_SDKS
    ]
    assert offenders == []


def test_each_layer_imports_only_the_layers_below() -> None:
    """The import-linter contract (pyproject.toml, `make lint`), checked here without it:
    any import, at the top of a module or inside a function."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for position, package in enumerate(LAYERS)
        for path in (ROOT / package).rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in LAYERS[:position]
    ]
    assert offenders == []


def test_every_command_has_usage_in_every_language() -> None:
    for locale in LOCALES:
        messages = catalog(locale)
        missing = [verb.usage for verb in VERBS if f"usage.{verb.usage}" not in messages]
        assert missing == [], locale


def _messages(locale: str) -> dict[str, set[str]]:
    """Each message key with the placeholders of its text; a plural key (`key.one`,
    `key.other`, `key.plural`) counts once, with the placeholders of all its forms."""
    found: dict[str, set[str]] = {}
    for key, text in catalog(locale).items():
        stem, _, form = key.rpartition(".")
        if form in ("one", "other", "plural") and f"{stem}.other" in catalog(locale):
            key = stem
            text = "" if form == "plural" else text
        found.setdefault(key, set()).update(re.findall(r"{(\w+)", text))
    return found


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    english, chinese = _messages("en"), _messages("zh-CN")
    assert sorted(set(english) ^ set(chinese)) == []
    for key, placeholders in english.items():
        assert placeholders == chinese[key], key


def test_plural_forms_name_a_placeholder_of_their_message() -> None:
    for locale in LOCALES:
        messages = catalog(locale)
        for key, text in messages.items():
            if key.endswith(".other"):
                counted = messages.get(f"{key[: -len('.other')]}.plural", "count")
                assert "{" + counted + "}" in text, key


def test_every_catalog_key_used_in_message_builders_exists() -> None:
    used: set[str] = set()
    for builder in (ROOT / "digests" / "messages").glob("*.py"):
        source = builder.read_text(encoding="utf-8")
        used.update(re.findall(r"\bm\.[ts]\(\s*f?\"([a-z_.\-]+)", source))
    known = catalog("en")
    # A key ending in "." is a prefix the builder completes (f"okr.status.{status}").
    missing = [
        key
        for key in used
        if (key.endswith(".") and not any(k.startswith(key) for k in known))
        or (not key.endswith(".") and key not in known and f"{key}.other" not in known)
    ]
    assert len(used) > 250
    assert sorted(missing) == []
