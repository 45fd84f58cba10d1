"""How much the teams agree on an assumption: the measures shown on the board and in exports.

Every participant votes agree, disagree or unsure on an assumption. Votes are counted per team.
Agree and disagree votes are "decisive"; unsure votes only count as having seen the item.

- Agreement is the share of decisive votes that agree, over all teams together. It is undefined
  (None) when nobody has voted agree or disagree.
- Group-aware consensus (the Pol.is measure, with the declared teams as groups) multiplies, for
  every team that has a participant, (agree votes + 1) / (all its votes + 2). A team that has not
  voted contributes 1/2, so consensus is only high when every team agrees. It is undefined (None)
  when the workshop has no teams.
- A team leans agree when it has voted decisively and at least two thirds of its decisive votes
  agree (agree at least twice disagree). It leans disagree when at most one third agree (disagree
  at least twice agree). A team with decisive votes in between is split; a team without decisive
  votes is silent. Exactly 2/3 and exactly 1/3 count as leaning.
- Contested: at least one team leans agree and at least one other team leans disagree. Split and
  silent teams, and unsure votes, never make an item contested.
- "Only <team> believes this": exactly one team leans agree, at least one other team has voted
  decisively, and every other team that has voted decisively leans disagree. Teams that only
  voted unsure, or did not vote, do not count against it. Such an item is always also contested.
- Divisiveness is the spread of the teams' agreement: the highest minus the lowest agreement
  among the teams that have voted decisively (0 when fewer than two teams have). Items are ranked
  most divisive first; equal spreads go to the item with more decisive votes, then to the item
  whose overall agreement is nearer 50%; items still equal keep their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

STANCES = ("agree", "disagree", "unsure")

AGREE = "agree"
DISAGREE = "disagree"
SPLIT = "split"
SILENT = "silent"

# Snapshots are compared with the browser's numbers; four decimals hides float noise.
DECIMALS = 4


@dataclass(frozen=True)
class TeamTally:
    """One team's votes on one assumption."""

    agree: int = 0
    disagree: int = 0
    unsure: int = 0

    @property
    def seen(self) -> int:
        """Every vote, unsure included: the participants who have looked at the item."""
        return self.agree + self.disagree + self.unsure

    @property
    def decisive(self) -> int:
        """Agree plus disagree votes: the ones that say which way the team leans."""
        return self.agree + self.disagree


def tally(votes: Iterable[tuple[str, str]], teams: Iterable[str]) -> dict[str, TeamTally]:
    """Count (team, stance) votes per team; every listed team gets an entry, voted or not."""
    # Counted in plain dicts, then frozen once per team: every vote on the board runs this.
    counts = {team: dict.fromkeys(STANCES, 0) for team in teams}
    for team, stance in votes:
        if stance not in STANCES:
            raise ValueError(f"unknown stance: {stance!r}")
        # A voter's team may be missing from the list (joined late); the vote still counts.
        counts.setdefault(team, dict.fromkeys(STANCES, 0))[stance] += 1
    return {team: TeamTally(**count) for team, count in counts.items()}


def agreement(tallies: Mapping[str, TeamTally]) -> float | None:
    """Share of all decisive votes that agree, or None when there are none."""
    agree = sum(t.agree for t in tallies.values())
    decisive = sum(t.decisive for t in tallies.values())
    return agree / decisive if decisive else None


def team_agreement(tally: TeamTally) -> float | None:
    """Share of one team's decisive votes that agree, or None when it has none."""
    return tally.agree / tally.decisive if tally.decisive else None


def group_aware_consensus(tallies: Mapping[str, TeamTally]) -> float | None:
    """Product over all teams of (agree + 1) / (seen + 2), or None when there are no teams."""
    if not tallies:
        return None
    product = 1.0
    for t in tallies.values():
        product *= (t.agree + 1) / (t.seen + 2)
    return product


def team_leaning(tally: TeamTally) -> str:
    """'agree', 'disagree', 'split' or 'silent'; the 2/3 and 1/3 boundaries count as leaning."""
    if not tally.decisive:
        return SILENT
    # Whole numbers instead of a/(a+d) >= 2/3, so the boundary is exact.
    if tally.agree >= 2 * tally.disagree:
        return AGREE
    if tally.disagree >= 2 * tally.agree:
        return DISAGREE
    return SPLIT


def _leanings(tallies: Mapping[str, TeamTally]) -> dict[str, str]:
    return {team: team_leaning(t) for team, t in tallies.items()}


def is_contested(tallies: Mapping[str, TeamTally]) -> bool:
    """At least one team leans agree and another leans disagree."""
    leanings = set(_leanings(tallies).values())
    return AGREE in leanings and DISAGREE in leanings


def divisiveness(tallies: Mapping[str, TeamTally]) -> float:
    """Highest minus lowest team agreement among teams with decisive votes; 0.0 below two."""
    shares = [a for a in map(team_agreement, tallies.values()) if a is not None]
    if len(shares) < 2:
        return 0.0
    return max(shares) - min(shares)


def only_team_believing(tallies: Mapping[str, TeamTally]) -> str | None:
    """The one team that leans agree while every other decisive team leans disagree, or None."""
    leanings = _leanings(tallies)
    believers = [team for team, leaning in leanings.items() if leaning == AGREE]
    others = [leaning for leaning in leanings.values() if leaning in (DISAGREE, SPLIT)]
    if len(believers) == 1 and others and all(leaning == DISAGREE for leaning in others):
        return believers[0]
    return None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def measures(votes: Iterable[tuple[str, str]], teams: Iterable[str]) -> dict:
    """All measures of one assumption as JSON-ready data, floats rounded to four decimals."""
    tallies = tally(votes, teams)
    return {
        "agreement": _rounded(agreement(tallies)),
        "consensus": _rounded(group_aware_consensus(tallies)),
        "contested": is_contested(tallies),
        "divisiveness": _rounded(divisiveness(tallies)),
        "only_team": only_team_believing(tallies),
        "votes": sum(t.seen for t in tallies.values()),
        "teams": {
            team: {
                "agree": t.agree,
                "disagree": t.disagree,
                "unsure": t.unsure,
                "agreement": _rounded(team_agreement(t)),
                "leaning": team_leaning(t),
            }
            for team, t in tallies.items()
        },
    }


def divisiveness_key(m: dict) -> tuple:
    """Sort key over measures(): biggest spread, then most decisive votes, then nearest 50%."""
    decisive = sum(t["agree"] + t["disagree"] for t in m["teams"].values())
    # No decisive votes means no agreement; such items already sort last on the first two parts.
    closeness = 0.5 if m["agreement"] is None else abs(m["agreement"] - 0.5)
    return (-m["divisiveness"], -decisive, closeness)
