"""Writing a table of rows for HR as CSV or XLSX: one header row, then one row per dict.

Titles, notes and names are typed by anyone, and a spreadsheet runs a cell that starts with `=`
as a formula (`=HYPERLINK(…)` sends data away when clicked). Text cells are neutralised the
OWASP way — one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
`'` — in both formats, and XLSX text cells are stored as strings, never parsed. Numbers stay
numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: Any) -> Any:
    """A text cell that a spreadsheet cannot read as a formula; other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table(
    rows: list[dict[str, Any]],
    path: Path,
    file_format: str,
    *,
    columns: Sequence[str],
    sheet_title: str,
) -> Path:
    """CSV (UTF-8 with BOM, so Excel reads Chinese) or XLSX with a frozen header row.

    Missing keys are written as empty cells.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), restval="")
            writer.writeheader()
            writer.writerows(
                {column: neutralised(value) for column, value in row.items()} for row in rows
            )
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(list(columns))
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = neutralised(row.get(column))
            cell = sheet.cell(row=number, column=index, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, whatever it looks like
    sheet.freeze_panes = "A2"
    book.save(path)
    return path
