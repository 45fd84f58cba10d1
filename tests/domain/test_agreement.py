"""Agreement measures: worked examples, with the expected numbers computed by hand."""

import json

import pytest

from workshop.domain.agreement import (
    TeamTally,
    agreement,
    divisiveness,
    divisiveness_key,
    group_aware_consensus,
    is_contested,
    measures,
    only_team_believing,
    tally,
    team_agreement,
    team_leaning,
)


def ballots(team, agree=0, disagree=0, unsure=0):
    """A team's votes on one assumption, as (team, stance) pairs."""
    return [(team, "agree")] * agree + [(team, "disagree")] * disagree + [(team, "unsure")] * unsure


def test_tally_counts_votes_per_team_and_lists_teams_that_did_not_vote():
    votes = [*ballots("Marketing", agree=2), *ballots("Support", agree=1, disagree=1, unsure=1)]
    tallies = tally(votes, ["Marketing", "Sales", "Support"])
    assert tallies == {
        "Marketing": TeamTally(agree=2),
        "Sales": TeamTally(),
        "Support": TeamTally(agree=1, disagree=1, unsure=1),
    }
    assert tallies["Support"].seen == 3
    assert tallies["Support"].decisive == 2


def test_an_unknown_stance_is_refused():
    with pytest.raises(ValueError, match="stance"):
        tally([("Marketing", "maybe")], ["Marketing"])


def test_worked_example_two_teams():
    # Marketing 2 agree; Support 1 agree, 1 disagree, 1 unsure.
    tallies = tally([*ballots("Marketing", agree=2),
                     *ballots("Support", agree=1, disagree=1, unsure=1)],
                    ["Marketing", "Support"])
    # A = (2+1) / ((2+1) + (0+1)) = 3/4 = 0.75
    assert agreement(tallies) == pytest.approx(0.75)
    # GAC = (2+1)/(2+2) * (1+1)/(3+2) = 0.75 * 0.4 = 0.3
    assert group_aware_consensus(tallies) == pytest.approx(0.3)
    # A_Marketing = 2/2 = 1.0 (leans agree); A_Support = 1/2 = 0.5 (split)
    assert team_agreement(tallies["Marketing"]) == pytest.approx(1.0)
    assert team_agreement(tallies["Support"]) == pytest.approx(0.5)
    assert team_leaning(tallies["Marketing"]) == "agree"
    assert team_leaning(tallies["Support"]) == "split"
    # Nobody leans disagree, so not contested; spread = 1.0 - 0.5 = 0.5
    assert not is_contested(tallies)
    assert divisiveness(tallies) == pytest.approx(0.5)
    # Support voted decisively but is split, not against: no "only Marketing" callout.
    assert only_team_believing(tallies) is None


def test_worked_example_as_measures():
    m = measures([*ballots("Marketing", agree=2),
                  *ballots("Support", agree=1, disagree=1, unsure=1)],
                 ["Marketing", "Support"])
    assert m == {
        "agreement": 0.75,
        "consensus": 0.3,
        "contested": False,
        "divisiveness": 0.5,
        "only_team": None,
        "votes": 5,  # 2 + 3, unsure included
        "teams": {
            "Marketing": {"agree": 2, "disagree": 0, "unsure": 0, "agreement": 1.0,
                          "leaning": "agree"},
            "Support": {"agree": 1, "disagree": 1, "unsure": 1, "agreement": 0.5,
                        "leaning": "split"},
        },
    }


