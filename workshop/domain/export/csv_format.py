"""Every assumption of a workshop as CSV: votes per team, measures, decisions and evidence.

One row per sticky note of every persona. A note in a group shows the group's title and the
group's decision (the group is what was decided), its own votes, and as evidence the links on
the note and on its group. `text` is the note's own wording, the one its votes were cast on;
the decided item's record (`domain/provenance.describe`) fills the facilitator's reason and
rewording, the minority view and the research flag, labelled as the app labels them. The last
two columns are the data check of the note (or its group) when it carries a claim: its
status and its figures in one sentence.

Every cell, the header's too, goes through `safe_cell` (OWASP "CSV Injection"): a cell that a
spreadsheet could run as a formula gets a leading apostrophe, and every cell is quoted so a
semicolon-locale spreadsheet cannot split one into two.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from workshop.domain import agreement, provenance
from workshop.domain.evidence import evidence_state
from workshop.domain.merge import board_records, item_measures, voting_teams

# A cell starting with one of these runs as a formula (OWASP); tab, CR and LF can hide one.
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n", "\0")
# Where a spreadsheet may start a new cell: a separator of some locale, or a line break.
CELL_BREAK = re.compile(r"([,;\t\r\n])")


def _starts_formula(text: str) -> bool:
    # NFKC turns fullwidth signs ("＝", "＋", "－", "＠") into the ASCII ones spreadsheets read;
    # leading spaces and quotes are what a spreadsheet may trim before reading the sign.
    return unicodedata.normalize("NFKC", text).lstrip(" \"'").startswith(FORMULA_STARTS)


def safe_cell(value: object) -> str:
    """A cell's text that no spreadsheet runs as a formula, whatever separator it splits on.

    An apostrophe goes before the cell when it starts with a formula sign or a control
    character, and after any separator that a formula follows ("x;=1+1" → "x;'=1+1"), so
    even a spreadsheet that splits the cell there finds text.
    """
    text = "" if value is None else str(value)
    pieces = CELL_BREAK.split(text)  # text, break, text, break, …
    for i in range(0, len(pieces), 2):
        if _starts_formula(pieces[i]) and not pieces[i].startswith("'"):
            pieces[i] = "'" + pieces[i]
    safe = "".join(pieces)
    return "'" + safe if safe.startswith(CONTROL_STARTS) else safe


def safe_row(values: list[object]) -> list[str]:
    """A row of safe cells."""
    return [safe_cell(value) for value in values]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


# Columns from the decided item's record, headed with the record's own labels.
RECORD_COLUMNS = {key: provenance.LABELS[key].lower()
                  for key in ("reason", "rewording", "dissent", "research")}


def columns(teams: list[str]) -> list[str]:
    """The header: fixed columns with agree/disagree/unsure per team in the middle."""
    per_team = [f"{team} {stance}" for team in teams for stance in agreement.STANCES]
    return ["persona", "category", "text", "author team", "group", *per_team, "voters", "dots",
            "agreement", "GAC", "contested", "decision", *RECORD_COLUMNS.values(),
            "evidence state", "supporting", "contradicting", "data check", "data figures"]


def _record_cells(record: dict | None) -> list[str]:
    """The reason, rewording, minority view and research flag of a decided item's record."""
    parts = {part.key: part.text for part in provenance.describe(record)} if record else {}
    if record and record["provenance"]["decision"]["decision"] == "reworded":
        parts["rewording"] = record["provenance"]["decision"]["text"]
    return [parts.get(key, "") for key in RECORD_COLUMNS]


def assumptions_csv(snapshot: dict, notes: list[dict], links: list[dict]) -> str:
    """All assumptions of the workshop, every persona, in board order, as CSV text."""
    teams = voting_teams(snapshot)
    records = board_records(snapshot, notes, links)
    on: dict[tuple[str, str], list[dict]] = {}  # links by what they are on
    for link in links:
        on.setdefault((link["target_type"], link["target_id"]), []).append(link)
    extra = sorted({team for a in snapshot["assumptions"]
                    for team in (a["votes"].get("tally") or {}) if team not in teams})
    all_teams = teams + extra  # a team that voted but has no member any more keeps a column
    personas = {p["id"]: p["name"] for p in snapshot["personas"]}
    groups = {g["id"]: g for g in snapshot["groups"]}
    # The data check of each note or group (issue 27): the claim's last visible result.
    checks = {c["target_id"]: c["result"] for c in snapshot.get("claims", [])
              if c["target_type"] != "field" and c.get("result")}
    team_of = {p["id"]: p["team"] for p in snapshot["participants"]}
    labels = {c["key"]: c["label"] for c in snapshot["categories"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(safe_row(columns(all_teams)))
    for note in snapshot["assumptions"]:
        group = groups.get(note.get("group_id") or "")
        decision = (group or note).get("decision") or {}
        mine = on.get(("assumption", note["id"]), []) + (
            on.get(("group", group["id"]), []) if group else [])
        check = checks.get(note["id"]) or (checks.get(group["id"]) if group else None)
        m = item_measures(note["votes"], teams)
        tally = note["votes"].get("tally") or {}
        per_team = [tally.get(team, {}).get(stance, 0)
                    for team in all_teams for stance in agreement.STANCES]
        row = [personas.get(note["persona_id"], note["persona_id"]),
               labels.get(note["category"], note["category"]), note["text"],
               team_of.get(note.get("author_id"), ""),
               group["title"] if group else "", *per_team, note["votes"].get("voters", 0),
               note["votes"].get("dots", 0), _number(m["agreement"]), _number(m["consensus"]),
               "yes" if m["contested"] else "no", decision.get("decision") or "",
               *_record_cells(records.get(("group", group["id"]) if group else
                                          ("assumption", note["id"]))),
               evidence_state(mine),
               sum(link["relation"] == "supports" for link in mine),
               sum(link["relation"] == "contradicts" for link in mine),
               check["status"].replace("_", " ") if check else "",
               check.get("summary", "") if check else ""]
        writer.writerow(safe_row(row))
    return out.getvalue()
