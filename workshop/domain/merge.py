"""The persona document: built from a persona's accepted board items, then edited by people.

Document shape (JSON-ready; `json_format` holds its schema)::

    {
      "persona_id": str,
      "identity": {"name": str, "quote": str, "story": str (Markdown), "role": str,
                   "age_range": str, "location": str,
                   "picture": None | {"kind": "upload", "media_type": "image/png"|"image/jpeg"
                                      |"image/webp", "data": str (base64)}},
      "sections": [                     # board order; categories without accepted items left out
        {"category": str (key), "label": str,
         "items": [{"id": "a:<assumption id>" | "g:<group id>", "text": str (editable),
                    "provenance": PROVENANCE}]}
      ]
    }

PROVENANCE (fixed at merge time; people edit `text` only)::

    {"kind": "assumption"|"group", "original": str (the note's text or group title),
     "sources": [{"id", "text", "team": str | None}],   # the notes, with their author's team
     "believers": [team],                                # teams leaning agree
     "votes": {"tally": {team: {"agree", "disagree", "unsure"}}, "agreement": float|None,
               "consensus": float|None (GAC), "dots": int, "voters": int},
     "contested": bool,
     "dissent": None | {"teams": [{"team", "agree", "disagree", "unsure"}]},
     "decision": {"decision", "reason", "text", "by", "by_name", "at"},
     "evidence": [{"id", "note_id", "note_title", "source_type", "date", "relation", "quote"}],
     "evidence_state": "validated"|"contradicted"|"untested",
     "research_pending": bool}   # evidence.research_pending, refreshed by with_research_flags

`votes` were cast on `original` (a group's on its notes); the facilitator's reason is
`decision.reason` only (older documents also copied it into `dissent.reason`: read it from
`decision`). `domain/provenance.describe` says all of this in labelled parts.

A picture of None means "use the generated avatar" (`domain/avatar.py`). Identity-category
items go into the "identity" section; the identity fields start empty for people to fill in.
Items of a category are ordered by group-aware consensus (highest first, unknown last), then
priority dots (most first), then board order (seq).
"""

from __future__ import annotations

import copy

from workshop.domain import agreement
from workshop.domain.categories import category_label
from workshop.domain.evidence import (
    board_items,
    evidence_state,
    figures,
    is_accepted,
    links_by_item,
    links_for,
    required_categories,
    research_pending,
)
from workshop.domain.persona_data import persona_data

IDENTITY_FIELDS = ("name", "quote", "story", "role", "age_range", "location")
IDENTITY_LABELS = {"name": "Name", "quote": "Quote", "story": "Story", "role": "Role",
                   "age_range": "Age range", "location": "Location"}
PICTURE_TYPES = ("image/png", "image/jpeg", "image/webp")


def voting_teams(snapshot: dict) -> list[str]:
    """Teams that have a participant, in the workshop's order: the teams GAC runs over."""
    present = {p["team"] for p in snapshot["participants"] if p.get("team") and
               not p.get("removed")}
    return [team for team in snapshot["workshop"]["teams"] if team in present]


def stance_pairs(tally: dict) -> list[tuple[str, str]]:
    """A `votes.tally` ({team: {agree, disagree, unsure}}) as (team, stance) pairs."""
    return [(team, stance) for team, counts in tally.items()
            for stance in agreement.STANCES for _ in range(counts.get(stance, 0))]


def item_measures(votes: dict, teams: list[str]) -> dict:
    """`agreement.measures` of an item from its snapshot `votes` (blind votes count as none)."""
    return agreement.measures(stance_pairs(votes.get("tally") or {}), teams)


def _order_key(entry: dict) -> tuple:
    consensus = entry["measures"]["consensus"]
    # Unknown consensus sorts after every known value; then more dots first; then board order.
    return (consensus is None, -(consensus or 0.0), -entry["dots"], entry["seq"])


def _evidence(item_links: list[dict], notes: dict[str, dict]) -> list[dict]:
    out = []
    for link in item_links:
        # A data check (evidence.data_links) names its dataset itself.
        note = notes.get(link["note_id"]) or {"title": link.get("note_title", ""),
                                               "source_type": link.get("source_type"),
                                               "date": link.get("date")}
        out.append({"id": link["id"], "note_id": link["note_id"],
                    "note_title": note.get("title", ""), "source_type": note.get("source_type"),
                    "date": note.get("date"), "relation": link["relation"],
                    "quote": link.get("quote") or ""})
    return out


