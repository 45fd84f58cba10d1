"""The board's state and how each event changes it: the Python reference of the browser's
reducer (static/js/state.js).

The server never folds its own log; tests replay a workshop's event log through this and
compare the result with a fresh snapshot (old state plus the new events must equal freshly
fetched state), and tests/static/test_state_js.py holds the browser's reducer to the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable

State = dict
Reducer = Callable[[State, dict], None]


def empty_state() -> State:
    """The state before the first event (seq 0)."""
    return {"workshop": None, "personas": [], "participants": [], "assumptions": [],
            "groups": [], "comments": [], "notes": [], "evidence": [], "documents": [],
            "versions": [], "usages": [], "questions": [], "done": [],
            "datasets": [], "segments": [], "ties": [], "claims": [],
            "seq": 0}


def _workshop_created(state: State, data: dict) -> None:
    state["workshop"] = copy.deepcopy(data["workshop"])


def _participant_joined(state: State, data: dict) -> None:
    participant = data["participant"]
    state["participants"].append(dict(participant))
    teams = state["workshop"]["teams"]
    if participant["team"] and participant["team"] not in teams:
        teams.append(participant["team"])


def _persona_added(state: State, data: dict) -> None:
    state["personas"].append(dict(data["persona"]))


def _persona_renamed(state: State, data: dict) -> None:
    for persona in state["personas"]:
        if persona["id"] == data["id"]:
            persona["name"] = data["name"]


def _persona_deleted(state: State, data: dict) -> None:
    """Everything on the persona goes with it: notes, groups, their threads and evidence."""
    persona_id = data["id"]
    items = {a["id"] for a in state["assumptions"] if a["persona_id"] == persona_id}
    items |= {g["id"] for g in state["groups"] if g["persona_id"] == persona_id}
    state["personas"] = [p for p in state["personas"] if p["id"] != persona_id]
    state["assumptions"] = [a for a in state["assumptions"] if a["persona_id"] != persona_id]
    state["groups"] = [g for g in state["groups"] if g["persona_id"] != persona_id]
    state["comments"] = [c for c in state["comments"] if c["target_id"] not in items]
    state["evidence"] = [e for e in state["evidence"] if e["target_id"] not in items]
    state["documents"] = [d for d in state["documents"] if d["persona_id"] != persona_id]
    state["versions"] = [v for v in state["versions"] if v["persona_id"] != persona_id]
    state["usages"] = [u for u in state["usages"] if u["persona_id"] != persona_id]
    state["questions"] = [q for q in state["questions"] if q["persona_id"] != persona_id]
    state["ties"] = [t for t in state["ties"] if t["persona_id"] != persona_id]
    state["claims"] = [c for c in state["claims"] if c["persona_id"] != persona_id]


def _assumption_added(state: State, data: dict) -> None:
    state["assumptions"].append(copy.deepcopy(data["assumption"]))


def _assumption_edited(state: State, data: dict) -> None:
    for assumption in state["assumptions"]:
        if assumption["id"] == data["id"]:
            assumption["text"] = data["text"]


def _assumption_deleted(state: State, data: dict) -> None:
    state["assumptions"] = [a for a in state["assumptions"] if a["id"] != data["id"]]
    state["comments"] = [c for c in state["comments"] if c["target_id"] != data["id"]]
    state["evidence"] = [e for e in state["evidence"] if e["target_id"] != data["id"]]
    state["claims"] = [c for c in state["claims"] if c["target_id"] != data["id"]]


def _assumption(state: State, note_id: str) -> dict | None:
    return next((a for a in state["assumptions"] if a["id"] == note_id), None)


def _vote_cast(state: State, data: dict) -> None:
    note = _assumption(state, data["assumption_id"])
    if note is not None:
        note["votes"] = copy.deepcopy(data["votes"])
        if "my_vote" in data:  # only the voter's own form carries it
            note["my_vote"] = copy.deepcopy(data["my_vote"])
    if "group" in data:
        group = _group(state, data["group"]["id"])
        if group is not None:
            group["votes"] = copy.deepcopy(data["group"]["votes"])


def _assumptions_revealed(state: State, data: dict) -> None:
    for revealed in data["assumptions"]:
        note = _assumption(state, revealed["id"])
        if note is None:
            state["assumptions"].append(copy.deepcopy(revealed))
        else:  # the author already holds it, with their own vote
            note["hidden"] = False
            note["votes"] = copy.deepcopy(revealed["votes"])
    state["assumptions"].sort(key=lambda a: a["seq"])
    known = {c["id"] for c in state["comments"]}
    state["comments"].extend(copy.deepcopy(c) for c in data["comments"] if c["id"] not in known)
    state["comments"].sort(key=lambda c: c["seq"])


def _votes_revealed(state: State, data: dict) -> None:
    state["workshop"]["settings"] = copy.deepcopy(data["settings"])
    for note in state["assumptions"]:
        if note["id"] in data["votes"]:
            note["votes"] = copy.deepcopy(data["votes"][note["id"]])
    for group in state["groups"]:
        if group["id"] in data["groups"]:
            group["votes"] = copy.deepcopy(data["groups"][group["id"]])


def _settings_updated(state: State, data: dict) -> None:
    settings = copy.deepcopy(data["settings"])
    state["workshop"]["settings"] = settings
    if settings["blind_voting"] and not settings["votes_revealed"]:
        for item in state["assumptions"] + state["groups"]:  # blind: only the voter count
            item["votes"] = {"voters": item["votes"]["voters"]}


def _phase_changed(state: State, data: dict) -> None:
    state["workshop"]["phase"] = data["phase"]


def _done_changed(state: State, data: dict) -> None:
    done = [p for p in state["done"] if p != data["participant_id"]]
    state["done"] = done + [data["participant_id"]] if data["done"] else done


def _timer_changed(state: State, data: dict) -> None:
    state["workshop"]["settings"]["timer"] = copy.deepcopy(data["timer"])


def _group(state: State, group_id: str) -> dict | None:
    return next((g for g in state["groups"] if g["id"] == group_id), None)


def _groups_patched(state: State, data: dict) -> None:
    for changed in data["groups"]:
        group = _group(state, changed["id"])
        if group is None:
            state["groups"].append(copy.deepcopy(changed))
        else:
            group.update(copy.deepcopy(changed))
    removed = set(data["removed"])
    state["groups"] = sorted((g for g in state["groups"] if g["id"] not in removed),
                             key=lambda g: g["seq"])
    state["comments"] = [c for c in state["comments"] if c["target_id"] not in removed]
    state["evidence"] = [e for e in state["evidence"] if e["target_id"] not in removed]
    state["claims"] = [c for c in state["claims"] if c["target_id"] not in removed]
    for note in state["assumptions"]:
        if note["id"] in data["notes"]:
            note["group_id"] = data["notes"][note["id"]]


def _group_renamed(state: State, data: dict) -> None:
    group = _group(state, data["id"])
    if group is not None:
        group["title"] = data["title"]


def _decision_made(state: State, data: dict) -> None:
    items = state["groups"] if data["target_type"] == "group" else state["assumptions"]
    for item in items:
        if item["id"] == data["target_id"]:
            item["decision"] = copy.deepcopy(data["decision"])


def _comment_added(state: State, data: dict) -> None:
    state["comments"].append(copy.deepcopy(data["comment"]))


def _comment_deleted(state: State, data: dict) -> None:
    state["comments"] = [c for c in state["comments"] if c["id"] != data["id"]]


def _research_note_added(state: State, data: dict) -> None:
    state["notes"].append(copy.deepcopy(data["note"]))


def _research_notes_imported(state: State, data: dict) -> None:
    state["notes"].extend(copy.deepcopy(note) for note in data["notes"])


def _research_note_edited(state: State, data: dict) -> None:
    state["notes"] = [copy.deepcopy(data["note"]) if n["id"] == data["note"]["id"] else n
                      for n in state["notes"]]


def _research_note_deleted(state: State, data: dict) -> None:
    state["notes"] = [n for n in state["notes"] if n["id"] != data["id"]]
    state["evidence"] = [e for e in state["evidence"] if e["note_id"] != data["id"]]


def _evidence_linked(state: State, data: dict) -> None:
    state["evidence"].append(copy.deepcopy(data["link"]))
    closed = set(data.get("closed_questions") or ())
    for question in state["questions"]:
        if question["id"] in closed:  # answered by this link
            question.update(closed_by=data["link"]["id"], updated_seq=data["link"]["seq"])


def _evidence_unlinked(state: State, data: dict) -> None:
    state["evidence"] = [e for e in state["evidence"] if e["id"] != data["id"]]


def _document(state: State, persona_id: str) -> dict | None:
    return next((d for d in state["documents"] if d["persona_id"] == persona_id), None)


def _version_summary(version: dict) -> dict:
    return {key: version[key] for key in ("persona_id", "number", "status", "seq", "agreed_by",
                                          "agreed_at")}


def _document_created(state: State, data: dict) -> None:
    state["documents"].append(copy.deepcopy(data["version"]))
    state["versions"].append(_version_summary(data["version"]))
    # A new draft takes an agreed workshop back to merge; older logs carry no "phase".
    state["workshop"]["phase"] = data.get("phase", state["workshop"]["phase"])


def set_document_field(document: dict, path: str, value) -> None:
    """Put a saved value at its path (`identity.<field>` or `items.<item id>`) in place."""
    kind, _, key = path.partition(".")
    if kind == "identity":
        document["identity"][key] = copy.deepcopy(value)
        return
    for section in document["sections"]:
        for item in section["items"]:
            if item["id"] == key:
                item["text"] = value


def _document_saved(state: State, data: dict) -> None:
    if "started" in data:  # the first change after agreement: a new draft, change included
        state["documents"] = [copy.deepcopy(data["started"])
                              if d["persona_id"] == data["persona_id"] else d
                              for d in state["documents"]]
        state["versions"].append(_version_summary(data["started"]))
        state["workshop"]["phase"] = data.get("phase", state["workshop"]["phase"])
        return
    version = _document(state, data["persona_id"])
    if version is None:
        return
    set_document_field(version["document"], data["path"], data["value"])
    version["revisions"][data["path"]] = dict(data["revision"])
    version["signoffs"] = {}
    version["updated_seq"] = data["revision"]["seq"]


def _document_signed(state: State, data: dict) -> None:
    version = _document(state, data["persona_id"])
    if version is not None:
        version["signoffs"][data["team"]] = dict(data["signoff"])


def _document_agreed(state: State, data: dict) -> None:
    # Logs written before agreeing could move the phase carry no "phase".
    state["workshop"]["phase"] = data.get("phase", state["workshop"]["phase"])
    version = _document(state, data["persona_id"])
    if version is not None:
        version.update(status="agreed", agreed_by=data["agreed_by"],
                       agreed_at=data["agreed_at"], updated_seq=data["seq"])
        version["document"].pop("data", None)  # the data checks as agreed, or none
        if "data" in data:
            version["document"]["data"] = copy.deepcopy(data["data"])
    for summary in state["versions"]:
        if summary["persona_id"] == data["persona_id"] and summary["number"] == data["number"]:
            summary.update(status="agreed", agreed_by=data["agreed_by"],
                           agreed_at=data["agreed_at"])


def _persona_imported(state: State, data: dict) -> None:
    state["personas"].append(dict(data["persona"]))
    _document_created(state, data)


def _review_started(state: State, data: dict) -> None:
    """The next draft replaces the agreed version as the persona's document."""
    state["documents"] = [copy.deepcopy(data["started"])
                          if d["persona_id"] == data["persona_id"] else d
                          for d in state["documents"]]
    state["versions"].append(_version_summary(data["started"]))
    state["workshop"]["phase"] = data["phase"]


