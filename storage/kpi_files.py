"""Reading KPI readings from CSV or Excel: a header row of id,kpi,scope,period,value.

`id` is optional; without it the row's content makes the id, so importing a file twice stores
each reading once.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

REQUIRED = ("kpi", "scope", "period", "value")


class KpiFileError(Exception):
    """The file as a whole cannot be read: `reason` is a catalog key under kpi.import.file."""

    def __init__(self, reason: str, **params: Any) -> None:
        super().__init__(reason)
        self.reason, self.params = reason, params


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, reading) for each data row; raises KpiFileError when unreadable."""
    rows = read_records(path, REQUIRED)
    for _, row in rows:
        if row.get("id") in (None, ""):
            row["id"] = content_id(row)
    return rows


def read_records(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """(line number, {column: value}) for each data row of a CSV or XLSX file whose header
    holds the `required` columns; raises KpiFileError when it cannot be read."""
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
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [name for name in required if name not in header]
    if missing:
        raise KpiFileError("missing_columns", columns=", ".join(missing))
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        row = {name: _cell(cells[i]) if i < len(cells) else None for i, name in enumerate(header)}
        rows.append((line, {k: v for k, v in row.items() if k}))
    return rows


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
