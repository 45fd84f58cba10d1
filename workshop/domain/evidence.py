"""Evidence states of board items and the evidence coverage of a persona.

An *item* is what the board decides on: an assumption that is in no group, or a group of
duplicates (its member notes are its sources). Evidence on an item is every link on the item
itself and, for a group, every link on any of its member notes (the same rule as
`workshop/ops/research.require_support`).

- Evidence state: "contradicted" when any link contradicts the item (contradicting research
  must get attention even when other research supports it), else "validated" when any link
  supports it, else "untested".
- Coverage, per persona and per category, over *accepted* items (decision accepted or
  reworded): `accepted` (how many), `supported` (how many have at least one supporting link),
  `coverage` (supported / accepted, rounded to four decimals; None when nothing is accepted),
  `debt` (accepted minus supported: the assumption debt) and `contradicted` (accepted items
  whose state is contradicted; such an item may also be supported).
- Research pending: an accepted item of a category that requires research (the setting
  `require_evidence`) with no supporting link. Accepting such an item is refused, so it was
  accepted before the category required research (or its support was unlinked since): the
  board, the merge view and the exports flag it until the facilitator re-decides it or
  research backs it. The same rule is `researchPending` in `static/js/evidence.js`.
- Data checks count like research passages (issue 27): a claim on a note or group whose last
  check is "consistent" supports it and one that is "contradicted" contradicts it; "weak" and
  "not measurable" are evidence neither way. `data_links` turns them into links of the same
  shape, so every rule above and every reader of it counts them (`dataLinks` in
  `static/js/evidence.js`).
"""

from __future__ import annotations

from collections.abc import Iterable

VALIDATED = "validated"
CONTRADICTED = "contradicted"
UNTESTED = "untested"
STATES = (VALIDATED, CONTRADICTED, UNTESTED)

ACCEPTED_DECISIONS = frozenset({"accepted", "reworded"})
# A data check's status → the relation of the evidence link it counts as.
DATA_RELATIONS = {"consistent": "supports", "contradicted": "contradicts"}
DATA_SOURCE = "data"
DECIMALS = 4


def evidence_state(links_for_item: Iterable[dict]) -> str:
    """'contradicted' if any link contradicts, else 'validated' if any supports, else 'untested'."""
    relations = {link["relation"] for link in links_for_item}
    if "contradicts" in relations:
        return CONTRADICTED
    if "supports" in relations:
        return VALIDATED
    return UNTESTED


def is_accepted(decision: dict | None) -> bool:
    """Whether a decision puts its item into the persona (accepted or reworded)."""
    return bool(decision) and decision.get("decision") in ACCEPTED_DECISIONS


def research_pending(category: str, decision: dict | None, item_links: Iterable[dict],
                     required: Iterable[str]) -> bool:
    """Whether an accepted item lacks the supporting research its category now requires."""
    return (is_accepted(decision) and category in set(required)
            and not any(link["relation"] == "supports" for link in item_links))


def required_categories(snapshot: dict) -> list[str]:
    """The category keys whose items need supporting research (the `require_evidence` setting)."""
    return list(snapshot["workshop"].get("settings", {}).get("require_evidence") or [])


def board_items(snapshot: dict) -> list[dict]:
    """The decidable items of a snapshot: ungrouped assumptions, then groups.

    Each is `{type: "assumption"|"group", id, persona_id, category, seq, decision,
    member_ids}`; `member_ids` lists a group's notes (empty for an assumption).
    """
    members: dict[str, list[str]] = {}
    items = []
    for note in snapshot["assumptions"]:
        if note.get("group_id"):
            members.setdefault(note["group_id"], []).append(note["id"])
            continue
        items.append({"type": "assumption", "id": note["id"], "persona_id": note["persona_id"],
                      "category": note["category"], "seq": note["seq"],
                      "decision": note.get("decision"), "member_ids": []})
    for group in snapshot["groups"]:
        items.append({"type": "group", "id": group["id"], "persona_id": group["persona_id"],
                      "category": group["category"], "seq": group["seq"],
                      "decision": group.get("decision"),
                      "member_ids": members.get(group["id"], [])})
    return items


