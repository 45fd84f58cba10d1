"""Short team labels on the vote bars (static/js/state.js teamShortNames), run in node.

One letter where it is unique; a longer prefix (up to three letters) where teams share a
first letter, so Support and Sales are no longer both "S".
"""

import pytest

from tests.static.node import node_runner

RUN = """
import { teamShortNames } from %s;
console.log(JSON.stringify(Object.fromEntries(teamShortNames(input))));
"""


@pytest.fixture
def short_names():
    return node_runner("state.js", RUN)


def test_one_letter_where_it_is_unique(short_names):
    assert short_names(["Marketing", "Product", "Engineering"]) == {
        "Marketing": "M", "Product": "P", "Engineering": "E"}


def test_teams_sharing_a_first_letter_get_a_longer_prefix(short_names):
    assert short_names(["Support", "Sales", "Marketing"]) == {
        "Support": "Su", "Sales": "Sa", "Marketing": "M"}
    assert short_names(["Sales", "Salesforce admins", "support"]) == {
        "Sales": "Sal", "Salesforce admins": "Sal", "support": "Su"}  # three letters at most


def test_short_and_accented_names(short_names):
    assert short_names(["IT", "Inkoop", "Één team", "ops"]) == {
        "IT": "IT", "Inkoop": "In", "Één team": "É", "ops": "O"}
