"""The validation backlog as CSV and Markdown: every trait on importance × evidence, and
the research questions asked about it (domain/backlog.py has the placement rules).

`meta["backlog"]` is `backlog.place(...)` of the exported document, with evidence as of
today; `meta["questions"]` the persona's research questions. The CSV goes through the same
`safe_cell` as the assumptions CSV, so no cell runs as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io

from workshop.domain import backlog, merge
from workshop.domain.export.csv_format import safe_cell

HEADER = ("trait", "section", "text", "quadrant", "important", "evidence", "rethink", "dots",
          "agreement", "question", "owner", "method", "due", "question_status")


def _rows(document: dict, meta: dict) -> list[tuple]:
    sections = {item["id"]: section["label"] for section in document["sections"]
                for item in section["items"]}
    placed = meta.get("backlog") or backlog.place(merge.all_items(document))
    asked: dict[str, list[dict]] = {}
    for question in meta.get("questions") or []:
        asked.setdefault(question["trait"], []).append(question)
    rows = []
    for entry in placed:
        share = entry["agreement"]
        base = (entry["id"], sections.get(entry["id"], ""), entry["text"],
                backlog.LABELS[entry["quadrant"]], "yes" if entry["important"] else "no",
                entry["evidence"], "yes" if entry["rethink"] else "no", entry["dots"],
                "" if share is None else f"{round(share * 100)}%")
        questions = asked.get(entry["id"]) or [None]
        for question in questions:
            if question is None:
                rows.append((*base, "", "", "", "", ""))
            else:
                rows.append((*base, question["question"], question["owner"],
                             question["method"], question["due"],
                             "closed" if question["closed"] else "open"))
    return rows


def backlog_csv(document: dict, meta: dict) -> bytes:
    """One row per trait and research question; the BOM makes spreadsheets read UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in HEADER])
    for row in _rows(document, meta):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _inline(text: str) -> str:
    """Text on one Markdown line, its Markdown and HTML characters escaped."""
    out = " ".join(str(text).split())
    for char in "\\`*_[]<>#|":
        out = out.replace(char, "\\" + char)
    return out


def backlog_markdown(document: dict, meta: dict) -> bytes:
    """The backlog by quadrant, research questions first."""
    name = document["identity"]["name"] or meta["persona_name"]
    out = [f"# Validation backlog: {_inline(name)}", "",
           f"*{_inline(meta['workshop_title'])} · version {meta['version']} · "
           f"{meta['status']}*", ""]
    rows = _rows(document, meta)
    by_cell: dict[str, list[tuple]] = {}
    for row in rows:
        by_cell.setdefault(row[3], []).append(row)
    for quadrant in backlog.QUADRANTS:
        label = backlog.LABELS[quadrant]
        cell = by_cell.get(label, [])
        out += [f"## {label} ({len({row[0] for row in cell})})", ""]
        if not cell:
            out += ["*None.*", ""]
            continue
        for row in cell:
            agreement = f", {row[8]} agree" if row[8] else ""
            rethink = " **Contradicted: rethink this trait.**" if row[6] == "yes" else ""
            out.append(f"- {_inline(row[2])} — {row[5]}, {row[7]} dots{agreement}.{rethink}")
            if row[9]:
                out.append(f"  - Research question ({row[13]}): {_inline(row[9])} "
                           f"Owner: {_inline(row[10])} · method: {_inline(row[11])} · "
                           f"due {row[12]}")
        out.append("")
    return "\n".join(out).encode()
