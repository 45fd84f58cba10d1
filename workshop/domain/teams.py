"""Teams: how a typed team name is matched to the workshop's own spelling.

(A team's colour is its position among the workshop's teams; the browser assigns it.)"""

from __future__ import annotations

DEFAULT_TEAMS = ("Marketing", "Sales", "Support", "Product")

# Teams a workshop may have, named at creation or added by joins: the divergence view shows
# a column and a colour per team.
MAX_TEAMS = 12


def clean_team_name(name: str) -> str:
    """Collapse inner white space so 'Customer  Support ' and 'Customer Support' match."""
    return " ".join(name.split())


def canonical_team(name: str, teams: list[str]) -> str:
    """The workshop's own spelling of a team, or the cleaned name when it is new."""
    cleaned = clean_team_name(name)
    for team in teams:
        if team.casefold() == cleaned.casefold():
            return team
    return cleaned


def normalise_teams(teams: list[str]) -> list[str]:
    """Clean a list of team names, dropping blanks and case-insensitive repeats."""
    result: list[str] = []
    for team in teams:
        cleaned = clean_team_name(team)
        if cleaned and cleaned.casefold() not in {t.casefold() for t in result}:
            result.append(cleaned)
    return result
