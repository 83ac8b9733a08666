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


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    english, chinese = catalog("en"), catalog("zh-CN")
    assert sorted(set(english) ^ set(chinese)) == []
    for key, text in english.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", chinese[key])), key


def test_every_catalog_key_used_in_templates_exists() -> None:
    used: set[str] = set()
    for template in (ROOT / "digests" / "templates").glob("*.j2"):
        used.update(re.findall(r"t\('([a-z_.]+)'", template.read_text(encoding="utf-8")))
    known = catalog("en")
    # A key ending in "." is a prefix the template completes ('okr.status.' ~ status).
    missing = [
        key
        for key in used
        if (key.endswith(".") and not any(k.startswith(key) for k in known))
        or (not key.endswith(".") and key not in known)
    ]
    assert sorted(missing) == []
