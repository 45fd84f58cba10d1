"""Every assumption of a workshop as CSV: votes per team, measures, decisions and evidence.

One row per sticky note of every persona. A note in a group shows the group's title and the
group's decision (the group is what was decided), its own votes, and as evidence the links on
the note and on its group. Cells that a spreadsheet would run as a formula (starting with
=, +, -, @, tab or carriage return) get a leading apostrophe, as OWASP's "CSV Injection"
advises; the rest is quoted by the csv module.
"""

from __future__ import annotations

import csv
import io

from workshop.domain import agreement
from workshop.domain.evidence import evidence_state
from workshop.domain.merge import item_measures, voting_teams

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell's text that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def columns(teams: list[str]) -> list[str]:
    """The header: fixed columns with agree/disagree/unsure per team in the middle."""
    per_team = [f"{team} {stance}" for team in teams for stance in agreement.STANCES]
    return ["persona", "category", "text", "author team", "group", *per_team, "voters", "dots",
            "agreement", "GAC", "contested", "decision", "reason", "reworded text",
            "evidence state", "supporting", "contradicting"]


def assumptions_csv(snapshot: dict, notes: list[dict], links: list[dict]) -> str:
    """All assumptions of the workshop, every persona, in board order, as CSV text.

    `notes` (research notes) are accepted for symmetry with the other exports; the counts
    come from `links`.
    """
    del notes  # titles of notes are not part of this table
    teams = voting_teams(snapshot)
    extra = sorted({team for a in snapshot["assumptions"]
                    for team in (a["votes"].get("tally") or {}) if team not in teams})
    all_teams = teams + extra  # a team that voted but has no member any more keeps a column
    personas = {p["id"]: p["name"] for p in snapshot["personas"]}
    groups = {g["id"]: g for g in snapshot["groups"]}
    team_of = {p["id"]: p["team"] for p in snapshot["participants"]}
    labels = {c["key"]: c["label"] for c in snapshot["categories"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(all_teams))
    for note in snapshot["assumptions"]:
        group = groups.get(note.get("group_id") or "")
        decision = (group or note).get("decision") or {}
        mine = [link for link in links
                if (link["target_type"], link["target_id"]) == ("assumption", note["id"])
                or (group and (link["target_type"], link["target_id"]) == ("group",
                                                                          group["id"]))]
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
               decision.get("reason") or "", decision.get("text") or "", evidence_state(mine),
               sum(link["relation"] == "supports" for link in mine),
               sum(link["relation"] == "contradicts" for link in mine)]
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
