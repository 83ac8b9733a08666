"""Stored keywords said in the reader's language: audiences, roles, pay bands.

What okrbot stores stays one canonical keyword (`everyone`, `department:Sales`, `manager`);
what a person reads is always the catalog's word for it, in their language.
"""

from __future__ import annotations

from collections.abc import Mapping

from digests.i18n import Phrase, has_message, translate

AUDIENCE_KINDS = ("everyone", "managers", "no-checkin", "no-okrs")


def audience(locale: str, spec: str) -> str:
    """`everyone` → "everyone" / "全体"; `department:Sales,Ops` → "department Sales, Ops"."""
    said = audience_phrase(spec)
    return said if isinstance(said, str) else translate(locale, said.key, **dict(said.params))


def audience_phrase(spec: str) -> Phrase | str:
    """An audience spec as a Phrase said in the reader's language (an unknown spec as is)."""
    kind, _, arg = spec.partition(":")
    if kind in AUDIENCE_KINDS and not arg:
        return Phrase.of(f"hr.audience.name.{kind}")
    if kind in ("department", "dept") and arg:
        names = ", ".join(name.strip() for name in arg.split(",") if name.strip())
        return Phrase.of("hr.audience.name.department", names=names)
    if kind == "role" and arg:
        key = f"roles.{arg}"
        return Phrase.of(
            "hr.audience.name.role", role=Phrase.of(key) if has_message("en", key) else arg
        )
    return spec


def role(locale: str, name: str) -> str:
    """A role keyword (`hr_admin`) as a word ("HR admin" / "HR 管理员")."""
    key = f"roles.{name}"
    return translate(locale, key) if has_message(locale, key) else name


def band(locale: str, name: str) -> str:
    """A pay band's name as configured, in the reader's language when the catalog knows it
    (`deduction` → "扣减"); a company's own band name is shown as written."""
    key = f"kpi.band_name.{name.strip().lower()}"
    return translate(locale, key) if has_message(locale, key) else name


# Audit fields whose stored values are enum keywords, and the catalog that names them.
_FIELD_VALUES = {
    "status": "okr.status.",
    "confidence": "okr.confidence.",
    "state": "cycles.state.",
    "scope": "kpi.scope_kind.",
    "direction": "kpi.direction.",
    "frequency": "kpi.frequency.",
    "aggregation": "kpi.define.aggregation.",
    "role": "roles.",
    "source": "audit.source.",
}
AUDIT_VALUE_WIDTH = 60


def audit_action(locale: str, action: str) -> str:
    """An audit action keyword (`check_in`, `approval_approve`) as words."""
    key = "audit.action." + action.replace(".", "_")
    return translate(locale, key) if has_message(locale, key) else action


def source(locale: str, platform: str) -> str:
    """Where a change came from (`slack`, `console`, `api`) as words."""
    key = f"audit.source.{platform}"
    return translate(locale, key) if has_message(locale, key) else platform


def audit_value(locale: str, name: str, value: object) -> str:
    """One audited value as words: enum keywords translated, lists joined, long text cut."""
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return translate(locale, "audit.yes" if value else "audit.no")
    if isinstance(value, list):
        return ", ".join(audit_value(locale, name, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={audit_value(locale, k, v)}" for k, v in value.items())
    text = str(value)
    prefix = _FIELD_VALUES.get(name)
    if prefix and has_message(locale, prefix + text):
        text = translate(locale, prefix + text)
    elif isinstance(value, float) and value == int(value):
        text = str(int(value))
    if len(text) > AUDIT_VALUE_WIDTH:
        text = text[: AUDIT_VALUE_WIDTH - 1] + "…"
    return text


def audit_field(locale: str, name: str) -> str:
    """An audited field's name as words (`current_value` → "value" / "当前值")."""
    key = f"audit.field.{name}"
    return translate(locale, key) if has_message(locale, key) else name


def audit_changes(
    locale: str, before: Mapping[str, object] | None, after: Mapping[str, object] | None
) -> str:
    """`field: old → new` for each changed field, `field: value` for new ones, in words."""
    before, after = before or {}, after or {}
    colon, semicolon = ("：", "；") if locale.startswith("zh") else (": ", "; ")
    parts: list[str] = []
    for name in [*after, *(k for k in before if k not in after)]:
        label = audit_field(locale, name)
        if name in before and name in after:
            if before[name] != after[name]:
                old, new = (
                    audit_value(locale, name, before[name]),
                    audit_value(locale, name, after[name]),
                )
                parts.append(f"{label}{colon}{old} → {new}")
        elif name in after:
            parts.append(f"{label}{colon}{audit_value(locale, name, after[name])}")
        else:
            parts.append(f"{label}{colon}{audit_value(locale, name, before[name])} → ∅")
    return semicolon.join(parts)


_GONE = {"user_not_found", "account_inactive", "user_disabled", "channel_not_found", "is_archived"}
_BLOCKED = {"cannot_dm_bot", "messages_tab_disabled", "restricted_action", "user_is_bot"}
_TOO_LONG = {"invalid_blocks", "msg_too_long", "msg_blocks_too_long"}


def dead_reason(locale: str, error: str) -> str:
    """Why a message could not be delivered, as the delivery worker recorded it
    (`slack: user_not_found`, `feishu: 230013 …`, `no_identity`), in words."""
    _, colon, detail = error.partition(": ")
    code = detail.split(" ", 1)[0] if colon else error
    if error.startswith("gave up"):
        key = "gave_up"
    elif error in ("person_inactive", "no_identity"):
        key = error
    elif error.startswith("not_found"):
        key = "not_found"
    elif code in _GONE:
        key = "gone"
    elif code in _BLOCKED:
        key = "blocked"
    elif code in _TOO_LONG:
        key = "too_long"
    else:
        return translate(locale, "hr.status.reason.refused", code=error)
    return translate(locale, f"hr.status.reason.{key}")