def _provenance(entry: dict, snapshot: dict, notes: dict[str, dict], links: list[dict]) -> dict:
    item, board, m = entry["item"], entry["board"], entry["measures"]
    people = {p["id"]: p for p in snapshot["participants"]}
    if item["type"] == "group":
        sources = [a for a in snapshot["assumptions"] if a.get("group_id") == item["id"]]
        original = board["title"]
    else:
        sources, original = [board], board["text"]
    tally = {team: {s: t[s] for s in agreement.STANCES} for team, t in m["teams"].items()}
    decision = board["decision"] or {}
    dissenters = [team for team, t in m["teams"].items() if t["leaning"] == agreement.DISAGREE]
    item_links = links_for(item, links)
    return {
        "kind": item["type"],
        "original": original,
        "sources": [{"id": a["id"], "text": a["text"],
                     "team": people.get(a.get("author_id"), {}).get("team") or None}
                    for a in sorted(sources, key=lambda a: a["seq"])],
        "believers": [team for team, t in m["teams"].items()
                      if t["leaning"] == agreement.AGREE],
        "votes": {"tally": tally, "agreement": m["agreement"], "consensus": m["consensus"],
                  "dots": entry["dots"], "voters": board["votes"].get("voters", 0)},
        "contested": m["contested"],
        # The minority view stays with a contested item that was accepted anyway. The
        # facilitator's reason is not theirs: it stays in `decision`.
        "dissent": {"teams": [{"team": team, **tally[team]} for team in dissenters]}
        if m["contested"] else None,
        "decision": {"decision": decision.get("decision"),
                     "reason": decision.get("reason") or "",
                     "text": decision.get("text") or "", "by": decision.get("by"),
                     "by_name": people.get(decision.get("by"), {}).get("name"),
                     "at": decision.get("at")},
        "evidence": _evidence(item_links, notes),
        "evidence_state": evidence_state(item_links),
        "research_pending": research_pending(item["category"], board["decision"], item_links,
                                             required_categories(snapshot)),
    }


def _entry(item: dict, board: dict, teams: list[str]) -> dict:
    return {"item": item, "board": board, "seq": item["seq"],
            "dots": board["votes"].get("dots", 0),
            "measures": item_measures(board["votes"], teams)}


def _text(provenance: dict) -> str:
    """The trait's first text: the facilitator's rewording, else the wording voted on."""
    decision = provenance["decision"]
    return (decision["text"] if decision["decision"] == "reworded" else "") or \
        provenance["original"]


def board_records(snapshot: dict, notes: list[dict], links: list[dict]) -> dict:
    """Every decidable item's record `{"text", "provenance"}` by (type, id), decided or not.

    The CSV export describes the notes with these, as the document describes its traits.
    """
    teams = voting_teams(snapshot)
    rows = {("assumption", a["id"]): a for a in snapshot["assumptions"]}
    rows.update({("group", g["id"]): g for g in snapshot["groups"]})
    notes_by_id = {n["id"]: n for n in notes}
    items = board_items(snapshot)
    linked = links_by_item(items, links)
    records = {}
    for item in items:
        board = rows[(item["type"], item["id"])]
        provenance = _provenance(_entry(item, board, teams), snapshot, notes_by_id,
                                 linked[(item["type"], item["id"])])
        records[(item["type"], item["id"])] = {"text": _text(provenance),
                                               "provenance": provenance}
    return records


def with_research_flags(document: dict, snapshot: dict, links: list[dict]) -> dict:
    """A new document whose items say whether they still need research, as of now.

    The rule is `evidence.research_pending` with today's `require_evidence` setting. Support
    counts from today's links when the item is still on this board, else (an imported
    persona) from the evidence the item carries.
    """
    required = required_categories(snapshot)
    live = links_by_item(board_items(snapshot), links)
    changed = copy.deepcopy(document)
    for section in changed["sections"]:
        for item in section["items"]:
            kind, _, item_id = item["id"].partition(":")
            item_links = live.get(("group" if kind == "g" else "assumption", item_id),
                                  item["provenance"]["evidence"])
            item["provenance"]["research_pending"] = research_pending(
                section["category"], {"decision": "accepted"}, item_links, required)
    return changed


