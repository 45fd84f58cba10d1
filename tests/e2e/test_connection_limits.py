"""Connection limits on the real server process: half-open connections, never-reading
clients and join floods do not lock anyone else out (docs/deploy.md, "Limits")."""

from __future__ import annotations

import base64
import json
import os
import re
import resource
import socket
import struct
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import LiveServer
from tests.e2e.test_live_sync import create_workshop, token_of
from tests.e2e.test_live_sync import join as join  # noqa: F401, PLC0414 - the fixture

pytestmark = pytest.mark.live

HEADER_TIMEOUT_S = 6
SEND_QUEUE_BYTES = 256 * 1024
FLOOD_NOTES = 500  # ~20 MB of events to each client that never reads
MEMORY_BOUND_MIB = 12
JOINS_PER_ADDRESS = 25
# More than eventlet's default of 1,024 connections, which this many used to lock out.
HALF_OPEN = 1_100


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def live_server(tmp_path_factory, request):
    """The app under eventlet, then gevent, with a short header timeout (the `join` fixture
    uses it)."""
    server = LiveServer(tmp_path_factory.mktemp("limits"), request.param)
    server.env.update(WORKSHOP_HEADER_TIMEOUT=str(HEADER_TIMEOUT_S),
                      WORKSHOP_MAX_CONNECTIONS="4000",
                      WORKSHOP_SEND_QUEUE_BYTES=str(SEND_QUEUE_BYTES),
                      WORKSHOP_OP_RATE="1000/second",
                      WORKSHOP_JOIN_RATE_PER_ADDRESS=f"{JOINS_PER_ADDRESS}/minute",
                      WORKSHOP_TRUSTED_PROXIES="1")
    with server.serving():
        yield server


@pytest.fixture
def enough_descriptors():
    """This test process opens over a thousand sockets: raise its own soft limit too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = HALF_OPEN + 512
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the hard file-descriptor limit ({hard}) is below {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def open_half_open(url_port: int, count: int, partial: bytes = b"GET /healthz HT") -> list:
    """`count` connections that each send the start of a request line and nothing more."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", url_port), timeout=10)
        sock.sendall(partial)
        sockets.append(sock)
    return sockets


def close_all(sockets: list) -> None:
    for sock in sockets:
        sock.close()


