"""One language per reply: every message rendered in Chinese has no English word, and in
English no Chinese character, outside what is not language (refs like KR-3, KPI codes, units,
people's names, product names); usage lines name the commands in the reader's language."""

from __future__ import annotations

import re

import pytest

from bot.feishu.card import render_card
from bot.slack.blockkit import render_message
from bot.text import render_text
from commands.grammar import VERBS, find_verb
from digests.i18n import catalog, translate
from digests.render import render
from tests.digests.message_samples import SAMPLES, Sample

# Words that are not English in a Chinese reply: names of products and of things.
NOT_ENGLISH = {
    "okr",
    "okrs",
    "kpi",
    "kpis",
    "kr",
    "krs",
    "hr",
    "okrbot",
    "slack",
    "ceo",
    "cnc",
    "ana",  # a person in the demo company
    "ctrl-d",
    "yyyy-mm-dd",
    "hh",  # HH:MM, a time's format
    "mm",
    "csv",
    "xlsx",
    "utf-8",
    "app.yaml",
}
# Refs (KR-3, O-12, KR-n, Q4, W48), KPI codes (LOSS_RATE), single letters (N, n, the k of 1.2k).
NOT_WORDS = re.compile(
    r"(?:KR|O)-(?:\d+|n)|Q[1-4]|H[12]|W\d{1,2}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Za-z]"
)
COMMAND_LINE = re.compile(r"`[^`]*`|okrbot(?: [a-z][a-z-]*)+|--[a-z-]+|\S+@\S+\.\w+|/tmp/\S+")
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\U00020000-\U0003ffff]")
USER = {"zh-CN": "李娜", "en": "Ana"}
# Messages a person never reads in chat: the command line's and file imports' reports.
CLI_ONLY = re.compile(
    r"^(?:[a-z_]+\.cli\.|import\.|doctor\.|kpi\.reject\.|secrets\.|okr_export\.|review\.cli\.)"
)


def english_words(text: str) -> list[str]:
    """The English words of a Chinese text, refs, codes, commands and names left out."""
    words = ENGLISH_WORD.findall(COMMAND_LINE.sub(" ", text))
    return [w for w in words if w.lower() not in NOT_ENGLISH and not NOT_WORDS.fullmatch(w)]


def texts_in(node: object) -> list[str]:
    """Every text a person reads in rendered Slack blocks or a Feishu card."""
    if isinstance(node, dict):
        found = [
            value
            for key, value in node.items()
            if key in ("text", "content", "placeholder") and isinstance(value, str)
        ]
        return found + [t for value in node.values() for t in texts_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in texts_in(item)]
    return []


def shown_everywhere(name: str, locale: str) -> str:
    """The message as text, as Slack blocks and as a Feishu card: what a person reads."""
    data = SAMPLES[name](Sample(locale, lambda: USER[locale]))
    message = render(name, locale=locale, **data)
    shown = [render_text(message)]
    shown += texts_in(render_message(message, locale=locale))
    shown += texts_in(render_card(message, locale=locale))
    markup = re.compile(r"<[^>]*>|&#?\w+;|:[a-z_]+:")  # tags, entities, Slack emoji names
    return "\n".join(markup.sub(" ", text) for text in shown)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_in_chinese_has_no_english_word(name: str) -> None:
    text = shown_everywhere(name, "zh-CN")
    assert english_words(text) == [], text


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_message_in_english_has_no_chinese_character(name: str) -> None:
    assert CJK.findall(shown_everywhere(name, "en")) == []


def test_chinese_catalog_messages_read_in_chat_have_no_english_word() -> None:
    found = {
        key: words
        for key, text in catalog("zh-CN").items()
        if not CLI_ONLY.match(key) and (words := english_words(re.sub(r"{\w+[^}]*}", "", text)))
    }
    assert found == {}


def test_english_catalog_has_no_chinese_outside_the_chinese_command_words() -> None:
    found = {key: text for key, text in catalog("en").items() if CJK.search(text)}
    assert found == {}


def test_usage_lines_name_the_commands_in_the_readers_language() -> None:
    for verb in VERBS:
        for locale in ("en", "zh-CN"):
            usage = translate(locale, f"usage.{verb.usage}")
            namespace, word = re.match(r"^/(\w+) (\S+)", usage).groups()
            assert find_verb(namespace, word) is not None, usage
            is_chinese = bool(CJK.search(word))
            assert is_chinese == (locale == "zh-CN"), (locale, usage)


def test_every_english_plural_agrees_with_its_number() -> None:
    one = {
        key: translate("en", key[: -len(".one")], **_numbers(key[: -len(".one")], 1))
        for key in catalog("en")
        if key.endswith(".one")
    }
    assert one
    for key, text in one.items():
        plural_nouns = r"objectives|KRs|key results|people|messages|problems|warnings"
        assert not re.search(rf"\b1 (?:\w+ )?(?:{plural_nouns})", text)
        assert "(s)" not in text, key
    assert translate("en", "okr_map.krs", count=1) == "1 KR"
    assert translate("en", "okr_map.krs", count=3) == "3 KRs"
    assert translate("en", "doctor.summary.problems", count=1) == "1 problem"
    assert translate("en", "doctor.summary.warnings", count=2) == "2 warnings"
    assert translate("zh-CN", "okr_map.krs", count=1) == translate("zh-CN", "okr_map.krs", count=1)
    assert "(s)" not in "".join(catalog("en").values())


def _numbers(key: str, count: int) -> dict[str, object]:
    """Every placeholder of a plural message filled: the counted one with `count`."""
    texts = [catalog("en")[f"{key}.{form}"] for form in ("one", "other")]
    names = {m for text in texts for m in re.findall(r"{(\w+)", text)}
    counted = catalog("en").get(f"{key}.plural", "count")
    return {name: count if name == counted else "x" for name in names | {counted}}
