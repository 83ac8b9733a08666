"""The answers people type to a question, in one place (English and Chinese): what confirms,
keeps the value already there, or skips. Matched after `grammar.normalise` (lower case,
half-width), so each set holds lower-case words."""

from __future__ import annotations

import unicodedata

from storage.models.enums import KpiDirection

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), any dash to '-', lower case: for matching only."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).lower()


CANCEL_WORDS = frozenset({"cancel", "/cancel", "stop", "取消", "算了", "退出流程"})
SUBMIT_WORDS = frozenset({"submit", "yes", "ok", "send", "提交", "确认", "是"})
ACCEPT_WORDS = frozenset(
    {"ok", "okay", "yes", "y", "accept", "好", "好的", "可以", "行", "是", "确认"}
)
DONE_WORDS = frozenset({"done", "finish", "完成", "好了", "结束"})
# Keep the value already there (a title, a score, a note written before).
KEEP_WORDS = frozenset({"keep", "same", "=", "保持", "不变", "没变"})
# A check-in answer that changes nothing (the value or the confidence stays as it is).
NO_CHANGE_WORDS = KEEP_WORDS | {"skip", "跳过", "no change", "nochange"}
# Nothing to add (no note, no comment).
SKIP_WORDS = frozenset({"-", "skip", "none", "no", "n/a", "无", "没有", "跳过", "不用"})
# No parent objective to align to.
NO_PARENT_WORDS = SKIP_WORDS | {"不对齐"}
# Which way a KPI is good (`/kpi define … direction lower`, `kpis[].direction` in app.yaml).
KPI_DIRECTION_WORDS: dict[str, KpiDirection] = {
    **dict.fromkeys(
        ["higher", "higher_is_better", "up", "increase", "越高越好", "高"],
        KpiDirection.HIGHER_IS_BETTER,
    ),
    **dict.fromkeys(
        ["lower", "lower_is_better", "down", "decrease", "越低越好", "低"],
        KpiDirection.LOWER_IS_BETTER,
    ),
}