def _replace(rows: list[dict], row: dict) -> list[dict]:
    return [copy.deepcopy(row) if r["id"] == row["id"] else r for r in rows]


def _usage_added(state: State, data: dict) -> None:
    state["usages"].append(copy.deepcopy(data["usage"]))


def _usage_edited(state: State, data: dict) -> None:
    state["usages"] = _replace(state["usages"], data["usage"])


def _usage_removed(state: State, data: dict) -> None:
    state["usages"] = [u for u in state["usages"] if u["id"] != data["id"]]


def _question_added(state: State, data: dict) -> None:
    state["questions"].append(copy.deepcopy(data["question"]))


def _question_edited(state: State, data: dict) -> None:
    state["questions"] = _replace(state["questions"], data["question"])


def _question_removed(state: State, data: dict) -> None:
    state["questions"] = [q for q in state["questions"] if q["id"] != data["id"]]


# ---- profiles: datasets, segments, ties and claims, replaced by id -----------------------

def _put(items: list[dict], item: dict) -> None:
    """Replace the item with the same id, or add it; the list stays in seq order."""
    for index, existing in enumerate(items):
        if existing["id"] == item["id"]:
            items[index] = copy.deepcopy(item)
            return
    items.append(copy.deepcopy(item))
    items.sort(key=lambda i: i["seq"])


