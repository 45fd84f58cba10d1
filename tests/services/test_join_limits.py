"""Join limits: per client address and per workshop, a team cap and a participant cap; every
refusal is clear and leaves the workshop as it was."""

import pytest

from tests.helpers import make_member, make_workshop, send
from workshop.reads.snapshot import snapshot
from workshop.services import workshops
from workshop.services.errors import ServiceError
from workshop.services.join_limits import JoinLimits
from workshop.services.rate_limit import OpRateLimiter


def link_join(backend, token, name, address, team="Support", held=None):
    """POST /api/join as the route calls it: a fresh browser (no cookie) at `address`."""
    return workshops.join_or_rejoin(backend, {"token": token, "name": name, "team": team},
                                    lambda _workshop: held, address)


def limits(per_address="1000/second", per_workshop="1000/second", max_participants=5000):
    return JoinLimits(OpRateLimiter(per_address, scope="join-address"),
                      OpRateLimiter(per_workshop, scope="join-workshop"), max_participants)


def refusal(call) -> dict:
    with pytest.raises(ServiceError) as refused:
        call()
    return {"code": refused.value.code, "message": refused.value.message,
            "status": refused.value.status}


def test_joins_from_one_address_are_limited_and_others_still_get_in(backend):
    backend.join_limits = limits(per_address="3/minute")
    created = make_workshop(backend)
    for n in range(3):
        link_join(backend, created.invite_token, f"Bot {n}", "203.0.113.9")
    assert refusal(lambda: link_join(backend, created.invite_token, "Bot 3", "203.0.113.9")) \
        == {"code": "rate_limited", "status": 429, "message":
            "too many joins from your network at once: wait a minute and try again"}
    participant, created_now = link_join(backend, created.invite_token, "Kim", "198.51.100.4")
    assert created_now and participant["name"] == "Kim"
    names = [p["name"] for p in snapshot(backend, created.id, participant)["participants"]]
    assert names == ["Bot 0", "Bot 1", "Bot 2", "Kim"]  # the refused join left no trace


def test_joins_into_one_workshop_are_limited_whatever_the_address(backend):
    backend.join_limits = limits(per_workshop="5/minute")
    busy, quiet = make_workshop(backend, "Busy"), make_workshop(backend, "Quiet")
    for n in range(5):
        link_join(backend, busy.invite_token, f"Bot {n}", f"203.0.113.{n}")
    assert refusal(lambda: link_join(backend, busy.invite_token, "Bot 5", "203.0.113.99")) \
        == {"code": "rate_limited", "status": 429, "message":
            "too many people are joining this workshop at once: wait a moment and try again"}
    assert link_join(backend, quiet.invite_token, "Kim", "203.0.113.99")[1]


def test_a_rejoin_is_not_counted(backend):
    backend.join_limits = limits(per_address="1/minute")
    created = make_workshop(backend)
    sam, _ = link_join(backend, created.invite_token, "Sam", "203.0.113.9")
    for _ in range(5):  # the browser opens its link again: the same participant, no new one
        again, created_now = link_join(backend, created.invite_token, "Sam", "203.0.113.9",
                                       held=sam["id"])
        assert again["id"] == sam["id"] and not created_now


def test_joins_cannot_grow_the_team_list_past_twelve(backend):
    created = make_workshop(backend, teams=["Marketing", "Support"])
    for n in range(10):
        make_member(backend, created.invite_token, f"Member {n}", f"Team {n}")
    member = make_member(backend, created.invite_token, "Jo", "Support")
    teams = snapshot(backend, created.id, member)["workshop"]["teams"]
    assert len(teams) == 12
    seq = snapshot(backend, created.id, member)["seq"]
    assert refusal(lambda: make_member(backend, created.invite_token, "Max", "Team 13")) == {
        "code": "limit", "status": 422,
        "message": "this workshop already has 12 teams: choose one of them"}
    after = snapshot(backend, created.id, member)
    assert after["workshop"]["teams"] == teams and after["seq"] == seq
    assert make_member(backend, created.invite_token, "Max", "team 3")["team"] == "Team 3"


def test_a_workshop_holds_at_most_its_participant_cap(backend):
    backend.join_limits = limits(max_participants=3)
    created = make_workshop(backend)
    first = make_member(backend, created.invite_token, "A")
    make_member(backend, created.invite_token, "B")
    make_member(backend, created.observer_token, "C")  # observers count too
    assert refusal(lambda: make_member(backend, created.invite_token, "D")) == {
        "code": "limit", "status": 422, "message": "this workshop is full: it has 3 participants"}
    assert len(snapshot(backend, created.id, first)["participants"]) == 3


def test_a_removed_participant_frees_a_place(backend):
    backend.join_limits = limits(max_participants=2)
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Fay", "")
    leaver = make_member(backend, created.invite_token, "Lee")
    assert send(backend, created.id, facilitator["id"], "participant.remove",
                {"id": leaver["id"]})["ok"]
    assert make_member(backend, created.invite_token, "New")["name"] == "New"


def test_the_default_caps_are_well_above_a_thousand_people():
    default = JoinLimits()
    assert default.max_participants >= 5000
    assert all(default.per_workshop.allow("w") for _ in range(30))  # a room joining at once
