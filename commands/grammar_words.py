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


_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm|h)?$|^(\d{1,2})h(\d{2})$")
_CLOCK_ZH = re.compile(r"^(上午|早上|早晨|中午|下午|晚上)?(\d{1,2})(?:点|时)(半|(\d{1,2})分?)?$")
_AFTERNOON = {"下午", "晚上"}


def clock_time(word: str) -> str | None:
    """A time of day as HH:MM: `9:30`, `9am`, `3:15pm`, `21h`, `21h30`, `9点`, `9点半`,
    `下午3点`, `晚上8点30分`; None when the word is not one."""
    hour: int
    minute: int
    if m := _CLOCK.match(word):
        if m[4] is not None:
            hour, minute = int(m[4]), int(m[5])
        else:
            hour, minute = int(m[1]), int(m[2] or 0)
            if m[3] is None and m[2] is None:
                return None  # a bare number is not a time
            if m[3] in ("am", "pm"):
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if m[3] == "pm" else 0)
    elif m := _CLOCK_ZH.match(word):
        hour = int(m[2])
        minute = 30 if m[3] == "半" else int(m[4] or 0)
        if m[1] in _AFTERNOON and hour < 12:
            hour += 12
    else:
        return None
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"
