"""Limits on a real server: an oversized Socket.IO message is refused by the transport and
changes nothing; the client reconnects and carries on."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e import test_live_sync as live_sync
from tests.e2e.test_live_sync import assert_log_has_no_gap, create_workshop

join = live_sync.join  # the fixture that joins a member and connects their socket

pytestmark = pytest.mark.live


def test_an_oversized_message_changes_nothing_and_the_client_recovers(live_server, join):  # noqa: F811
    links = create_workshop(live_server.url)
    sam = join(links["invite_url"], "Sam")
    persona = sam.fetch_snapshot()["personas"][0]["id"]
    before = sam.fetch_events()["seq"]
    connects = sam.connects
    huge = {"op_id": uuid.uuid4().hex, "type": "assumption.add",
            "data": {"persona_id": persona, "category": "goals", "text": "x" * 100_000}}
    with pytest.raises(Exception):  # noqa: B017 - the transport drops it: no ack ever comes
        sam.sio.call("op", huge, timeout=5)
    assert sam.fetch_events()["seq"] == before
    # The server closed the connection; the client reconnects by itself.
    sam.wait_for(lambda: sam.connects > connects and sam.sio.connected,
                 "reconnect after the oversized message")
    ack = sam.add_note("A normal note again")
    assert ack["ok"] and ack["seq"] == before + 1
    assert_log_has_no_gap(sam.fetch_events())