def _put_all(state: State, data: dict) -> None:
    for segment in data.get("segments", []):
        _put(state["segments"], segment)
    for claim in data.get("claims", []):
        _put(state["claims"], claim)


def _dataset(state: State, dataset_id: str) -> dict | None:
    return next((d for d in state["datasets"] if d["id"] == dataset_id), None)


def _dataset_imported(state: State, data: dict) -> None:
    dataset = data["dataset"]
    older = _dataset(state, dataset["replaces_id"]) if dataset["replaces_id"] else None
    if older is not None:  # a refresh: the older export's data is gone
        older["deleted_seq"] = dataset["seq"]
    _put(state["datasets"], dataset)
    _put_all(state, data)


def _dataset_mapped(state: State, data: dict) -> None:
    dataset = _dataset(state, data["id"])
    if dataset is not None:
        dataset["mapping"] = copy.deepcopy(data["mapping"])


def _dataset_weighted(state: State, data: dict) -> None:
    dataset = _dataset(state, data["id"])
    if dataset is not None:
        dataset["weight_column"] = data["weight_column"]
        if data["sizing"] is not None:
            dataset["summary"]["sizing"] = copy.deepcopy(data["sizing"])
    _put_all(state, data)


def _dataset_deleted(state: State, data: dict) -> None:
    dataset = _dataset(state, data["id"])
    if dataset is not None:
        dataset["deleted_seq"] = data["deleted_seq"]