def test_teams_that_did_not_vote_pull_consensus_down_by_half_each():
    # Marketing 2 agree; Sales and Product have participants but no votes.
    votes = ballots("Marketing", agree=2)
    alone = tally(votes, ["Marketing"])
    with_silent = tally(votes, ["Marketing", "Sales", "Product"])
    # Marketing alone: (2+1)/(2+2) = 0.75
    assert group_aware_consensus(alone) == pytest.approx(0.75)
    # With two silent teams: 0.75 * (0+1)/(0+2) * (0+1)/(0+2) = 0.75 * 0.5 * 0.5 = 0.1875
    assert group_aware_consensus(with_silent) == pytest.approx(0.1875)
    # Agreement only looks at votes cast: 2/2 = 1.0 either way.
    assert agreement(with_silent) == pytest.approx(1.0)
    assert team_leaning(with_silent["Sales"]) == "silent"
    assert not is_contested(with_silent)


def test_one_team_only():
    # Support 3 agree, 1 disagree, and no other team in the workshop.
    tallies = tally(ballots("Support", agree=3, disagree=1), ["Support"])
    # A = A_Support = 3/4 = 0.75, which is >= 2/3, so Support leans agree.
    assert agreement(tallies) == pytest.approx(0.75)
    assert team_leaning(tallies["Support"]) == "agree"
    # GAC = (3+1)/(4+2) = 4/6 = 0.6667
    assert group_aware_consensus(tallies) == pytest.approx(2 / 3)
    # One team can neither contest nor spread, and "only Support" needs someone against.
    assert not is_contested(tallies)
    assert divisiveness(tallies) == 0.0
    assert only_team_believing(tallies) is None


def test_exact_ties_are_split_and_not_contested():
    # Marketing 1 agree, 1 disagree; Sales 2 agree, 2 disagree.
    tallies = tally([*ballots("Marketing", agree=1, disagree=1),
                     *ballots("Sales", agree=2, disagree=2)],
                    ["Marketing", "Sales"])
    # A_Marketing = 1/2 = 0.5, A_Sales = 2/4 = 0.5: both split.
    assert [team_leaning(t) for t in tallies.values()] == ["split", "split"]
    # A = 3/6 = 0.5; GAC = (1+1)/(2+2) * (2+1)/(4+2) = 0.5 * 0.5 = 0.25
    assert agreement(tallies) == pytest.approx(0.5)
    assert group_aware_consensus(tallies) == pytest.approx(0.25)
    # Both teams are divided inside, but not against each other.
    assert not is_contested(tallies)
    assert divisiveness(tallies) == 0.0
    assert only_team_believing(tallies) is None


def test_unsure_votes_only():
    # Marketing 2 unsure, Sales 1 unsure.
    tallies = tally([*ballots("Marketing", unsure=2), *ballots("Sales", unsure=1)],
                    ["Marketing", "Sales"])
    # No agree/disagree votes: A is undefined, each team's A_t too.
    assert agreement(tallies) is None
    assert team_agreement(tallies["Marketing"]) is None
    assert [team_leaning(t) for t in tallies.values()] == ["silent", "silent"]
    # GAC still counts the unsure votes as seen: (0+1)/(2+2) * (0+1)/(1+2) = 1/4 * 1/3 = 1/12
    assert group_aware_consensus(tallies) == pytest.approx(1 / 12)
    assert not is_contested(tallies)
    assert divisiveness(tallies) == 0.0
    assert measures([*ballots("Marketing", unsure=2), *ballots("Sales", unsure=1)],
                    ["Marketing", "Sales"])["consensus"] == 0.0833


def test_no_votes_at_all():
    m = measures([], ["Marketing", "Sales"])
    # A undefined; GAC = 0.5 * 0.5 = 0.25 from the two silent teams.
    assert m["agreement"] is None
    assert m["consensus"] == 0.25
    assert m["contested"] is False
    assert m["divisiveness"] == 0.0
    assert m["only_team"] is None
    assert m["votes"] == 0
    assert m["teams"]["Sales"] == {"agree": 0, "disagree": 0, "unsure": 0, "agreement": None,
                                   "leaning": "silent"}


def test_no_teams_at_all_leaves_consensus_undefined():
    assert group_aware_consensus({}) is None
    assert measures([], [])["consensus"] is None


