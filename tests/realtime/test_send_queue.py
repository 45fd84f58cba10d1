"""A connection's unsent queue is bounded: past the bound it is emptied and the connection
dropped, so a client that never reads cannot make the server hold every event for it."""

import queue
import threading

import engineio
from engineio import packet
from engineio.socket import Socket

from workshop.realtime.send_queue import PACKET_OVERHEAD, BoundedSendQueue, bound_send_queues


def message(size: int) -> packet.Packet:
    return packet.Packet(packet.MESSAGE, data="x" * size)


def bounded(max_bytes: int):
    overflowed = []
    return BoundedSendQueue(queue.Queue(), max_bytes, queue.Empty, overflowed.append), overflowed


def test_packets_within_the_bound_are_queued_and_counted_until_taken():
    sends, overflowed = bounded(1000)
    for _ in range(3):
        sends.put(message(200))
    assert sends.queued_bytes == 3 * (200 + PACKET_OVERHEAD) and sends.qsize() == 3
    sends.get()
    sends.task_done()
    assert sends.queued_bytes == 2 * (200 + PACKET_OVERHEAD)
    assert overflowed == []


def test_a_large_packet_is_taken_while_the_queue_is_below_its_bound():
    sends, overflowed = bounded(1000)
    sends.put(message(200))
    sends.put(message(50_000))  # a large `sync` answer while little else waits
    assert sends.qsize() == 2 and overflowed == []
    sends.get()
    sends.get()  # the writer took it: a packet being written counts no more
    sends.put(message(50_000))
    assert sends.qsize() == 1 and overflowed == []


def test_overflow_empties_the_queue_stops_the_writer_and_reports_once():
    sends, overflowed = bounded(1000)
    for _ in range(4):
        sends.put(message(200))  # 4 x 300 bytes: the bound is reached
    assert overflowed == []
    sends.put(message(10))  # finds 1200 >= 1000 queued
    assert overflowed == [sends] and sends.overflowed
    assert sends.get(block=False) is None  # the writer's signal to stop; nothing else held
    assert sends.qsize() == 0 and sends.queued_bytes == 0
    for _ in range(100):  # the room keeps sending: nothing piles up, no second report
        sends.put(message(500))
    assert sends.qsize() == 0 and overflowed == [sends]


def test_an_overflowing_engineio_connection_is_disconnected_and_others_are_not():
    server = engineio.Server(async_mode="threading")
    bound_send_queues(server, 2000)
    gone = threading.Event()
    reasons = []

    @server.on("disconnect")
    def on_disconnect(sid, reason):
        reasons.append((sid, reason))
        gone.set()

    slow, calm = Socket(server, "slow"), Socket(server, "calm")
    for sid, connection in (("slow", slow), ("calm", calm)):
        connection.connected = True
        server.sockets[sid] = connection
    for _ in range(10):  # nobody takes from the slow queue; the calm one is read
        server.send_packet("slow", message(400))
        server.send_packet("calm", message(400))
        calm.queue.get()
    assert gone.wait(5)
    assert reasons == [("slow", server.reason.SERVER_DISCONNECT)]
    assert slow.closed and not calm.closed
    assert slow.queue.queued_bytes == 0
