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
    data = packet.data
    return PACKET_OVERHEAD + (len(data) if data else 0)


class BoundedSendQueue:
    """One connection's send queue, wrapping the async mode's own queue.

    A packet that finds `max_bytes` or more already queued overflows it: the queue is
    emptied, its writer told to stop, and `on_overflow(queue)` called; later packets are
    discarded. Below that, any packet is taken however large (a `sync` answer or a snapshot
    can be megabytes), and a packet counts only while it waits: the writer takes it out
    before it writes it. So a client that reads, even slowly, is not dropped for one large
    answer, while one that never reads is dropped at about `max_bytes` plus one packet.

    This class takes no lock: green threads (eventlet, gevent) never switch inside put() or
    get(), which do no I/O, and a green lock cost ~2 µs per message (~15% of a core at
    80,000 deliveries a second). Threading mode uses LockedBoundedSendQueue.
    """

    def __init__(self, inner, max_bytes: int, empty_error: type[Exception], on_overflow):
        self._inner = inner
        self.max_bytes = max_bytes
        self._empty_error = empty_error
        self._on_overflow = on_overflow
        self.queued_bytes = 0
        self.overflowed = False

    # engineio.socket calls put(packet), get(timeout=...) and get(block=False). These run
    # once per message per connection, so they are kept to a few attribute operations.

    def put(self, item) -> None:
        """Queue a packet (None: the writer's signal to stop, always queued)."""
        if item is not None:
            if self.queued_bytes >= self.max_bytes or self.overflowed:
                self._overflow()
                return
            data = item.data
            self.queued_bytes += PACKET_OVERHEAD + (len(data) if data else 0)
        self._inner.put(item)

    def get(self, block: bool = True, timeout: float | None = None):
        """Take the next packet, as the async mode's queue does."""
        item = self._inner.get(block, timeout)
        if item is not None:
            data = item.data
            self.queued_bytes -= PACKET_OVERHEAD + (len(data) if data else 0)
        return item

    def _overflow(self) -> None:
        """Empty the queue and stop its writer, the first time the bound is reached."""
        if self.overflowed:
            return
        self.overflowed = True
        self._drain()
        self._inner.put(None)  # the writer stops once its current send returns
        self._on_overflow(self)

    def _drain(self) -> None:
        """Drop every queued packet, so their memory goes now, not when the socket closes."""
        while True:
            try:
                self._inner.get(block=False)
            except self._empty_error:
                break
            self._inner.task_done()
        self.queued_bytes = 0

    def __getattr__(self, name):
        # task_done, join, qsize, empty: as the wrapped queue does them.
        return getattr(self._inner, name)


class LockedBoundedSendQueue(BoundedSendQueue):
    """BoundedSendQueue for threading mode, where threads put and get concurrently."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock = threading.RLock()  # an overflow drains through the inner queue

    def put(self, item) -> None:
        with self._lock:
            super().put(item)

    def get(self, block: bool = True, timeout: float | None = None):
        item = self._inner.get(block, timeout)  # waits outside the lock
        if item is not None:
            with self._lock:
                self.queued_bytes -= packet_size(item)
        return item


def bound_send_queues(eio_server, max_bytes: int) -> None:
    """Give each new connection of this Engine.IO server a BoundedSendQueue.

    Engine.IO has no option for this; every connection makes its queue with the server's
    `create_queue()` (engineio.base_socket), so that is where the bound goes in.
    """
    make_queue = eio_server.create_queue
    empty_error = eio_server.get_queue_empty_exception()
    cooperative = eio_server.async_mode in ("eventlet", "gevent", "gevent_uwsgi")
    queue_class = BoundedSendQueue if cooperative else LockedBoundedSendQueue

    def drop(queue: BoundedSendQueue) -> None:
        # Not inside put(): that runs inside an emit that is still walking the room.
        eio_server.start_background_task(_disconnect_overflowed, eio_server, queue)

    def create_queue(*args, **kwargs):
        return queue_class(make_queue(*args, **kwargs), max_bytes, empty_error, drop)

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
