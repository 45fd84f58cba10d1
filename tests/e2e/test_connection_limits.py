"""Connection limits on the real server process: half-open connections, never-reading
clients and join floods do not lock anyone else out (docs/deploy.md, "Limits")."""

from __future__ import annotations

import resource
import socket
import time

import pytest
import requests

from tests.e2e.conftest import LiveServer
from tests.e2e.test_live_sync import create_workshop
from tests.e2e.test_live_sync import join as join  # noqa: F401, PLC0414 - the fixture

pytestmark = pytest.mark.live

HEADER_TIMEOUT_S = 4
# More than eventlet's default of 1,024 connections, which this many used to lock out.
HALF_OPEN = 1_100


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app under eventlet with a short header timeout (the `join` fixture uses it)."""
    server = LiveServer(tmp_path_factory.mktemp("limits"))
    server.env.update(WORKSHOP_HEADER_TIMEOUT=str(HEADER_TIMEOUT_S),
                      WORKSHOP_MAX_CONNECTIONS="4000")
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()


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
    flood = open_half_open(live_server.port, HALF_OPEN)
    try:
        started = time.monotonic()
        assert requests.get(live_server.url + "/healthz", timeout=3).json() == {"status": "ok"}
        ack = sam.add_note("Still heard while a thousand sockets hang")
        assert ack["ok"], ack
        kim.wait_for_seq(ack["seq"])  # the existing connection still receives events
        # All of this while every half-open connection is still open (before the timeout).
        assert time.monotonic() - started < HEADER_TIMEOUT_S - 0.5
        assert not is_closed_by_server(flood[0], 0.1)
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