def build_document(snapshot: dict, persona_id: str, notes: list[dict],
                   links: list[dict]) -> dict:
    """The first draft of a persona document from its accepted items (shape: module docstring)."""
    persona = next((p for p in snapshot["personas"] if p["id"] == persona_id), None)
    if persona is None:
        raise ValueError(f"no persona {persona_id!r} in this snapshot")
    teams = voting_teams(snapshot)
    rows = {("assumption", a["id"]): a for a in snapshot["assumptions"]}
    rows.update({("group", g["id"]): g for g in snapshot["groups"]})
    by_category: dict[str, list[dict]] = {}
    items = [item for item in board_items(snapshot) if item["persona_id"] == persona_id]
    linked = links_by_item(items, links)
    for item in items:
        if not is_accepted(item["decision"]):
            continue
        by_category.setdefault(item["category"], []).append(
            _entry(item, rows[(item["type"], item["id"])], teams))
    notes_by_id = {n["id"]: n for n in notes}
    order = [c["key"] for c in snapshot["categories"]]
    order += sorted(set(by_category) - set(order))  # a category the board no longer shows
    sections = []
    for key in order:
        if key not in by_category:
            continue
        label = next((c["label"] for c in snapshot["categories"] if c["key"] == key),
                     category_label(key))
        items = []
        for entry in sorted(by_category[key], key=_order_key):
            provenance = _provenance(entry, snapshot, notes_by_id,
                                     linked[(entry["item"]["type"], entry["item"]["id"])])
            prefix = "g:" if entry["item"]["type"] == "group" else "a:"
            items.append({"id": prefix + entry["item"]["id"], "text": _text(provenance),
                          "provenance": provenance})
        sections.append({"category": key, "label": label, "items": items})
    identity = {field: "" for field in IDENTITY_FIELDS}
    identity["name"] = persona["name"]
    return with_data({"persona_id": persona_id, "identity": {**identity, "picture": None},
                      "sections": sections}, snapshot)


def with_data(document: dict, snapshot: dict) -> dict:
    """The document with the board's data block for its persona (domain/persona_data.py):
    set when the persona stands for a segment, else left out."""
    data = persona_data(snapshot, document["persona_id"])
    rest = {key: value for key, value in document.items() if key != "data"}
    return rest if data is None else {**rest, "data": data}


def all_items(document: dict) -> list[dict]:
    """Every item of the document, in document order."""
    return [item for section in document["sections"] for item in section["items"]]


def editable_fields(document: dict) -> dict[str, str]:
    """Every editable text by its path (`identity.<field>`, `items.<item id>`), in order."""
    fields = {f"identity.{name}": document["identity"][name] for name in IDENTITY_FIELDS}
    fields.update({f"items.{item['id']}": item["text"] for item in all_items(document)})
    return fields


def with_field(document: dict, path: str, value: str) -> dict:
    """A new document with one editable field changed; ValueError for an unknown path."""
    if not isinstance(value, str):
        raise ValueError(f"{path}: the value must be text")
    head, _, rest = path.partition(".")
    changed = copy.deepcopy(document)
    if head == "identity" and rest in IDENTITY_FIELDS:
        changed["identity"][rest] = value
        return changed
    if head == "items":
        for item in all_items(changed):
            if item["id"] == rest:
                item["text"] = value
                return changed
    raise ValueError(f"unknown field: {path!r}")


def with_picture(document: dict, picture: dict | None) -> dict:
    """A new document with another picture (an upload dict, or None for the avatar)."""
    if picture is not None and (picture.get("kind") != "upload"
                                or picture.get("media_type") not in PICTURE_TYPES
                                or not isinstance(picture.get("data"), str)):
        raise ValueError("picture: expected None or {kind: upload, media_type, data}")
    changed = copy.deepcopy(document)
    changed["identity"]["picture"] = copy.deepcopy(picture)
    return changed


def document_coverage(document: dict) -> dict:
    """Coverage figures of the document (every item is accepted): totals plus per category.

    Same figures as `evidence.coverage`, from the evidence each item carries.
    """
    def entries(items):
        return [(item["provenance"]["evidence_state"],
                 any(e["relation"] == "supports" for e in item["provenance"]["evidence"]))
                for item in items]

    return {**figures(entries(all_items(document))),
            "categories": {s["category"]: figures(entries(s["items"]))
                           for s in document["sections"]}}
