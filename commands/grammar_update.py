"""What a check-in line says: `/okr update KR-1 4, KR-2 6.2m at-risk supplier late; KR-3 2.5`,
and one answer of the guided check-in (`4 at-risk legal slow`, `same`, `skip`).

Confidence words count wherever they stand, with or without a space or hyphen, in English and
Chinese (`at risk`, `at-risk`, `atrisk`, `有风险`, `有 风险`); the plain words `ok`, `red`,
`risk` … only right after the value, where they always did. A line that could mean two things
(two confidences, a negated one, the same KR twice) is refused with the reason: a check-in is
never stored half-understood.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from commands.refs import KR_REF
from commands.types import CommandError, OkrUpdate, OkrUpdateMany, Value
from commands.values import parse_value
from storage.models.enums import Confidence

USAGE = "okr.update"

# Phrases recognised anywhere, written without spaces, hyphens or underscores.
PHRASES: dict[str, Confidence] = {
    **dict.fromkeys(["ontrack", "正常", "顺利", "按计划"], Confidence.ON_TRACK),
    **dict.fromkeys(["atrisk", "有风险"], Confidence.AT_RISK),
    **dict.fromkeys(["offtrack", "落后", "严重落后", "偏离"], Confidence.OFF_TRACK),
}
# Plain words that are a confidence only right after the value ("4 red tape" stays a note
# anywhere else).
WORDS_AFTER_VALUE: dict[str, Confidence] = {
    **dict.fromkeys(["ok", "green"], Confidence.ON_TRACK),
    **dict.fromkeys(["risk", "yellow", "风险"], Confidence.AT_RISK),
    **dict.fromkeys(["red", "behind"], Confidence.OFF_TRACK),
}
NEGATIONS = frozenset(
    {"not", "no", "never", "isn't", "isnt", "不", "没", "没有", "不是", "并非", "无", "非"}
)
SAME_WORDS = frozenset(
    {"same", "keep", "unchanged", "nochange", "=", "不变", "没变", "保持", "同上", "一样"}
)
SKIP_WORDS = frozenset({"skip", "pass", "跳过", "略过", "-"})

_JOINERS = str.maketrans("", "", " -_")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−－", "-"))
_EDGE_PUNCTUATION = ",;:.!?，；：。！？、()（）[]【】\"'“”‘’"
_CJK_PUNCTUATION = re.compile(r"[，；：。！？、]")
_SEPARATOR = re.compile(r"[,;，；]")
_EXPLICIT_REF = re.compile(r"\s*(?:kr[-‐‑‒–—−－]?\s?|[#＃])[0-9０-９]{1,9}(?=\s|$)", re.IGNORECASE)
# After `,` a bare KR number needs a space first (`1,000` is a number); after ; ， ； not.
_BARE_REF_AFTER_COMMA = re.compile(r"\s+([0-9０-９]{1,9})\s+(\S+)")
_BARE_REF = re.compile(r"\s*([0-9０-９]{1,9})\s+(\S+)")
# `; KR-x 5`: meant as a KR, but no KR ref: refused rather than kept as a note.
_BROKEN_REF = re.compile(r"\s*(kr[-‐‑‒–—−－]?\S*)", re.IGNORECASE)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES).lower()


@dataclass(frozen=True)
class Word:
    """A piece of the line with its place in the original text (`end` exclusive)."""

    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class Parts:
    """What one KR's part of a line says; `value` None means no change (`same`)."""

    value: Value | None
    confidence: Confidence | None
    note: str | None


def _words(text: str) -> list[Word]:
    """Words split at white space and at Chinese punctuation (`有风险，供应商延期` is two)."""
    found: list[Word] = []
    for match in re.finditer(r"\S+", text):
        start = match.start()
        for piece in _CJK_PUNCTUATION.split(match.group()):
            if piece:
                found.append(Word(_norm(piece), start, start + len(piece)))
            start += len(piece) + 1
    return found


def _bare(word: Word) -> str:
    return word.norm.strip(_EDGE_PUNCTUATION)


def _phrase_at(words: list[Word], index: int) -> tuple[Confidence, int] | None:
    """The confidence phrase starting at `words[index]` and how many words it takes."""
    one = _bare(words[index]).translate(_JOINERS)
    if one in PHRASES:
        return PHRASES[one], 1
    if index + 1 < len(words):
        two = (_bare(words[index]) + _bare(words[index + 1])).translate(_JOINERS)
        if two in PHRASES and not words[index].norm.endswith(tuple(_EDGE_PUNCTUATION)):
            return PHRASES[two], 2
    return None


def _typed(text: str, words: list[Word]) -> str:
    return text[words[0].start : words[-1].end].strip(_EDGE_PUNCTUATION)


def _confidences(text: str, words: list[Word]) -> tuple[list[tuple[Confidence, str]], set[int]]:
    """The confidence phrases in `words` (each with its text as typed), and the indexes of the
    words they take."""
    found: list[tuple[Confidence, str]] = []
    taken: set[int] = set()
    index = 0
    while index < len(words):
        phrase = _phrase_at(words, index)
        if phrase is None:
            index += 1
            continue
        confidence, size = phrase
        typed = _typed(text, words[index : index + size])
        if index > 0 and _bare(words[index - 1]) in NEGATIONS:
            said = _typed(text, words[index - 1 : index + size])
            raise CommandError("update.negated_confidence", {"text": said}, usage=USAGE)
        found.append((confidence, typed))
        taken.update(range(index, index + size))
        index += size
    return found, taken


