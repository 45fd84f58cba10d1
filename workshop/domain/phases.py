"""The workshop's phases, in order, with what each one means: the one list that the server,
the OpenAPI document and the page (through its embedded data) read.

Phases tell people what to do now; they do not gate ops, except that a persona document is
created only in the merge and agreed phases (docs/protocol.md, "Phases and timer").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Phase:
    """One phase: its key in the protocol, its texts in the message catalogues, its rules."""

    key: str
    label: str  # catalogue key of its name ("Vote")
    prompt: str  # catalogue key of what it asks of people
    # Stances lead the board: the voting controls and the divergence view come forward.
    voting: bool = False
    # `document.create` is accepted (the persona document is made in merge).
    document: bool = False


PHASES: tuple[Phase, ...] = (
    Phase("collect", "phase.collect", "phase.collect.prompt"),
    Phase("vote", "phase.vote", "phase.vote.prompt", voting=True),
    Phase("reconcile", "phase.reconcile", "phase.reconcile.prompt", voting=True),
    Phase("merge", "phase.merge", "phase.merge.prompt", document=True),
    Phase("agreed", "phase.agreed", "phase.agreed.prompt", document=True),
)

KEYS: tuple[str, ...] = tuple(phase.key for phase in PHASES)
# The phase payloads may name (`phase.set`): pydantic reads this as the enum of the schema.
PhaseKey = Literal[KEYS]  # type: ignore[valid-type]
FIRST = KEYS[0]  # a new workshop's phase
DOCUMENT_PHASES: tuple[str, ...] = tuple(phase.key for phase in PHASES if phase.document)


def by_key(key: str) -> Phase | None:
    """The phase called `key`, or None."""
    return next((phase for phase in PHASES if phase.key == key), None)
