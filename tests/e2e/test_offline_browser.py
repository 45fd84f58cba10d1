"""The browser's outbox under faults: Debian's Chromium, driven by Playwright, against the live
server. A person keeps writing while the network is gone; once it is back, every note lands
exactly once, for them and for everyone else.

`static/js/connection.js` keeps each op until its ack arrives and sends it again with the same
op id after a reconnect; the status chip `#conn-status` says offline / saving / live, with the
number of changes waiting.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.e2e.browsing import BOARD_URL
from tests.e2e.browsing import join as open_board
from tests.e2e.test_live_sync import assert_log_has_no_gap, create_workshop

pytestmark = [pytest.mark.live, pytest.mark.browser]

RECOVERY_MS = 30_000  # socket.io-client backs off up to 5 s between reconnection attempts
# What Chromium logs while the network or the server is gone; expected here, and nothing else.
# The socket dropping, and the board's own fetches (the progress counts) during the outage.
NETWORK_DOWN = re.compile(r"(WebSocket connection to '[^']*/socket\.io/[^']*' failed: .*|"
                          r"Failed to load resource: )net::ERR_"
                          r"(INTERNET_DISCONNECTED|CONNECTION_REFUSED|CONNECTION_RESET)")


# ---- helpers -------------------------------------------------------------------------------


def status(page):
    return page.locator("#conn-status")


def note(page, text: str):
    """The notes on the board showing exactly this text."""
    return page.locator("li.note", has=page.locator(".note-text", has_text=re.compile(
        "^" + re.escape(text) + "$")))


def add_note(page, text: str, category: str = "goals") -> None:
    """Type into a column's add-note box and press Enter, as a person would."""
    box = page.locator(f"section.column[data-category={category}] form.add-note textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def server_log(page, workshop_id: str) -> dict:
    """GET …/events?since=0 with this browser's own cookie."""
    response = page.request.get(f"/api/workshops/{workshop_id}/events?since=0")
    assert response.ok, response.text()
    return response.json()


def snapshot(page, workshop_id: str) -> dict:
    response = page.request.get(f"/api/workshops/{workshop_id}")
    assert response.ok, response.text()
    return response.json()


def assert_each_once(page, workshop_id: str, texts: list[str]) -> dict:
    """Each text was added exactly once in the log, the log has no gap, and the board shows
    exactly the notes of a fresh snapshot. Returns the log."""
    log = server_log(page, workshop_id)
    assert_log_has_no_gap(log)
    added = Counter(event["data"]["assumption"]["text"] for event in log["events"]
                    if event["type"] == "assumption.added")
    assert {text: added[text] for text in texts} == {text: 1 for text in texts}, added
    fresh = snapshot(page, workshop_id)
    assert fresh["seq"] == log["seq"]
    on_board = page.locator("li.note .note-text").all_inner_texts()
    assert sorted(on_board) == sorted(a["text"] for a in fresh["assumptions"])
    return log


def forgive_network_errors(*people) -> None:
    """Drop the console errors a dropped connection causes; any other error still fails."""
    for someone in people:
        someone.errors[:] = [e for e in someone.errors if not NETWORK_DOWN.search(e)]


# ---- tests ---------------------------------------------------------------------------------


def test_notes_written_offline_arrive_once_when_back_online(live_server, person):
    """Pat's browser goes offline and Pat keeps writing three notes: the chip says offline
    with the count waiting, nothing reaches the server. Back online, the outbox is flushed:
    each note is on Fay's board (and Pat's) exactly once, the log holds each once and has no
    gap, and the chip is live again."""
    from playwright.sync_api import expect

    workshop = create_workshop(live_server.url, "Offline notes")
    fay = open_board(person, workshop["facilitator_url"], "Fay")
    pat = open_board(person, workshop["invite_url"], "Pat", team="Support")
    texts = [f"Written offline, note {n}: wants a spare battery" for n in (1, 2, 3)]

    pat.page.context.set_offline(True)  # Chromium also cuts the open WebSocket
    chip = status(pat.page)
    expect(chip).to_have_attribute("data-state", "offline")
    for n, text in enumerate(texts, 1):
        add_note(pat.page, text)
        expect(chip).to_contain_text(f"{n} waiting")
    expect(chip).to_have_attribute("data-state", "offline")
    log = server_log(fay.page, workshop["id"])
    assert not [e for e in log["events"] if e["type"] == "assumption.added"], (
        "nothing may reach the server while Pat is offline")

    pat.page.context.set_offline(False)
    expect(chip).to_have_attribute("data-state", "live", timeout=RECOVERY_MS)
    expect(chip).to_have_text("Live · saved")
    for text in texts:
        expect(note(fay.page, text)).to_have_count(1)
        expect(note(pat.page, text)).to_have_count(1)
    # Not checked: that they land in the order written. The server may apply ops that arrive
    # together in any order (see test_ops_sent_back_to_back_keep_their_order in test_faults).
    assert_each_once(fay.page, workshop["id"], texts)
    assert_each_once(pat.page, workshop["id"], texts)
    forgive_network_errors(pat)


def test_notes_written_while_the_server_is_down_arrive_once(live_server, person):
    """The server itself goes away (both browsers lose it) while Pat writes two notes; when
    it is back on the same port and database, both browsers reconnect by themselves, Pat's
    outbox is flushed, and each note is on both boards exactly once."""
    from playwright.sync_api import expect

    workshop = create_workshop(live_server.url, "Server down")
    fay = open_board(person, workshop["facilitator_url"], "Fay")
    pat = open_board(person, workshop["invite_url"], "Pat", team="Marketing")
    add_note(pat.page, "Written before the outage")
    expect(note(fay.page, "Written before the outage")).to_have_count(1)
    texts = ["Written during the outage: rides in the rain",
             "Written during the outage: fears a flat tyre"]

    expect(status(pat.page)).to_have_attribute("data-state", "live")  # acked: 0 waiting
    live_server.stop()
    try:
        for someone in (fay, pat):
            expect(status(someone.page)).to_have_attribute("data-state", "offline")
        for n, text in enumerate(texts, 1):
            add_note(pat.page, text)
            expect(status(pat.page)).to_contain_text(f"{n} waiting")
    finally:
        live_server.start()

    for someone in (fay, pat):
        expect(status(someone.page)).to_have_attribute("data-state", "live",
                                                       timeout=RECOVERY_MS)
    for text in ["Written before the outage", *texts]:
        expect(note(fay.page, text)).to_have_count(1)
        expect(note(pat.page, text)).to_have_count(1)
    assert_each_once(fay.page, workshop["id"], ["Written before the outage", *texts])
    assert_each_once(pat.page, workshop["id"], ["Written before the outage", *texts])
    forgive_network_errors(fay, pat)


def test_a_lost_ack_is_retried_and_applied_once(live_server, person):
    """The server applies Pat's note but its ack never reaches the browser: the connection
    breaks right then (a WebSocket route drops the ack and closes the socket). The browser
    reconnects and sends the op again with the same op id; the server answers `duplicate`,
    so the note is on both boards once and in the log once."""
    from playwright.sync_api import expect

    workshop = create_workshop(live_server.url, "Lost ack")
    fay = open_board(person, workshop["facilitator_url"], "Fay")
    text = "Its ack got lost: wants to lease, not buy"
    dropped: list[str] = []   # the ack that never reached the page
    ops_sent: list[tuple[int, str]] = []   # (connection number, frame) of every op sent
    acks_seen: list[str] = []  # every op ack that did reach the page
    connections = []

    def relay(ws) -> None:
        """Pass everything through, except the ack of the note: drop it and hang up."""
        server = ws.connect_to_server()
        connections.append(ws)
        number = len(connections)

        def from_page(message) -> None:
            if isinstance(message, str) and message.startswith("42") and '"op"' in message:
                ops_sent.append((number, message))
            server.send(message)

        def from_server(message) -> None:
            is_an_ack = (isinstance(message, str) and message.startswith("43")
                         and '"event"' in message and text in message)
            if is_an_ack and not dropped:
                dropped.append(message)
                ws.close()
                server.close()
                return
            if is_an_ack:
                acks_seen.append(message)
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    pat = person("Pat")
    pat.page.route_web_socket(re.compile(r"/socket\.io/"), relay)
    pat.page.goto(workshop["invite_url"])
    pat.page.fill("#name", "Pat")
    pat.page.fill("#team", "Support")
    pat.page.click("#join-form button[type=submit]")
    pat.page.wait_for_url(BOARD_URL)
    expect(status(pat.page)).to_have_attribute("data-state", "live")

    add_note(pat.page, text)
    expect(note(fay.page, text)).to_have_count(1)  # the server did apply it
    expect(status(pat.page)).to_have_attribute("data-state", "live", timeout=RECOVERY_MS)
    assert dropped, "the ack was never seen on its way back"
    assert len(connections) >= 2, "the browser did not reconnect"
    expect(note(pat.page, text)).to_have_count(1)
    expect(note(fay.page, text)).to_have_count(1)
    log = assert_each_once(fay.page, workshop["id"], [text])
    op_ids = [e["op_id"] for e in log["events"] if e["type"] == "assumption.added"]
    assert len(op_ids) == 1 and op_ids[0] in dropped[0]
    # the same op id went out on the first connection and again on the next one …
    assert sorted({n for n, frame in ops_sent if op_ids[0] in frame}) == [1, 2], ops_sent
    # … and the answer to the resend was the original entry, marked as a duplicate
    assert len(acks_seen) == 1 and '"duplicate":true' in acks_seen[0].replace(" ", ""), acks_seen
    assert_each_once(pat.page, workshop["id"], [text])
    forgive_network_errors(pat)