def test_a_clear_contested_case():
    # Marketing 3 agree; Support 3 disagree.
    tallies = tally([*ballots("Marketing", agree=3), *ballots("Support", disagree=3)],
                    ["Marketing", "Support"])
    # Overall A = 3/6 = 0.5 hides the conflict: A_Marketing = 1.0, A_Support = 0.0.
    assert agreement(tallies) == pytest.approx(0.5)
    assert is_contested(tallies)
    # Spread = 1.0 - 0.0 = 1.0; GAC = (3+1)/(3+2) * (0+1)/(3+2) = 0.8 * 0.2 = 0.16
    assert divisiveness(tallies) == pytest.approx(1.0)
    assert group_aware_consensus(tallies) == pytest.approx(0.16)
    # The only team leaning agree against one leaning disagree is also an "only" case.
    assert only_team_believing(tallies) == "Marketing"


def test_only_one_team_believes_it():
    votes = [
        *ballots("Sales", agree=2),                  # A = 2/2 = 1.0  -> leans agree
        *ballots("Marketing", agree=1, disagree=3),  # A = 1/4 = 0.25 -> leans disagree
        *ballots("Support", disagree=2),             # A = 0/2 = 0.0  -> leans disagree
        *ballots("Product", unsure=1),               # silent: does not count against
    ]
    teams = ["Marketing", "Sales", "Support", "Product"]
    tallies = tally(votes, teams)
    assert only_team_believing(tallies) == "Sales"
    assert is_contested(tallies)
    assert measures(votes, teams)["only_team"] == "Sales"


def test_no_only_team_when_another_team_is_split_or_also_agrees():
    against = [*ballots("Sales", agree=2), *ballots("Support", disagree=2)]
    teams = ["Sales", "Support", "Marketing"]
    # Marketing 1 agree, 1 disagree (0.5, split): not everyone else is against.
    split = tally([*against, *ballots("Marketing", agree=1, disagree=1)], teams)
    assert only_team_believing(split) is None
    assert is_contested(split)
    # Marketing 1 agree (1.0, leans agree): two teams believe it.
    two = tally([*against, *ballots("Marketing", agree=1)], teams)
    assert only_team_believing(two) is None
    assert is_contested(two)


@pytest.mark.parametrize(("agree", "disagree", "leaning"), [
    (2, 1, "agree"),     # 2/3 exactly: leans agree (boundary inclusive)
    (3, 2, "split"),     # 3/5 = 0.6 < 2/3
    (1, 1, "split"),     # 1/2
    (2, 3, "split"),     # 2/5 = 0.4 > 1/3
    (1, 2, "disagree"),  # 1/3 exactly: leans disagree (boundary inclusive)
    (1, 0, "agree"),     # a single agree vote is enough to lean
    (0, 1, "disagree"),
    (0, 0, "silent"),
])
def test_team_leaning_boundaries(agree, disagree, leaning):
    assert team_leaning(TeamTally(agree=agree, disagree=disagree, unsure=5)) == leaning


def test_near_contested_at_the_two_thirds_boundary():
    # Marketing 2 agree, 1 disagree: A = 2/3, exactly on the boundary, leans agree.
    # Sales 1 agree, 2 disagree: A = 1/3, exactly on the boundary, leans disagree.
    on_boundary = tally([*ballots("Marketing", agree=2, disagree=1),
                         *ballots("Sales", agree=1, disagree=2)],
                        ["Marketing", "Sales"])
    assert is_contested(on_boundary)
    # Spread = 2/3 - 1/3 = 1/3
    assert divisiveness(on_boundary) == pytest.approx(1 / 3)
    # Marketing 3 agree, 2 disagree: A = 3/5 = 0.6, just short of 2/3, so split.
    just_inside = tally([*ballots("Marketing", agree=3, disagree=2),
                         *ballots("Sales", agree=1, disagree=2)],
                        ["Marketing", "Sales"])
    assert not is_contested(just_inside)
    # Spread = 0.6 - 1/3 = 0.2667: divisive, but not contested.
    assert divisiveness(just_inside) == pytest.approx(0.6 - 1 / 3)


