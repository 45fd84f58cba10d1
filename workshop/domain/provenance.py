"""A trait's provenance told in labelled parts: the one wording of every export and the panel.

`describe(item)` turns a document item (`{"text", "provenance"}`, shape in `domain/merge.py`)
into parts, in this order and each only when it applies:

| key        | label                              | when                                    |
|------------|------------------------------------|-----------------------------------------|
| original   | Original wording                   | the trait's text differs from it        |
| author     | Written by                         | a note (its author's team)              |
| sources    | From the notes                     | a group (its notes, with their teams)   |
| rewording  | Facilitator's rewording            | reworded, and the text was edited since |
| votes      | Votes / Votes on the original      | always (as cast, on which wording)      |
|            | wording / Votes on the grouped     |                                         |
|            | notes                              |                                         |
| believers  | Believed by                        | always                                  |
| dissent    | Minority view                      | contested                               |
| decision   | Decision                           | always (who decided: the facilitator)   |
| reason     | Facilitator's reason               | a reason was given                      |
| research   | Needs research                     | `research_pending` (domain/evidence.py) |
| evidence   | Evidence                           | always                                  |

The facilitator's reason is its own part, never part of the minority view: it is the
facilitator's word, not the dissenters'. Votes say on which wording they were cast. Each
part has a `brief` form for the A4 one-pager, or None where the one-pager leaves it out;
the formats lay the parts out and add nothing of their own. The in-app panel
(`static/js/merge/provenance.js`, `provenance()`) says the same with these labels
(`merge.provenance.*` in `workshop/messages/en.json`).
"""

from __future__ import annotations

from typing import NamedTuple

from workshop.domain.agreement import STANCES

LABELS = {
    "original": "Original wording",
    "author": "Written by",
    "sources": "From the notes",
    "rewording": "Facilitator's rewording",
    "votes": "Votes",
    "votes_original": "Votes on the original wording",
    "votes_grouped": "Votes on the grouped notes",
    "believers": "Believed by",
    "dissent": "Minority view",
    "decision": "Decision",
    "reason": "Facilitator's reason",
    "research": "Needs research",
    "evidence": "Evidence",
}
# The parts' keys in the order they come.
PARTS = ("original", "author", "sources", "rewording", "votes", "believers", "dissent",
         "decision", "reason", "research", "evidence")
DECISIONS = {"accepted": "Accepted", "reworded": "Reworded", "rejected": "Rejected",
             "parked": "Parked"}
RESEARCH_PENDING = "accepted before research was required, no evidence yet"
NO_BELIEVERS = "no team leaned agree"
NO_VOTES = "no votes cast"
NO_TEAM = "no team shown"
UNTESTED = "no research linked yet: an untested assumption"


class Part(NamedTuple):
    """One labelled part of a trait's record; `brief` is the one-pager's form (None: left out)."""

    key: str
    label: str
    text: str
    brief: str | None = None


def percent(share: float | None) -> str:
    """A share as a whole percentage, '–' when undefined."""
    return "–" if share is None else f"{round(share * 100)}%"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _stances(counts: dict) -> str:
    """'2 agree, 1 unsure': the stances a team took, zeros left out."""
    return ", ".join(f"{counts[s]} {s}" for s in STANCES if counts.get(s)) or "no votes"


def votes_text(votes: dict) -> str:
    """The votes as cast per team, then the measures."""
    teams = "; ".join(f"{team} {_stances(counts)}" for team, counts in votes["tally"].items()
                      if any(counts.get(s) for s in STANCES))
    figures = (f"agreement {percent(votes['agreement'])} · consensus "
               f"{percent(votes['consensus'])} · {_count(votes['voters'], 'voter')} · "
               f"{_count(votes['dots'], 'dot')}")
    return f"{teams or 'no votes visible'} · {figures}"


def reworded(item: dict) -> bool:
    """Whether the trait's text is not the wording people voted on."""
    return item["text"] != item["provenance"]["original"]


def _votes_label(item: dict) -> str:
    if item["provenance"]["kind"] == "group":
        return LABELS["votes_grouped"]
    return LABELS["votes_original"] if reworded(item) else LABELS["votes"]


def _dissent(item: dict, *, counts: bool = True) -> str:
    on = " with the original wording" if reworded(item) else ""
    teams = ", ".join(t["team"] + (f" ({t['agree']} agree, {t['disagree']} disagree, "
                                   f"{t['unsure']} unsure)" if counts else "")
                      for t in item["provenance"]["dissent"]["teams"])
    return f"{teams or 'some teams'} disagreed{on}"


def _decision(decision: dict, *, when: bool = True) -> str:
    kind = DECISIONS.get(decision["decision"], str(decision["decision"]).capitalize())
    who = decision.get("by_name") or "the facilitator"
    on = f" on {decision['at'][:10]}" if when and decision.get("at") else ""
    return f"{kind} by {who} (facilitator){on}"


def _evidence(prov: dict) -> str:
    """How much research is linked (the state itself is `evidence_state`)."""
    if not prov["evidence"]:
        return UNTESTED
    supports = sum(e["relation"] == "supports" for e in prov["evidence"])
    contradicts = len(prov["evidence"]) - supports
    return ", ".join(_count(n, f"{relation} passage") for n, relation in
                     ((supports, "supporting"), (contradicts, "contradicting")) if n)


def describe(item: dict) -> list[Part]:
    """The labelled parts of one trait's record (see the module docstring)."""
    prov = item["provenance"]
    decision = prov["decision"]
    contested_or_reworded = bool(prov["dissent"]) or decision["decision"] == "reworded"
    believers = ", ".join(prov["believers"]) or NO_BELIEVERS
    parts = []
    if reworded(item):
        parts.append(Part("original", LABELS["original"], prov["original"], prov["original"]))
    if prov["kind"] == "group":
        parts.append(Part("sources", LABELS["sources"], "; ".join(
            s["text"] + (f" ({s['team']})" if s["team"] else "") for s in prov["sources"])))
    else:  # one note: its wording is `original`; who wrote it is its author's team
        parts.append(Part("author", LABELS["author"], next(
            (s["team"] for s in prov["sources"] if s["team"]), NO_TEAM)))
    if decision["decision"] == "reworded" and decision["text"] and decision["text"] != \
            item["text"]:
        parts.append(Part("rewording", LABELS["rewording"], decision["text"], decision["text"]))
    parts.append(Part("votes", _votes_label(item), votes_text(prov["votes"]),
                      f"{' · '.join(prov['believers']) or NO_BELIEVERS} · "
                      f"{percent(prov['votes']['agreement'])} agree"
                      if prov["votes"]["voters"] else NO_VOTES))
    parts.append(Part("believers", LABELS["believers"], believers))
    if prov["dissent"]:
        parts.append(Part("dissent", LABELS["dissent"], _dissent(item),
                          _dissent(item, counts=False)))
    parts.append(Part("decision", LABELS["decision"], _decision(decision),
                      _decision(decision, when=False) if contested_or_reworded else None))
    if decision.get("reason"):  # the facilitator's word is on record wherever it was given
        parts.append(Part("reason", LABELS["reason"], decision["reason"], decision["reason"]))
    if prov.get("research_pending"):
        parts.append(Part("research", LABELS["research"], RESEARCH_PENDING, RESEARCH_PENDING))
    parts.append(Part("evidence", LABELS["evidence"], _evidence(prov)))
    return parts