def data_links(state: dict) -> list[dict]:
    """The data checks of a board state's claims (on notes and groups) as evidence links.

    `state` has `claims`, `ties`, `segments` and `datasets` as a snapshot does; a claim
    without a visible result (not yet checked, or hidden before the data is revealed) is
    no evidence.
    """
    ties = {t["persona_id"]: t["segment_id"] for t in state.get("ties", [])}
    segments = {s["id"]: s for s in state.get("segments", [])}
    datasets = {d["id"]: d for d in state.get("datasets", [])}
    links = []
    for claim in state.get("claims", []):
        relation = DATA_RELATIONS.get((claim.get("result") or {}).get("status"))
        if relation is None or claim["target_type"] == "field":
            continue
        segment = segments.get(ties.get(claim["persona_id"]), {})
        dataset = datasets.get(segment.get("dataset_id"), {})
        links.append({
            "id": f"data:{claim['id']}", "note_id": dataset.get("id"),
            "target_type": claim["target_type"], "target_id": claim["target_id"],
            "relation": relation, "quote": claim["result"].get("summary", ""),
            "author_id": None, "seq": claim["updated_seq"], "source_type": DATA_SOURCE,
            "note_title": f"{dataset.get('name', 'Data')}: {segment.get('name', '')}".strip(),
            "date": dataset.get("as_of")})
    return links


def links_for(item: dict, links: Iterable[dict]) -> list[dict]:
    """The links that count for one item (see module docstring), in the given order."""
    own = (item["type"], item["id"])
    members = set(item.get("member_ids") or ())
    return [link for link in links
            if (link["target_type"], link["target_id"]) == own
            or (link["target_type"] == "assumption" and link["target_id"] in members)]


def links_by_item(items: Iterable[dict], links: Iterable[dict]) -> dict[tuple[str, str], list]:
    """`links_for` of every item at once, by (type, id): one pass over the links, not one each."""
    links = list(links)
    by_target: dict[tuple[str, str], list[int]] = {}
    for position, link in enumerate(links):
        by_target.setdefault((link["target_type"], link["target_id"]), []).append(position)
    out = {}
    for item in items:
        positions = list(by_target.get((item["type"], item["id"]), ()))
        for member in item.get("member_ids") or ():
            positions += by_target.get(("assumption", member), ())
        out[(item["type"], item["id"])] = [links[p] for p in sorted(positions)]
    return out


def figures(states: Iterable[tuple[str, bool]]) -> dict:
    """Coverage figures from (evidence state, has a supporting link) of accepted items."""
    accepted = supported = contradicted = 0
    for state, has_support in states:
        accepted += 1
        supported += has_support
        contradicted += state == CONTRADICTED
    return {"accepted": accepted, "supported": supported,
            "coverage": round(supported / accepted, DECIMALS) if accepted else None,
            "debt": accepted - supported, "contradicted": contradicted}


def coverage(items: Iterable[dict], links: Iterable[dict]) -> dict:
    """Coverage per persona: `{persona_id: {**figures, "categories": {key: figures}}}`.

    `items` are `board_items(...)`; only accepted ones count. A persona or category without
    accepted items is left out.
    """
    links = list(links)
    per: dict[str, dict[str, list[tuple[str, bool]]]] = {}
    for item in items:
        if not is_accepted(item.get("decision")):
            continue
        mine = links_for(item, links)
        entry = (evidence_state(mine), any(link["relation"] == "supports" for link in mine))
        per.setdefault(item["persona_id"], {}).setdefault(item["category"], []).append(entry)
    return {persona: {**figures(e for entries in cats.values() for e in entries),
                      "categories": {cat: figures(entries) for cat, entries in cats.items()}}
            for persona, cats in per.items()}


# ---- quoted passages -------------------------------------------------------------------------

def _normalised(text: str) -> str:
    """Text as quotes are compared: runs of white space as one space, trimmed, case-folded."""
    return " ".join(text.split()).casefold()


def quote_in(quote: str, *texts: str) -> bool:
    """Whether the quote occurs in any of the texts, ignoring case and runs of white space."""
    wanted = _normalised(quote)
    return bool(wanted) and any(wanted in _normalised(text) for text in texts)


def broken_by_edit(quotes: Iterable[tuple[str, str]], before: tuple[str, ...],
                   after: tuple[str, ...]) -> list[str]:
    """The ids of the (id, quote) pairs whose passage an edit removes: in `before`, not `after`.

    A quote that was already missing before the edit (e.g. stored by an older rule) is not
    this edit's doing, so it does not count.
    """
    return [link_id for link_id, quote in quotes
            if quote_in(quote, *before) and not quote_in(quote, *after)]
