"""Creating and joining workshops, and who a link or a browser is in one."""

import pytest

from tests.helpers import make_member, make_workshop
from workshop.reads.snapshot import snapshot
from workshop.services import workshops
from workshop.services.errors import ServiceError


def test_a_new_workshop_has_three_distinct_links_and_a_default_persona(backend):
    created = make_workshop(backend, teams=["Marketing", " marketing", "Support"])
    tokens = {created.facilitator_token, created.invite_token, created.observer_token}
    assert len(tokens) == 3 and all(t.startswith(created.id + ".") for t in tokens)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    snap = snapshot(backend, created.id, facilitator)
    assert snap["workshop"]["teams"] == ["Marketing", "Support"]
    assert [p["name"] for p in snap["personas"]] == ["Primary customer"]
    assert snap["workshop"]["phase"] == "collect"
    assert [c["key"] for c in snap["categories"]][:3] == ["identity", "goals", "needs"]


def test_without_teams_the_default_teams_are_offered(backend):
    created = workshops.create_workshop(backend, {"title": "Quick one"})
    assert workshops.resolve_token(backend, created.invite_token).teams == [
        "Marketing", "Sales", "Support", "Product"]


@pytest.mark.parametrize("body, fragment", [
    ({}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "ok", "teams": "Marketing"}, "teams"),
    ({"title": "ok", "teams": ["t"] * 13}, "teams"),
])
def test_bad_workshop_bodies_are_refused(backend, body, fragment):
    with pytest.raises(ServiceError) as caught:
        workshops.create_workshop(backend, body)
    assert caught.value.code == "invalid" and fragment in caught.value.message


def test_each_link_grants_its_own_role(backend):
    created = make_workshop(backend)
    assert workshops.resolve_token(backend, created.facilitator_token).role == "facilitator"
    assert workshops.resolve_token(backend, created.invite_token).role == "participant"
    assert workshops.resolve_token(backend, created.observer_token).role == "observer"


@pytest.mark.parametrize("mangle", [
    lambda t: t + "x", lambda t: t[:-1], lambda t: "nope" + t, lambda t: t.split(".")[0],
    lambda t: "", lambda t: t.replace(".", "", 1),
])
def test_a_wrong_token_leads_nowhere(backend, mangle):
    created = make_workshop(backend)
    with pytest.raises(ServiceError) as caught:
        workshops.resolve_token(backend, mangle(created.invite_token))
    assert caught.value.code == "not_found"


def test_participants_must_name_a_team_and_observers_get_none(backend):
    created = make_workshop(backend)
    with pytest.raises(ServiceError, match="team"):
        make_member(backend, created.invite_token, "Sam", " ")
    observer = make_member(backend, created.observer_token, "Olga", "Marketing")
    assert observer["role"] == "observer" and observer["team"] == ""


def test_a_typed_team_matches_an_existing_one(backend):
    created = make_workshop(backend, teams=["Customer Support"])
    member = make_member(backend, created.invite_token, "Sam", "customer  SUPPORT")
    assert member["team"] == "Customer Support"


def test_find_member_refuses_other_workshops_and_unknown_ids(backend):
    created = make_workshop(backend)
    other = make_workshop(backend, "Other")
    sam = make_member(backend, created.invite_token)
    assert workshops.find_member(backend, created.id, sam["id"])["name"] == "Sam"
    assert workshops.find_member(backend, other.id, sam["id"]) is None
    assert workshops.find_member(backend, created.id, "nobody") is None
    assert workshops.find_member(backend, created.id, None) is None
