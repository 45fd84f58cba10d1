"""Who may do what: the roles, and the ownership rules for changing someone's note.

Which roles may send each op type is declared where the op is registered (`roles=` in
workshop/ops/, read through `workshop.ops.catalogue.OPS.may_send`).
"""

from __future__ import annotations

from workshop.domain.settings import Refusal

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
OBSERVER = "observer"
ROLES = (FACILITATOR, PARTICIPANT, OBSERVER)


def may_change(role: str, actor_id: str, author_id: str) -> bool:
    """Authors change their own notes; the facilitator may change anyone's."""
    return role == FACILITATOR or (role == PARTICIPANT and actor_id == author_id)


# Why a note's text may no longer change: the text people voted on and the text that was
# decided are part of the record (docs/protocol.md, "The text on record").
_TEXT_FIXED = {
    "voted": Refusal("text_voted_on",
                     "people have voted on this note, so its text stays as they voted on it: "
                     "the facilitator rewords it instead (decision \"reworded\"), which keeps "
                     "the original"),
    "decided": Refusal("text_decided",
                       "this note has a decision, so its text stays as it was decided: the "
                       "facilitator rewords it instead (decision \"reworded\"), which keeps "
                       "the original"),
}


def text_fixed(voters: int, decided: bool) -> Refusal | None:
    """Why a note's text may not be edited any more, or None while nobody voted or decided.

    `voters` counts cast votes (a stance or dots); `decided` is true when the note or its
    group has a decision.
    """
    if decided:
        return _TEXT_FIXED["decided"]
    if voters:
        return _TEXT_FIXED["voted"]
    return None


def reopen_refusal(role: str, facilitator_only: bool, confirmed: bool,
                   number: int) -> tuple[str, Refusal] | None:
    """Why a change to agreed version `number` may not start the next version, as (code,
    refusal), or None. Reopening clears every sign-off, so it is never done by accident."""
    if facilitator_only and role != FACILITATOR:
        return "forbidden", Refusal("reopen_facilitator_only",
                                    f"version {number} is agreed and only the facilitator may "
                                    f"reopen it (a workshop setting)")
    if not confirmed:
        return "conflict", Refusal("reopen_unconfirmed",
                                   f"version {number} is agreed: a change starts version "
                                   f"{number + 1} as a draft and clears the sign-offs; send it "
                                   f"again with reopen: true to go ahead")
    return None
