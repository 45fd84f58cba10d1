"""WebSocket frames written whole where simple-websocket serves (realtime/whole_sends.py)."""

from __future__ import annotations

import socket
import threading

from workshop.realtime.whole_sends import WholeSends, write_whole_frames

FRAME = bytes(range(256)) * 32_768  # 8 MiB, far more than a socket buffer holds


def read_all(sock: socket.socket, size: int, into: list[bytes]) -> None:
    received = bytearray()
    while len(received) < size:
        chunk = sock.recv(1 << 16)
        if not chunk:
            break
        received += chunk
    into.append(bytes(received))


def test_a_plain_send_can_write_part_of_a_large_frame():
    # The premise: with a timeout (as a cooperative socket behaves) one send() writes what
    # fits in the buffer and returns, the rest unsent.
    writer, reader = socket.socketpair()
    with writer, reader:
        writer.settimeout(5)
        assert writer.send(FRAME) < len(FRAME)


def test_a_large_frame_arrives_whole_through_whole_sends():
    writer, reader = socket.socketpair()
    with writer, reader:
        writer.settimeout(5)
        received: list[bytes] = []
        thread = threading.Thread(target=read_all, args=(reader, len(FRAME), received))
        thread.start()
        assert WholeSends(writer).send(FRAME) == len(FRAME)
        thread.join(10)
        assert received == [FRAME]


def test_two_writers_never_interleave_their_frames():
    writer, reader = socket.socketpair()
    with writer, reader:
        writer.settimeout(5)
        whole = WholeSends(writer)
        frames = [bytes([n]) * (1 << 21) for n in (1, 2)]  # 2 MiB each
        received: list[bytes] = []
        thread = threading.Thread(target=read_all, args=(reader, 1 << 22, received))
        thread.start()
        senders = [threading.Thread(target=whole.send, args=(frame,)) for frame in frames]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(10)
        thread.join(10)
        [data] = received
        assert data in (frames[0] + frames[1], frames[1] + frames[0])


def test_simple_websocket_is_given_wrapped_sockets_once():
    from simple_websocket import ws

    write_whole_frames()
    wrapped = ws.Base.__init__
    write_whole_frames()
    assert ws.Base.__init__ is wrapped and wrapped.wraps_sockets
