"""Writing a table of rows for HR as CSV or XLSX: one header row, then one row per dict."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any


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
            writer.writerows(rows)
        return path
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    sheet.freeze_panes = "A2"
    book.save(path)
    return path
