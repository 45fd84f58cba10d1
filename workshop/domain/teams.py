"""Teams: how a typed team name is matched, and which colour a team gets."""

from __future__ import annotations

# Eight sticky-note colours, light enough for dark text (WCAG AA against #1f2430).
PALETTE_SIZE = 8

DEFAULT_TEAMS = ("Marketing", "Sales", "Support", "Product")


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


def team_colour_index(team: str, teams: list[str]) -> int | None:
    """Index into the palette for a team: its position among the workshop's teams."""
    try:
        return teams.index(team) % PALETTE_SIZE
    except ValueError:
        return None


def normalise_teams(teams: list[str]) -> list[str]:
    """Clean a list of team names, dropping blanks and case-insensitive repeats."""
    result: list[str] = []
    for team in teams:
        cleaned = clean_team_name(team)
        if cleaned and cleaned.casefold() not in {t.casefold() for t in result}:
            result.append(cleaned)
    return result
