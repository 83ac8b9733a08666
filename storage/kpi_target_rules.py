"""The checks a KPI target passes before it is stored, kept free of the database so app.yaml
is validated at load: a scope that names a level, a period, thresholds on the bad side."""

from __future__ import annotations

import unicodedata

from storage import periods
from storage.kpi_math import is_worse
from storage.models.enums import KpiDirection, KpiScope

SCOPE_WORDS = {
    "company": KpiScope.COMPANY,
    "公司": KpiScope.COMPANY,
    "全公司": KpiScope.COMPANY,
    "department": KpiScope.DEPARTMENT,
    "dept": KpiScope.DEPARTMENT,
    "部门": KpiScope.DEPARTMENT,
    "person": KpiScope.PERSON,
    "个人": KpiScope.PERSON,
    "人员": KpiScope.PERSON,
}


class TargetError(Exception):
    """A target that cannot be set: `reason` is a catalog key under kpi.target.error."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason, params)
        self.reason = reason
        self.params = params


def parse_scope_text(text: str) -> tuple[KpiScope, str]:
    """`company` → (COMPANY, ""); `department:Sales` → (DEPARTMENT, "Sales"); `部门：销售`,
    `person:li.na@example.com` likewise. TargetError("bad_scope") otherwise."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    kind, _, name = cleaned.partition(":")
    scope = SCOPE_WORDS.get(kind.strip().lower())
    if scope is None or (scope is KpiScope.COMPANY) != (not name.strip()):
        raise TargetError("bad_scope", scope=text)
    return scope, name.strip()


def check_thresholds(
    direction: KpiDirection, target: float, warning: float | None, critical: float | None
) -> None:
    """Thresholds on the bad side of the target, critical beyond warning; else TargetError."""
    worse = "above" if direction is KpiDirection.LOWER_IS_BETTER else "below"
    for name, value in (("warning", warning), ("critical", critical)):
        if value is not None and not is_worse(direction, value, target) and value != target:
            raise TargetError(f"{name}_{worse}", value=_shown(value), target=_shown(target))
    if warning is not None and critical is not None and is_worse(direction, warning, critical):
        raise TargetError(
            f"critical_beyond_{worse}", warning=_shown(warning), critical=_shown(critical)
        )


def _shown(value: float) -> str:
    """A number as people typed it: 4.5, 5, 1200000."""
    return f"{value:f}".rstrip("0").rstrip(".")


def check_period(label: str | None) -> str:
    """The canonical period label (`*` for none); TargetError("bad_period") when invalid."""
    if label is None or not label.strip():
        return periods.EVERY
    if not periods.is_valid(label):
        raise TargetError("bad_period", period=label)
    return periods.normalise(label)