def _segment_sized(state: State, data: dict) -> None:
    """segment.defined and segment.changed: the segment, its dataset's sizing, the others."""
    _put(state["segments"], data["segment"])
    _put_all(state, data)
    dataset = _dataset(state, data["segment"]["dataset_id"])
    if dataset is not None and data["sizing"] is not None:
        dataset["summary"]["sizing"] = copy.deepcopy(data["sizing"])


def _segment_removed(state: State, data: dict) -> None:
    state["segments"] = [s for s in state["segments"] if s["id"] != data["id"]]


def _persona_tied(state: State, data: dict) -> None:
    state["ties"] = [t for t in state["ties"] if t["persona_id"] != data["persona_id"]]
    if data["tie"] is not None:
        state["ties"].append(copy.deepcopy(data["tie"]))
        state["ties"].sort(key=lambda t: t["seq"])
    _put_all(state, data)


def _claim_set(state: State, data: dict) -> None:
    _put(state["claims"], data["claim"])


def _claim_cleared(state: State, data: dict) -> None:
    state["claims"] = [c for c in state["claims"] if c["id"] != data["id"]]


def _data_revealed(state: State, data: dict) -> None:
    state["workshop"]["settings"] = copy.deepcopy(data["settings"])
    for key in ("datasets", "segments", "claims"):
        state[key] = copy.deepcopy(data[key])


