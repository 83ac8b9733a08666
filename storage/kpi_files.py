"""Reading KPI readings from CSV or Excel: a header row of id,kpi,scope,period,value.

`id` is optional; without it the row's content makes the id, so importing a file twice stores
each reading once.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from storage.file_headers import header_name

REQUIRED = ("kpi", "scope", "period", "value")
COLUMNS = ("id", *REQUIRED)
# Headers as business systems and HR spreadsheets name them, after `header_name`.
ALIASES = {
    **dict.fromkeys(["code", "kpi_code", "指标", "指标代码", "代码"], "kpi"),
    **dict.fromkeys(["范围", "对象"], "scope"),
    **dict.fromkeys(["周期", "期间", "月份"], "period"),
    **dict.fromkeys(["数值", "值", "实际", "实际值", "actual"], "value"),
    **dict.fromkeys(["编号", "reading_id"], "id"),
}


@dataclass
class Records:
    """A file's data rows as (line number, {column: value}), and the headers left out."""

    rows: list[tuple[int, dict[str, Any]]]
    ignored: list[str] = field(default_factory=list)


class KpiFileError(Exception):
    """The file as a whole cannot be read: `reason` is a catalog key under kpi.import.file."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params


def read_rows(path: Path) -> Records:
    """The readings of a file (each with an id) and the columns left out; raises KpiFileError
    when unreadable."""
    records = read_records(path, COLUMNS, REQUIRED, ALIASES)
    for _, row in records.rows:
        if row.get("id") in (None, ""):
            row["id"] = content_id(row)
    return records


def read_records(
    path: Path, known: tuple[str, ...], required: tuple[str, ...], aliases: dict[str, str]
) -> Records:
    """The data rows of a CSV or XLSX file whose header holds the `required` columns, with
    the `known` columns only (others are named in `ignored`); raises KpiFileError when it
    cannot be read."""
    if not path.exists():
        raise KpiFileError("missing")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        table = _xlsx(path)
    elif suffix == ".csv":
        table = _csv(path)
    else:
        raise KpiFileError("bad_type")
    if not table:
        raise KpiFileError("empty")
    written = [str(cell or "").strip() for cell in table[0]]
    header = [header_name(cell, aliases) for cell in written]
    missing = [name for name in required if name not in header]
    if missing:
        raise KpiFileError("missing_columns", columns=", ".join(missing))
    ignored = [w for w, name in zip(written, header, strict=True) if w and name not in known]
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        row = {
            name: _cell(cells[i]) if i < len(cells) else None
            for i, name in enumerate(header)
            if name in known
        }
        rows.append((line, row))
    return Records(rows, ignored)


def content_id(row: dict[str, Any]) -> str:
    """A stable id made of a row's content."""
    text = "|".join(str(row.get(name, "")).strip() for name in REQUIRED)
    return "import:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def _csv(path: Path) -> list[list[Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [list(row) for row in csv.reader(handle)]
    except UnicodeDecodeError:
        raise KpiFileError("not_text") from None
    except csv.Error as error:
        raise KpiFileError("unreadable", detail=str(error)) from None


def _xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise KpiFileError("unreadable", detail=str(error)) from None
    try:
        return [list(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()
