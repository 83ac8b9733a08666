"""The review report as files for HR: one row per KR (CSV, Excel) or the report in Markdown.

Markdown draws the sections of REVIEW_SECTIONS: summary and objectives as lists and tables, any
other kind as its title and lines (see digests/review_report.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from digests.review_report import (
    ReviewFacts,
    kr_percent,
    objective_score,
    sections_for,
    sparkline,
)
from storage import table_files
from storage.models import Metric

COLUMNS = (
    "cycle",
    "owner_email",
    "owner",
    "objective",
    "objective_title",
    "key_result",
    "key_result_title",
    "start",
    "final",
    "target",
    "unit",
    "progress_pct",
    "owner_score",
    "manager_score",
    "objective_owner_score",
    "objective_manager_score",
    "sparkline",
    "worked",
    "did_not",
    "next_steps",
    "manager_comment",
)


def kr_rows(facts: ReviewFacts) -> list[dict[str, Any]]:
    """One row per KR for CSV and Excel (numbers as numbers, empty scores as None)."""
    rows: list[dict[str, Any]] = []
    for line in facts.objectives:
        objective, review = line.objective, line.review
        owner = facts.people.get(objective.owner_person_id or 0)
        for k in line.krs:
            kr = k.kr
            rows.append(
                {
                    "cycle": facts.cycle.name,
                    "owner_email": owner.email if owner else "",
                    "owner": line.owner,
                    "objective": f"O-{objective.number}",
                    "objective_title": objective.title,
                    "key_result": f"KR-{kr.number}",
                    "key_result_title": kr.title,
                    "start": kr.start_value,
                    "final": kr.current_value,
                    "target": kr.target_value,
                    "unit": kr.unit or ("%" if kr.metric is Metric.PERCENT else ""),
                    "progress_pct": kr_percent(kr),
                    "owner_score": k.owner_score,
                    "manager_score": k.manager_score,
                    "objective_owner_score": objective_score(line.krs, "owner"),
                    "objective_manager_score": objective_score(line.krs, "manager"),
                    "sparkline": sparkline(k.shares()),
                    "worked": (review.worked if review else None) or "",
                    "did_not": (review.did_not if review else None) or "",
                    "next_steps": (review.next_steps if review else None) or "",
                    "manager_comment": (review.manager_comment if review else None) or "",
                }
            )
    return rows


def write_table(rows: list[dict[str, Any]], path: Path, file_format: str) -> Path:
    """Write the rows as CSV or XLSX under the COLUMNS header."""
    return table_files.write_table(rows, path, file_format, columns=COLUMNS, sheet_title="review")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(facts: ReviewFacts) -> str:
    """The report's sections as Markdown: a table of KRs per objective, notes as a list; a
    section of another kind as its title and lines."""
    tr = facts.t
    out = [f"# {tr('review.report.title', title=facts.title, cycle=facts.cycle.name)}", ""]
    for section in sections_for(facts):
        if section["kind"] == "summary":
            done = {k: section[k] for k in ("owner_scored", "manager_scored")}
            total = section["key_results"]
            out += [
                f"- {tr('review.report.objectives')}: {section['objectives']}",
                f"- {tr('review.report.owner_scored')}: "
                + tr("review.report.of", done=done["owner_scored"], total=total),
                f"- {tr('review.report.manager_scored')}: "
                + tr("review.report.of", done=done["manager_scored"], total=total),
                "",
            ]
        elif section["kind"] == "objectives":
            for o in section["items"]:
                owner = f" · {o['owner']}" if o["owner"] else ""
                scores = tr(
                    "review.report.scores", owner=o["owner_score"], manager=o["manager_score"]
                )
                out += [f"## {o['ref']} {_cell(o['title'])}{owner}", ""]
                out += [f"{tr('review.report.overall')}: {o['percent']}% · {scores}", ""]
                head = [
                    tr("review.cli.md_kr"),
                    tr("review.cli.md_final"),
                    tr("review.cli.md_progress"),
                    tr("review.cli.md_owner"),
                    tr("review.cli.md_manager"),
                    tr("review.cli.md_trend"),
                ]
                out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                for kr in o["key_results"]:
                    cells = [
                        f"{kr['ref']} {kr['title']}",
                        f"{kr['final']} / {kr['target']}",
                        f"{kr['percent']}%",
                        kr["owner_score"],
                        kr["manager_score"],
                        kr["sparkline"],
                    ]
                    out.append("| " + " | ".join(_cell(str(c)) for c in cells) + " |")
                out.append("")
                for key in ("worked", "did_not", "next_steps", "comment"):
                    if o[key]:
                        out.append(f"- {tr('review.note.' + key, text=_cell(o[key]))}")
                out.append("")
        else:
            if section.get("title"):
                out += [f"## {section['title']}", ""]
            out += [f"- {line}" for line in section.get("lines", [])]
            out.append("")
    return "\n".join(out).rstrip() + "\n"
