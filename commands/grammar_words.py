"""Chinese spellings of the keywords a person types, mapped to the canonical ones okrbot stores:
audiences (`全体`, `部门:销售`, `角色:经理`), roles, periods (`2026年11月`, `2026年第4季度`) and
cycle names (`2026年上半年`). Input is already normalised (NFKC, lower case)."""

from __future__ import annotations

import re

# Opening quote -> closing quote around a name with spaces: ASCII, curly, CJK corner brackets.
QUOTES = {'"': '"', "“": "”", "「": "」", "'": "'", "‘": "’", "『": "』"}
AUDIENCE_KINDS: dict[str, str] = {
    "全体": "everyone",
    "全员": "everyone",
    "所有人": "everyone",
    "大家": "everyone",
    "经理": "managers",
    "经理们": "managers",
    "管理者": "managers",
    "未更新": "no-checkin",
    "未打卡": "no-checkin",
    "未更新进展": "no-checkin",
    "无目标": "no-okrs",
    "没有目标": "no-okrs",
    "无okr": "no-okrs",
}
AUDIENCE_PREFIXES: dict[str, str] = {"部门": "department", "角色": "role"}
ROLES: dict[str, str] = {
    "员工": "employee",
    "经理": "manager",
    "hr管理员": "hr_admin",
    "hr": "hr_admin",
    "人事管理员": "hr_admin",
    "管理员": "admin",
}

_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$")
_QUARTER = re.compile(r"^(\d{4})年?(?:第)?(?:q)?([1-4])(?:季度|季)$|^(\d{4})年q([1-4])$")
_WEEK = re.compile(r"^(\d{4})年?第(\d{1,2})周$")
_YEAR = re.compile(r"^(\d{4})年(?:度)?$")
_HALF = re.compile(r"^(\d{4})年?(上|下)半年$")


def audience_spec(word: str) -> str:
    """`全体` → `everyone`; `部门:销售` → `department:销售`; `角色:经理` → `role:manager`.
    Anything else is returned unchanged."""
    word = word.replace("：", ":")
    if word in AUDIENCE_KINDS:
        return AUDIENCE_KINDS[word]
    kind, colon, arg = word.partition(":")
    if colon and kind in AUDIENCE_PREFIXES:
        canonical = AUDIENCE_PREFIXES[kind]
        return f"{canonical}:{ROLES.get(arg, arg) if canonical == 'role' else arg}"
    if kind == "role" and colon:
        return f"role:{ROLES.get(arg, arg)}"
    return word


def period_label(word: str) -> str:
    """`2026年11月` → `2026-11`, `2026年第4季度` → `2026-Q4`, `2026年第48周` → `2026-W48`,
    `2026年11月23日` → `2026-11-23`, `2026年` → `2026`; anything else unchanged."""
    if m := _DAY.match(word):
        return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m := _MONTH.match(word):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := _QUARTER.match(word):
        year, quarter = (m[1], m[2]) if m[1] else (m[3], m[4])
        return f"{year}-Q{quarter}"
    if m := _WEEK.match(word):
        return f"{m[1]}-W{int(m[2]):02d}"
    if m := _YEAR.match(word):
        return m[1]
    return word


def cycle_label(word: str) -> str:
    """A cycle name in Chinese as okrbot names cycles: `2026年第4季度` → `2026-q4`,
    `2026年上半年` → `2026-h1`, `2026年` → `2026`, `2026年11月` → `2026-11`."""
    if m := _HALF.match(word):
        return f"{m[1]}-h{1 if m[2] == '上' else 2}"
    if m := _YEAR.match(word):
        return m[1]
    label = period_label(word)
    return label.lower() if label != word else word
