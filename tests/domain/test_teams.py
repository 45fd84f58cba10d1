"""Team names: matching the workshop's spelling, colours by position."""

from workshop.domain.teams import canonical_team, normalise_teams


def test_a_typed_team_matches_the_workshops_spelling_case_insensitively():
    assert canonical_team("  customer   support ", ["Customer Support"]) == "Customer Support"


def test_a_new_team_keeps_its_cleaned_spelling():
    assert canonical_team(" Legal  Team ", ["Marketing"]) == "Legal Team"


def test_normalise_drops_blanks_and_repeats():
    assert normalise_teams(["Sales", " ", "sales", "Support "]) == ["Sales", "Support"]