def _one_confidence(found: list[tuple[Confidence, str]]) -> None:
    for confidence, typed in found[1:]:
        if confidence is not found[0][0]:
            params = {"first": found[0][1], "second": typed}
            raise CommandError("update.two_confidences", params, usage=USAGE)


def _note(text: str, words: list[Word], taken: set[int]) -> str | None:
    """The original text of the words not taken, with the taken ones cut out."""
    kept = [w for i, w in enumerate(words) if i not in taken]
    if not kept:
        return None
    pieces: list[str] = []
    position = kept[0].start
    for index, word in enumerate(words):
        if word.start < kept[0].start:
            continue
        if index in taken:
            before = text[position : word.start]
            # `waiting on legal, at risk` leaves `waiting on legal`, not `waiting on legal,`
            pieces.append(
                before.rstrip().rstrip(_EDGE_PUNCTUATION) + before[len(before.rstrip()) :]
            )
            position = word.end
            while position < len(text) and text[position] in _EDGE_PUNCTUATION:
                position += 1
    pieces.append(text[position : kept[-1].end])
    note = re.sub(r"[ \t\u3000]{2,}", " ", "".join(pieces)).strip()
    return note.lstrip(_EDGE_PUNCTUATION).strip() or None


def parse_parts(text: str, *, ref: str, allow_same: bool = False) -> Parts:
    """`VALUE [confidence] [note]` in any order of confidence and note (the value first of the
    rest); with `allow_same`, `same` (no change) may stand for the value."""
    words = _words(text)
    found, taken = _confidences(text, words)
    rest = [i for i in range(len(words)) if i not in taken]
    if not rest:
        raise CommandError("error.missing_value", {"ref": ref}, usage=USAGE)
    first = rest[0]
    value_text = _bare(words[first])
    value: Value | None
    second = rest[1] if len(rest) > 1 and rest[1] == first + 1 else None
    if allow_same and second is not None and value_text + _bare(words[second]) in SAME_WORDS:
        value, first = None, second  # `no change`: two words
        taken.add(rest[0])
    elif allow_same and value_text in SAME_WORDS:
        value = None
    else:
        try:
            value = parse_value(words[first].norm.rstrip(".,;:，；。"))
        except CommandError as error:
            error.usage = USAGE
            raise
    taken.add(first)
    following = next((i for i in rest if i > first), None)
    if following is not None and following == first + 1:
        plain = WORDS_AFTER_VALUE.get(_bare(words[following]))
        if plain is not None:
            found.append((plain, _typed(text, [words[following]])))
            taken.add(following)
    _one_confidence(found)
    confidence = found[0][0] if found else None
    return Parts(value, confidence, _note(text, words, taken))


def _split_points(text: str) -> list[int]:
    """Where a new KR starts: a separator followed by `KR-n` (or `#n`), or by a bare number
    and a value (`；2 5`, `, 2 5`)."""
    points: list[int] = []
    for match in _SEPARATOR.finditer(text):
        after = text[match.end() :]
        if _EXPLICIT_REF.match(after):
            points.append(match.start())
            continue
        broken = _BROKEN_REF.match(after)
        if broken is not None and re.match(r"kr(?:[-‐‑‒–—−－]|\d)", broken[1], re.IGNORECASE):
            raise CommandError("error.bad_kr_ref", {"ref": broken[1]}, usage=USAGE)
        pattern = _BARE_REF_AFTER_COMMA if match.group() == "," else _BARE_REF
        bare = pattern.match(after)
        if bare is not None and _is_value(bare[2]):
            points.append(match.start())
    return points


def _is_value(text: str) -> bool:
    try:
        parse_value(text.rstrip(".,;:，；。"))
    except CommandError:
        return False
    return True


def split_line(text: str) -> list[str]:
    """The parts of an update line, one per KR (the separators dropped)."""
    pieces, start = [], 0
    for point in _split_points(text):
        pieces.append(text[start:point])
        start = point + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _one(piece: str) -> OkrUpdate:
    match = re.match(r"\s*(\S+)", piece)
    if match is None:
        raise CommandError("error.missing_kr_ref", usage=USAGE)
    head = _norm(match[1]).rstrip(_EDGE_PUNCTUATION)
    ref = KR_REF.match(head)
    if ref is None:
        raise CommandError("error.bad_kr_ref", {"ref": head}, usage=USAGE)
    number = int(ref[1])
    rest = piece[match.end() :]
    if not rest.strip():
        raise CommandError("error.missing_value", {"ref": f"KR-{number}"}, usage=USAGE)
    parts = parse_parts(rest, ref=f"KR-{number}")
    assert parts.value is not None
    return OkrUpdate(number, parts.value, parts.confidence, parts.note)


def parse_update_line(text: str) -> OkrUpdate | OkrUpdateMany:
    """The text after `/okr update`: one KR, or several separated by , ; ， ；"""
    pieces = split_line(text)
    if not pieces:
        raise CommandError("error.missing_kr_ref", usage=USAGE)
    updates = [_one(piece) for piece in pieces]
    seen: set[int] = set()
    for update in updates:
        if update.kr_number in seen:
            raise CommandError("update.same_kr_twice", {"ref": f"KR-{update.kr_number}"}, USAGE)
        seen.add(update.kr_number)
    return updates[0] if len(updates) == 1 else OkrUpdateMany(tuple(updates))
