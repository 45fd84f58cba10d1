"""Each connection's queue of unsent messages, bounded: a reader that does not read is dropped.

Engine.IO gives every connection an unbounded queue, emptied by a writer that blocks while the
client's TCP window is full. A client that never reads its socket therefore kept every event
sent to its room in memory until the ping timeout cut it (~40 s): three such connections took
the server from 217 to 379 MB (issue 25, point 8). Here, once a connection has `max_bytes`
queued, the next message disconnects it and empties its queue. Nothing is lost: the log holds
every event, and a client that comes back resyncs by seq (docs/protocol.md, Delivery).
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)

# What a queued packet costs besides its text (the packet object and the queue's slot).
PACKET_OVERHEAD = 100


def packet_size(packet) -> int:
    """Roughly the bytes a queued Engine.IO packet holds (its text is shared between all the
    connections of a room, so this over-counts memory, never under-counts a connection)."""
    data = getattr(packet, "data", None)
    return PACKET_OVERHEAD + (len(data) if isinstance(data, (str, bytes)) else 0)


class BoundedSendQueue:
    """One connection's send queue, wrapping the async mode's own queue.

    A packet that finds `max_bytes` or more already queued overflows it: the queue is
    emptied, its writer told to stop, and `on_overflow(queue)` called; later packets are
    discarded. Below that, any packet is taken however large (a `sync` answer or a snapshot
    can be megabytes), and a packet counts only while it waits: the writer takes it out
    before it writes it. So a client that reads, even slowly, is not dropped for one large
    answer, while one that never reads is dropped at about `max_bytes` plus one packet.
    """

    def __init__(self, inner, max_bytes: int, empty_error: type[Exception], on_overflow):
        self._inner = inner
        self.max_bytes = max_bytes
        self._empty_error = empty_error
        self._on_overflow = on_overflow
        self._lock = threading.Lock()  # the threading mode puts from several threads
        self.queued_bytes = 0
        self.overflowed = False

    def put(self, item, *args, **kwargs) -> None:
        """Queue a packet (None: the writer's signal to stop, always queued)."""
        if item is None:
            self._inner.put(item, *args, **kwargs)
            return
        size = packet_size(item)
        with self._lock:
            if self.overflowed:
                return
            overflow = self.queued_bytes >= self.max_bytes
            if overflow:
                self.overflowed = True
            else:
                self.queued_bytes += size
        if not overflow:
            self._inner.put(item, *args, **kwargs)
            return
        self._drain()
        self._inner.put(None)  # the writer stops once its current send returns
        self._on_overflow(self)

    def get(self, *args, **kwargs):
        """Take the next packet, as the async mode's queue does."""
        item = self._inner.get(*args, **kwargs)
        if item is not None:
            with self._lock:
                self.queued_bytes = max(0, self.queued_bytes - packet_size(item))
        return item

    def _drain(self) -> None:
        """Drop every queued packet, so their memory goes now, not when the socket closes."""
        while True:
            try:
                self._inner.get(block=False)
            except self._empty_error:
                break
            self._inner.task_done()
        with self._lock:
            self.queued_bytes = 0

    def __getattr__(self, name):
        # task_done, join, qsize, empty: as the wrapped queue does them.
        return getattr(self._inner, name)


def bound_send_queues(eio_server, max_bytes: int) -> None:
    """Give each new connection of this Engine.IO server a BoundedSendQueue.

    Engine.IO has no option for this; every connection makes its queue with the server's
    `create_queue()` (engineio.base_socket), so that is where the bound goes in.
    """
    make_queue = eio_server.create_queue
    empty_error = eio_server.get_queue_empty_exception()

    def drop(queue: BoundedSendQueue) -> None:
        # Not inside put(): that runs inside an emit that is still walking the room.
        eio_server.start_background_task(_disconnect_overflowed, eio_server, queue)

    def create_queue(*args, **kwargs):
        return BoundedSendQueue(make_queue(*args, **kwargs), max_bytes, empty_error, drop)

    eio_server.create_queue = create_queue


def _disconnect_overflowed(eio_server, queue: BoundedSendQueue) -> None:
    """Close the connection whose queue overflowed: Socket.IO sees it disconnect (presence
    and rooms are updated), and its TCP connection ends when its blocked write times out."""
    for sid, connection in list(eio_server.sockets.items()):
        if connection.queue is queue:
            logger.warning("dropped connection %s: over %d bytes unsent (a client that does "
                           "not read); it resyncs by seq when it reconnects", sid,
                           queue.max_bytes)
            connection.close(wait=False, abort=True,
                             reason=eio_server.reason.SERVER_DISCONNECT)
            return
