"""The validation backlog: each accepted trait placed on importance × evidence.

Plain Python, from the trait's provenance (`domain/merge.py`): its priority dots, its
agreement and its evidence state (`domain/evidence.py`).

- **Important** when its dots are at least the persona's mean dots per trait (and more than
  none), or when at least `AGREEMENT_IMPORTANT` of its agree/disagree votes agree: a belief
  most people hold steers most decisions, so being wrong about it costs most.
- **Evidence**: `validated` (research supports it, none contradicts), `contradicted` (some
  research contradicts it), `untested` (none linked).
- **Quadrant** (the 2×2 the board draws): rows important / less important, columns
  *untested* / *tested* (validated or contradicted)::

                      untested          tested
      important       research_now      rely_on (contradicted ones: rethink)
      less important  watch             fine

  The `research_now` traits become research questions (ops/backlog.py). A contradicted trait
  is tested: it needs a review of the trait, not more research, and is marked `rethink`.

Worked example (persona of four traits with 0, 2, 6 and 0 dots: mean 2):
- 6 dots, untested → important (6 ≥ 2) → `research_now`;
- 2 dots, validated → important (2 ≥ 2) → `rely_on`;
- 0 dots, 80% agree, untested → important (agreement ≥ 0.75) → `research_now`;
- 0 dots, 50% agree, contradicted → less important → `fine`, `rethink`;
- 0 dots, no votes, untested → less important → `watch`.
"""

from __future__ import annotations

from workshop.domain.evidence import CONTRADICTED, UNTESTED

AGREEMENT_IMPORTANT = 0.75
QUADRANTS = ("research_now", "rely_on", "watch", "fine")
LABELS = {"research_now": "Important, untested: research now",
          "rely_on": "Important, tested",
          "watch": "Less important, untested: watch",
          "fine": "Less important, tested"}


def mean_dots(items: list[dict]) -> float:
    """The mean priority dots per trait (0 for none)."""
    return sum(i["provenance"]["votes"]["dots"] for i in items) / len(items) if items else 0.0


def important(item: dict, mean: float) -> bool:
    """Whether a trait is important (module docstring)."""
    votes = item["provenance"]["votes"]
    dots = votes.get("dots") or 0
    agreement = votes.get("agreement")
    return (dots > 0 and dots >= mean) or (agreement is not None
                                           and agreement >= AGREEMENT_IMPORTANT)


def quadrant(is_important: bool, state: str) -> str:
    """The cell of the 2×2 for an importance and an evidence state."""
    if state == UNTESTED:
        return "research_now" if is_important else "watch"
    return "rely_on" if is_important else "fine"


def place(items: list[dict]) -> list[dict]:
    """Every trait placed: `{id, text, important, evidence, quadrant, rethink, dots,
    agreement}`, in the order given."""
    mean = mean_dots(items)
    out = []
    for item in items:
        prov = item["provenance"]
        state = prov.get("evidence_state") or UNTESTED
        is_important = important(item, mean)
        out.append({"id": item["id"], "text": item["text"], "important": is_important,
                    "evidence": state, "quadrant": quadrant(is_important, state),
                    "rethink": state == CONTRADICTED, "dots": prov["votes"].get("dots") or 0,
                    "agreement": prov["votes"].get("agreement")})
    return out


def by_quadrant(placed: list[dict]) -> dict[str, list[dict]]:
    """The placed traits per quadrant, every quadrant present."""
    return {q: [p for p in placed if p["quadrant"] == q] for q in QUADRANTS}


def item_targets(item_id: str, member_ids: list[str] = ()) -> set[tuple[str, str]]:
    """The evidence-link targets that count for a document item id (`a:<id>` or `g:<id>`)."""
    kind, _, target = item_id.partition(":")
    if kind == "g":
        return {("group", target), *(("assumption", m) for m in member_ids)}
    return {("assumption", target)}