def test_votes_from_a_team_not_in_the_list_still_count():
    # The workshop lists Marketing; a Legal participant votes disagree twice.
    votes = [*ballots("Marketing", agree=2), *ballots("Legal", disagree=2)]
    tallies = tally(votes, ["Marketing"])
    assert list(tallies) == ["Marketing", "Legal"]  # listed teams first, then newcomers
    assert tallies["Legal"] == TeamTally(disagree=2)
    # A = 2/4 = 0.5; GAC = (2+1)/(2+2) * (0+1)/(2+2) = 0.75 * 0.25 = 0.1875
    assert agreement(tallies) == pytest.approx(0.5)
    assert group_aware_consensus(tallies) == pytest.approx(0.1875)
    assert is_contested(tallies)


def test_ranking_items_most_divisive_first():
    teams = ["Marketing", "Sales", "Support"]
    items = {
        # spread 1.0 - 1.0 = 0, 6 decisive votes
        "calm": [*ballots("Marketing", agree=3), *ballots("Sales", agree=3)],
        # spread 1.0 - 0.0 = 1.0
        "conflict": [*ballots("Marketing", agree=3), *ballots("Sales", disagree=3)],
        # spread 1.0 - 0.5 = 0.5, 8 decisive votes
        "many_votes": [*ballots("Marketing", agree=4), *ballots("Sales", agree=2, disagree=2)],
        # spread 1.0 - 0.5 = 0.5, 6 decisive votes, A = 4/6, |0.6667 - 0.5| = 0.1667
        "near_half": [*ballots("Marketing", agree=2), *ballots("Sales", agree=1, disagree=1),
                      *ballots("Support", agree=1, disagree=1)],
        # spread 1.0 - 0.5 = 0.5, 6 decisive votes, A = 5/6, |0.8333 - 0.5| = 0.3333
        "far_from_half": [*ballots("Marketing", agree=2), *ballots("Sales", agree=1, disagree=1),
                          *ballots("Support", agree=2)],
        # nothing decisive: spread 0, 0 decisive votes
        "unvoted": ballots("Support", unsure=2),
    }
    by_name = {name: measures(votes, teams) for name, votes in items.items()}
    ranked = sorted(by_name, key=lambda name: divisiveness_key(by_name[name]))
    assert ranked == ["conflict", "many_votes", "near_half", "far_from_half", "calm", "unvoted"]
    assert divisiveness_key(by_name["near_half"]) == pytest.approx((-0.5, -6, 0.1667))


def test_measures_are_json_ready_with_rounded_floats():
    # Marketing 2 agree, 1 disagree; Sales 1 disagree; Support silent.
    votes = [*ballots("Marketing", agree=2, disagree=1), *ballots("Sales", disagree=1)]
    m = measures(votes, ["Marketing", "Sales", "Support"])
    assert json.loads(json.dumps(m)) == m
    # A = 2/4 = 0.5; GAC = (2+1)/(3+2) * (0+1)/(1+2) * 0.5 = 0.6 * 1/3 * 0.5 = 0.1
    assert m["agreement"] == 0.5
    assert m["consensus"] == 0.1
    # A_Marketing = 2/3 -> 0.6667 (leans agree), A_Sales = 0.0 (leans disagree)
    assert m["teams"]["Marketing"]["agreement"] == 0.6667
    assert m["contested"] is True
    assert m["only_team"] == "Marketing"
    # Spread = 2/3 - 0 -> 0.6667
    assert m["divisiveness"] == 0.6667
    assert set(m) == {"agreement", "consensus", "contested", "divisiveness", "only_team",
                      "votes", "teams"}
    assert set(m["teams"]["Support"]) == {"agree", "disagree", "unsure", "agreement", "leaning"}
