"""Share links: made, rotated and revoked by the facilitator; a link shows one agreed
persona and nothing else; views are counted, nothing about who."""

from __future__ import annotations

import pytest

from tests.helpers import send
from tests.reach_fixtures import agreed_room, share
from workshop.services import sharing
from workshop.services.errors import ServiceError


def token_of(backend, room, share_id):
    shares = sharing.overview(backend, room["id"], room["maria"], True)["shares"]
    return next(s["token"] for s in shares if s["id"] == share_id)


def test_a_share_link_shows_the_latest_agreed_version_and_counts_views(backend):
    room = agreed_room(backend)
    share_id = share(backend, room)
    token = token_of(backend, room, share_id)
    shown = sharing.shared_persona(backend, token)
    assert shown.document["identity"]["name"] == "Anouk"
    assert shown.meta["version"] == 1 and shown.meta["status"] == "agreed"
    sharing.shared_persona(backend, token)
    assert sharing.views_total(backend, share_id) == 2
    overview = sharing.overview(backend, room["id"], room["maria"], True)["shares"][0]
    assert overview["views"] == 2 and list(overview["views_by_day"].values()) == [2]


def test_the_event_never_carries_the_secret(backend):
    room = agreed_room(backend)
    ack = send(backend, room["id"], room["maria"]["id"], "share.create",
               {"persona_id": room["persona"]})
    token = token_of(backend, room, ack["event"]["data"]["id"])
    secret = token.split(".", 1)[1]
    assert secret not in repr(ack) and secret not in repr(backend.publisher.events)


def test_a_draft_is_never_shown_only_agreed_versions(backend):
    room = agreed_room(backend)
    token = token_of(backend, room, share(backend, room))
    # Version 2 is a draft: the link keeps showing version 1.
    assert send(backend, room["id"], room["sam"]["id"], "document.save", {
        "persona_id": room["persona"], "path": "identity.name", "value": "Anouk B.",
        "base_rev": 1, "reopen": True})["ok"]
    assert sharing.shared_persona(backend, token).document["identity"]["name"] == "Anouk"


def test_a_pinned_version_stays_pinned(backend):
    room = agreed_room(backend)
    token = token_of(backend, room, share(backend, room, version=1))
    assert send(backend, room["id"], room["sam"]["id"], "document.save", {
        "persona_id": room["persona"], "path": "identity.name", "value": "Anouk B.",
        "base_rev": 1, "reopen": True})["ok"]
    assert send(backend, room["id"], room["maria"]["id"], "document.agree",
                {"persona_id": room["persona"], "number": 2})["ok"]
    assert sharing.shared_persona(backend, token).meta["version"] == 1
    latest = token_of(backend, room, share(backend, room))
    assert sharing.shared_persona(backend, latest).meta["version"] == 2


def test_nothing_agreed_yet_is_not_found(backend):
    room = agreed_room(backend)
    assert send(backend, room["id"], room["maria"]["id"], "persona.add", {"name": "Ruben"})["ok"]
    from workshop.reads.snapshot import snapshot
    other = snapshot(backend, room["id"], room["maria"])["personas"][1]["id"]
    ack = send(backend, room["id"], room["maria"]["id"], "share.create", {"persona_id": other})
    token = token_of(backend, room, ack["event"]["data"]["id"])
    with pytest.raises(ServiceError) as refused:
        sharing.shared_persona(backend, token)
    assert refused.value.reason == "nothing_agreed"


def test_rotating_and_revoking_stop_the_old_token_at_once(backend):
    room = agreed_room(backend)
    share_id = share(backend, room)
    old = token_of(backend, room, share_id)
    rotated = send(backend, room["id"], room["maria"]["id"], "share.rotate", {"id": share_id})
    assert rotated["ok"] and rotated["event"]["type"] == "share.rotated"
    with pytest.raises(ServiceError):
        sharing.shared_persona(backend, old)
    new = token_of(backend, room, share_id)
    assert new != old and sharing.shared_persona(backend, new).meta["version"] == 1
    assert send(backend, room["id"], room["maria"]["id"], "share.revoke", {"id": share_id})["ok"]
    with pytest.raises(ServiceError):
        sharing.shared_persona(backend, new)


@pytest.mark.parametrize("token", ["", "ps_", "ps_abc", "ps_abc.def", "x" * 300, "pwa_a.b",
                                   "../../etc", "ps_a.b.c"])
def test_malformed_and_unknown_tokens_are_not_found(backend, token):
    with pytest.raises(ServiceError) as refused:
        sharing.shared_persona(backend, token)
    assert refused.value.status == 404


def test_only_the_facilitator_manages_share_links(backend):
    room = agreed_room(backend)
    refused = send(backend, room["id"], room["sam"]["id"], "share.create",
                   {"persona_id": room["persona"]})
    assert refused["error"]["code"] == "forbidden"
    with pytest.raises(ServiceError):
        sharing.overview(backend, room["id"], room["sam"], True)


def test_anonymous_workshops_share_no_names(backend):
    room = agreed_room(backend, anonymous=True)
    token = token_of(backend, room, share(backend, room))
    shown = sharing.shared_persona(backend, token)
    items = [i for s in shown.document["sections"] for i in s["items"]]
    assert items and all(i["provenance"]["decision"]["by_name"] is None for i in items)
    assert all(src["team"] is None for i in items for src in i["provenance"]["sources"])
    assert "Maria" not in repr(shown.document) and room["maria"]["id"] not in repr(
        shown.document)


def test_ids_of_people_never_leave_even_when_not_anonymous(backend):
    room = agreed_room(backend)
    shown = sharing.shared_persona(backend, token_of(backend, room, share(backend, room)))
    assert room["maria"]["id"] not in repr(shown.document)
    assert room["sam"]["id"] not in repr(shown.document)


@pytest.mark.parametrize("label", ["Wiki ‮RTL‬ 👩🏽‍💻", "Ｗｉｋｉ", "e\u0301\u0301", "0"])
def test_an_api_token_label_round_trips_exactly_to_the_overview(backend, label):
    room = agreed_room(backend)
    ack = send(backend, room["id"], room["maria"]["id"], "api_token.create", {"label": label})
    assert ack["ok"] and ack["event"]["data"]["label"] == label
    assert [t["label"] for t in sharing.overview(backend, room["id"], room["maria"],
                                                 True)["api_tokens"]] == [label]
