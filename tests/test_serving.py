"""Serving: accepted connections have Nagle's algorithm switched off."""

import socket

from workshop.serving import NoDelayListener


def test_accepted_sockets_have_tcp_nodelay():
    raw = socket.create_server(("127.0.0.1", 0))
    listener = NoDelayListener(raw)
    client = socket.create_connection(raw.getsockname())
    try:
        conn, _ = listener.accept()
        with conn:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        client.close()
        raw.close()


def test_the_listener_passes_everything_else_through():
    raw = socket.create_server(("127.0.0.1", 0))
    try:
        assert NoDelayListener(raw).getsockname() == raw.getsockname()
    finally:
        raw.close()
