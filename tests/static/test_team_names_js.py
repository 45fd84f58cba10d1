"""Short team labels on the vote bars (static/js/state.js teamShortNames), run in node.

One letter where it is unique; a longer prefix (up to three letters) where teams share a
first letter, so Support and Sales are no longer both "S".
"""

import json
import shutil
import subprocess

import pytest

from workshop.config import ROOT

RUN = """
import { teamShortNames } from %s;
const teams = JSON.parse(process.argv[1]);
console.log(JSON.stringify(Object.fromEntries(teamShortNames(teams))));
"""


@pytest.fixture
def short_names():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    module = json.dumps((ROOT / "static/js/state.js").as_uri())

    def _run(teams: list[str]) -> dict:
        result = subprocess.run([node, "--input-type=module", "-e", RUN % module,
                                 json.dumps(teams)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    return _run


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
