"""Workshop settings, which setting changes are allowed when, and how agreeing moves the
phase (the phases themselves: workshop/domain/phases.py)."""

from __future__ import annotations

from typing import NamedTuple


def phase_after_agreeing(phase: str, document_statuses: list[str]) -> str:
    """The phase once a persona version is agreed: Agreed when every persona's current
    document is agreed, else unchanged (another persona is still a draft)."""
    return "agreed" if all(status == "agreed" for status in document_statuses) else phase


def phase_after_new_draft(phase: str) -> str:
    """The phase once a persona has a new draft (reopened, created or imported): back to
    Merge from Agreed, because a persona of the workshop is a draft again."""
    return "merge" if phase == "agreed" else phase


DEFAULTS = {
    "private_collect": False,
    "blind_voting": False,
    "anonymous": False,
    "dot_budget": 5,
    "votes_revealed": False,
    "timer": None,
    # Category keys whose items may be accepted only with supporting research (e.g.
    # demographics, to guard against stereotypes).
    "require_evidence": [],
    # Every team with members must sign off a persona version before it is agreed.
    "require_signoff": False,
    # Only the facilitator may reopen an agreed persona version (start the next draft).
    "reopen_facilitator_only": False,
    # Beliefs first: participants see no data figures (profiles) until the facilitator
    # reveals them, so they form their beliefs before the data speaks.
    "data_hidden": False,
    "data_revealed": False,
}

MAX_DOT_BUDGET = 20


def effective(raw: dict | None) -> dict:
    """The stored settings filled in with defaults (older workshops store fewer keys)."""
    return {**DEFAULTS, **(raw or {})}


def votes_hidden(settings: dict) -> bool:
    """Whether others' stances and dots are hidden right now (blind voting before reveal)."""
    return bool(settings["blind_voting"]) and not settings["votes_revealed"]


class Refusal(NamedTuple):
    """Why a change is refused: a stable key (the board says it in its own language) and the
    English message of the protocol."""

    reason: str
    message: str


def data_hidden(settings: dict) -> bool:
    """Whether data figures are kept from participants right now (beliefs first)."""
    return bool(settings["data_hidden"]) and not settings["data_revealed"]


def refusal(current: dict, changes: dict, *, hidden_notes: int, votes: int,
            notes: int, datasets: int = 0) -> Refusal | None:
    """Why a settings change is refused, or None. Refusals keep hidden things hidden."""
    if changes.get("private_collect") is False and hidden_notes:
        return Refusal("reveal_notes_first",
                       "reveal the private notes before switching private collect off")
    if "blind_voting" in changes and changes["blind_voting"] != current["blind_voting"]:
        if changes["blind_voting"] and votes:
            return Refusal("blind_after_votes",
                           "blind voting must be switched on before anyone votes")
        if not changes["blind_voting"] and votes_hidden(current) and votes:
            return Refusal("reveal_votes_first",
                           "reveal the votes before switching blind voting off")
    if "data_hidden" in changes and changes["data_hidden"] != current["data_hidden"]:
        if changes["data_hidden"] and datasets:
            return Refusal("hide_data_late",
                           "beliefs first is chosen before the first dataset is imported")
        if not changes["data_hidden"] and data_hidden(current) and datasets:
            return Refusal("reveal_data_first",
                           "reveal the data before switching beliefs first off")
    if "anonymous" in changes and changes["anonymous"] != current["anonymous"] and notes:
        return Refusal("anonymous_late",
                       "anonymous mode is chosen before the first note is written")
    return None
