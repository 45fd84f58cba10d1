"""usage.add / usage.edit / usage.remove: the decision register of an agreed persona."""

import pytest

from tests.helpers import comparable, send
from tests.ops.agreed import agreed_room
from tests.reference_reducer import replay
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync


@pytest.fixture
def room(backend):
    return agreed_room(backend)


def usage(room, **fields):
    """A usage of the room's persona relying on its first trait."""
    return {"persona_id": room["persona"], "title": "Invoice app roadmap",
            "link": "https://wiki.example/roadmap", "date": "2026-11-30", "team": "Product",
            "traits": [room["traits"][0]], **fields}


def test_a_usage_is_recorded_corrected_and_removed_and_replays(backend, room):
    wid, sam = room["id"], room["sam"]
    ack = send(backend, wid, sam["id"], "usage.add", usage(room))
    assert ack["ok"], ack
    added = ack["event"]["data"]["usage"]
    assert ack["event"]["type"] == "usage.added"
    assert {k: added[k] for k in ("title", "date", "team", "traits")} == {
        "title": "Invoice app roadmap", "date": "2026-11-30", "team": "Product",
        "traits": [room["traits"][0]]}
    edited = send(backend, wid, sam["id"], "usage.edit", {
        "id": added["id"], **{k: v for k, v in usage(room, title="Roadmap 2027").items()
                              if k != "persona_id"}})
    assert edited["ok"] and edited["event"]["data"]["previous"]["title"] == "Invoice app roadmap"
    second = send(backend, wid, room["lotte"]["id"], "usage.add",
                  usage(room, title="Spring campaign", link="", traits=[]))
    assert send(backend, wid, room["maria"]["id"], "usage.remove",
                {"id": second["event"]["data"]["usage"]["id"]})["ok"]
    state = snapshot(backend, wid, sam)
    assert [u["title"] for u in state["usages"]] == ["Roadmap 2027"]
    assert replay(sync(backend, wid, sam, 0)["events"]) == comparable(state)


@pytest.mark.parametrize(("fields", "says"), [
    ({"date": "2026-02-30"}, "date: not a calendar date"),
    ({"link": "javascript:alert(1)"}, "link: String should match pattern"),
    ({"link": "https://x.example/a b"}, "link: String should match pattern"),
    ({"traits": ["a:nope"]}, "traits: not traits of this persona"),
])
def test_bad_usages_are_refused_and_change_nothing(backend, room, fields, says):
    before = snapshot(backend, room["id"], room["sam"])["seq"]
    ack = send(backend, room["id"], room["sam"]["id"], "usage.add", usage(room, **fields))
    assert not ack["ok"] and says in ack["error"]["message"]
    assert snapshot(backend, room["id"], room["sam"])["seq"] == before


def test_only_whoever_recorded_it_or_the_facilitator_changes_it(backend, room):
    mine = send(backend, room["id"], room["sam"]["id"], "usage.add",
                usage(room))["event"]["data"]["usage"]["id"]
    ack = send(backend, room["id"], room["lotte"]["id"], "usage.remove", {"id": mine})
    assert ack["error"]["code"] == "forbidden"
    assert send(backend, room["id"], room["maria"]["id"], "usage.remove", {"id": mine})["ok"]


def test_the_same_trait_twice_is_kept_once(backend, room):
    ack = send(backend, room["id"], room["sam"]["id"], "usage.add",
               usage(room, traits=[room["traits"][1], room["traits"][1]]))
    assert ack["event"]["data"]["usage"]["traits"] == [room["traits"][1]]