def _participant_removed(state: State, data: dict) -> None:
    for participant in state["participants"]:
        if participant["id"] == data["id"]:
            participant["removed"] = True


def _outside_the_board(state: State, data: dict) -> None:
    """Share links, API tokens, the webhook and the library listing are not board state:
    their events carry no secret, and the facilitator reads them from the server."""


REDUCERS: dict[str, Reducer] = {
    "workshop.created": _workshop_created,
    "participant.joined": _participant_joined,
    "persona.added": _persona_added,
    "persona.renamed": _persona_renamed,
    "persona.deleted": _persona_deleted,
    "assumption.added": _assumption_added,
    "assumption.edited": _assumption_edited,
    "assumption.deleted": _assumption_deleted,
    "vote.cast": _vote_cast,
    "assumptions.revealed": _assumptions_revealed,
    "votes.revealed": _votes_revealed,
    "settings.updated": _settings_updated,
    "phase.changed": _phase_changed,
    "done.changed": _done_changed,
    "timer.changed": _timer_changed,
    "assumptions.grouped": _groups_patched,
    "assumptions.ungrouped": _groups_patched,
    "group.renamed": _group_renamed,
    "decision.made": _decision_made,
    "comment.added": _comment_added,
    "comment.deleted": _comment_deleted,
    "participant.removed": _participant_removed,
    "research_note.added": _research_note_added,
    "research_notes.imported": _research_notes_imported,
    "research_note.edited": _research_note_edited,
    "research_note.deleted": _research_note_deleted,
    "evidence.linked": _evidence_linked,
    "evidence.unlinked": _evidence_unlinked,
    "document.created": _document_created,
    "document.saved": _document_saved,
    "document.signed": _document_signed,
    "document.agreed": _document_agreed,
    "persona.imported": _persona_imported,
    "review.started": _review_started,
    "usage.added": _usage_added,
    "usage.edited": _usage_edited,
    "usage.removed": _usage_removed,
    "question.added": _question_added,
    "question.edited": _question_edited,
    "question.removed": _question_removed,
    # "review.due" is a notice (a version reached its review date); it changes no state.
    "share.created": _outside_the_board,
    "share.rotated": _outside_the_board,
    "share.revoked": _outside_the_board,
    "api_token.created": _outside_the_board,
    "api_token.revoked": _outside_the_board,
    "webhook.set": _outside_the_board,
    "webhook.removed": _outside_the_board,
    "library.listed": _outside_the_board,


    "dataset.imported": _dataset_imported,
    "dataset.mapped": _dataset_mapped,
    "dataset.weighted": _dataset_weighted,
    "dataset.deleted": _dataset_deleted,
    "segment.defined": _segment_sized,
    "segment.changed": _segment_sized,
    "segment.removed": _segment_removed,
    "persona.tied": _persona_tied,
    "claim.set": _claim_set,
    "claim.cleared": _claim_cleared,
    "claims.rechecked": _put_all,
    "data.revealed": _data_revealed,
    # "invite.rotated" changes no board state (link secrets are not part of it).
    # "hidden": someone else's private entry; it only advances seq.
}


def apply_event(state: State, event: dict) -> State:
    """Apply one event in place and return the state; events at or below its seq are skipped."""
    if event["seq"] <= state["seq"]:
        return state
    if event["seq"] != state["seq"] + 1:
        raise ValueError(f"gap in the event log: at seq {state['seq']}, got {event['seq']}")
    reducer = REDUCERS.get(event["type"])
    phase = (state["workshop"] or {}).get("phase")
    if reducer is not None:
        reducer(state, event["data"])
    if state["workshop"] and state["workshop"]["phase"] != phase:
        state["done"] = []  # "I'm done" counts for one phase: any move clears it
    state["seq"] = event["seq"]
    return state


def replay(events: Iterable[dict], state: State | None = None) -> State:
    """Fold a sequence of events into a state, starting from empty."""
    state = state if state is not None else empty_state()
    for event in events:
        apply_event(state, event)
    return state