def is_closed_by_server(sock: socket.socket, wait: float) -> bool:
    """True when the server closes this connection within `wait` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_half_open_connections_lock_out_neither_healthz_nor_a_live_socket(
        live_server, join, enough_descriptors):  # noqa: F811
    links = create_workshop(live_server.url)
    sam = join(links["invite_url"], "Sam")
    kim = join(links["invite_url"], "Kim")
    started = time.monotonic()
    flood = open_half_open(live_server.port, HALF_OPEN)
    try:
        assert requests.get(live_server.url + "/healthz", timeout=3).json() == {"status": "ok"}
        ack = sam.add_note("Still heard while a thousand sockets hang")
        assert ack["ok"], ack
        kim.wait_for_seq(ack["seq"])  # the existing connection still receives events
        # All of this while every half-open connection was still open (the first one to
        # time out was opened after `started`).
        assert time.monotonic() - started < HEADER_TIMEOUT_S
    finally:
        close_all(flood)


def test_a_request_head_that_never_completes_is_closed_after_the_header_timeout(live_server):
    silent = open_half_open(live_server.port, 20)
    # One byte every second keeps no connection open past the one deadline for the head.
    trickle = socket.create_connection(("127.0.0.1", live_server.port), timeout=10)
    trickle.sendall(b"GET /healthz HTTP/1.1\r\n")
    try:
        started = time.monotonic()
        closed_trickle = False
        while time.monotonic() - started < HEADER_TIMEOUT_S + 3:
            try:
                trickle.sendall(b"X")
            except OSError:
                closed_trickle = True
                break
            if is_closed_by_server(trickle, 1.0):
                closed_trickle = True
                break
        assert closed_trickle, "a request head sent a byte a second was never cut off"
        assert time.monotonic() - started < HEADER_TIMEOUT_S + 3
        assert all(is_closed_by_server(sock, 3.0) for sock in silent)
    finally:
        close_all([*silent, trickle])
    # A complete request is answered as before.
    assert requests.get(live_server.url + "/healthz", timeout=3).status_code == 200


# ---- a client that never reads ---------------------------------------------------------------


def ws_frame(text: str) -> bytes:
    """One masked WebSocket text frame, as a client must send it (RFC 6455)."""
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def never_reading_client(port: int, cookie: str, workshop_id: str) -> socket.socket:
    """A Socket.IO connection over a raw WebSocket that joins the workshop's room and then
    never reads again (with a small receive buffer, so the server's writes back up soon)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Cookie: {cookie}\r\n\r\n").encode())
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(4096)
    assert received.startswith(b"HTTP/1.1 101"), received[:200]
    sock.sendall(ws_frame("40" + json.dumps({"workshop": workshop_id})))
    while b'40{"sid"' not in received:  # the namespace is joined: stop reading from here on
        received += sock.recv(4096)
    return sock


def server_rss_mib(server: LiveServer) -> float:
    """The server process's resident memory."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


NOTE_BODY = "Interview notes. " * 1_150  # ~20 KB, the largest body a note may have


def test_clients_that_never_read_are_dropped_and_memory_stays_flat(live_server, join):  # noqa: F811
    links = create_workshop(live_server.url)
    sam = join(links["invite_url"], "Sam")
    kim = join(links["invite_url"], "Kim")
    slow_members = [join(links["invite_url"], f"Slow {n}", connect=False) for n in range(3)]
    note = {"title": "Interview", "source_type": "interview", "body": NOTE_BODY}
    for n in range(20):  # warm up the note path before measuring
        assert sam.op("research_note.add", {**note, "title": f"Warm-up {n}"})["ok"]
    kim.wait_for_seq(sam.seq)
    before = server_rss_mib(live_server)
    slow = [never_reading_client(live_server.port, "workshop_session="
                                 + m.http.cookies["workshop_session"], m.workshop_id)
            for m in slow_members]
    try:
        kim.wait_for(lambda: len(kim.present) == 5, "the slow readers to arrive")
        for n in range(FLOOD_NOTES):
            ack = sam.op("research_note.add", {**note, "title": f"Note {n}"})
            assert ack["ok"], ack
        kim.wait_for_seq(sam.seq)  # a reader that reads got every event
        kim.wait_for(lambda: sorted(kim.present_names()) == ["Kim", "Sam"],
                     "the slow readers to be dropped")
        grown = server_rss_mib(live_server) - before
    finally:
        close_all(slow)
    sent_mib = FLOOD_NOTES * 2 * len(NOTE_BODY) / 2**20  # body and body_html in each event
    assert grown < MEMORY_BOUND_MIB, (f"the server grew by {grown:.0f} MiB while sending "
                                      f"{sent_mib:.0f} MiB to clients that never read")
    # A dropped client that comes back catches up by seq, as after any disconnect.
    back = slow_members[0]
    back.sync_timeout = 60  # ~20 MB of events in one answer, on a shared, loaded machine
    back.connect()
    assert back.seq == sam.seq


# ---- joins ------------------------------------------------------------------------------------


def test_a_join_flood_from_one_address_is_answered_429_and_others_still_join(live_server):
    links = create_workshop(live_server.url)

    def join_from(address: str, name: str) -> requests.Response:
        # The server trusts one proxy (WORKSHOP_TRUSTED_PROXIES=1), as it would behind nginx.
        return requests.post(live_server.url + "/api/join", timeout=10,
                             headers={"X-Forwarded-For": address},
                             json={"token": token_of(links["invite_url"]), "name": name,
                                   "team": "Support"})

    answers = [join_from("203.0.113.7", f"Bot {n}") for n in range(JOINS_PER_ADDRESS + 15)]
    assert [a.status_code for a in answers] == [201] * JOINS_PER_ADDRESS + [429] * 15
    assert answers[-1].json() == {"error": {
        "code": "rate_limited", "reason": "joins_from_address",
        "message": "too many joins from your network at once: wait a minute and try again"}}
    assert answers[-1].headers["Retry-After"] == "1"
    assert join_from("198.51.100.20", "Kim").status_code == 201


@pytest.mark.browser
def test_the_join_page_says_why_a_join_was_refused(live_server, person):
    from playwright.sync_api import expect

    links = requests.post(live_server.url + "/api/workshops", timeout=10, json={
        "title": "Twelve teams", "teams": [f"Team {n}" for n in range(1, 13)]}).json()
    sam = person("Sam")
    sam.page.context.set_extra_http_headers({"X-Forwarded-For": "198.51.100.60"})
    sam.page.goto(links["invite_url"])
    sam.page.fill("#name", "Sam")
    sam.page.fill("#team", "Legal")
    sam.page.click("#join-form button[type=submit]")
    expect(sam.page.locator("#join-error")).to_have_text(
        "This workshop already has 12 teams: choose one of them")
    # The Dutch page says it in Dutch (the refusal's `reason`), not the server's English.
    noor = person("Noor")
    noor.page.context.set_extra_http_headers({"X-Forwarded-For": "198.51.100.62"})
    noor.page.goto(links["invite_url"] + "?lang=nl")
    noor.page.fill("#name", "Noor")
    noor.page.fill("#team", "Juridisch")
    noor.page.click("#join-form button[type=submit]")
    expect(noor.page.locator("#join-error")).to_have_text(
        "Deze workshop heeft al 12 teams: kies er een van")
    noor.errors[:] = [e for e in noor.errors if "status of 422" not in e]
    sam.page.fill("#team", "team 3")  # one of the twelve, in any spelling
    sam.page.click("#join-form button[type=submit]")
    sam.page.wait_for_url(f"**/w/{links['id']}")

    # Everyone behind one busy address: the page says to wait, and nothing was joined.
    for n in range(JOINS_PER_ADDRESS):
        requests.post(live_server.url + "/api/join", timeout=10,
                      headers={"X-Forwarded-For": "198.51.100.61"},
                      json={"token": token_of(links["invite_url"]), "name": f"Bot {n}",
                            "team": "Team 1"})
    kim = person("Kim")
    kim.page.context.set_extra_http_headers({"X-Forwarded-For": "198.51.100.61"})
    kim.page.goto(links["invite_url"])
    kim.page.fill("#name", "Kim")
    kim.page.fill("#team", "Team 2")
    kim.page.click("#join-form button[type=submit]")
    expect(kim.page.locator("#join-error")).to_have_text(
        "Too many joins from your network at once: wait a minute and try again")
    assert "/join/" in kim.page.url
    for someone, status in ((sam, "status of 422"), (kim, "status of 429")):  # the refusals
        someone.errors[:] = [e for e in someone.errors if status not in e]
