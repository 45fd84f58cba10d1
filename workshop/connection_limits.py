"""How many connections a server process may hold, and how long a request may take to arrive.

One process serves every workshop, so a flood of connections that never finish a request
(half-open sockets, slowloris) must neither fill every connection slot nor run the process out
of file descriptors (issue 25, point 4; docs/deploy.md, "Limits").
"""

from __future__ import annotations

import logging
import resource

logger = logging.getLogger(__name__)

# Descriptors the process needs besides its client connections: the listening socket, the
# SQLite file with its -wal and -shm, PostgreSQL or Redis connections, logs, imports.
RESERVED_DESCRIPTORS = 256


def raise_file_limit(wanted: int) -> int:
    """Raise the soft RLIMIT_NOFILE towards `wanted` (never past the hard limit); returns the
    soft limit in force afterwards, and says so in the log when it is below `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted if soft == resource.RLIM_INFINITY else soft
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as error:
        logger.warning("could not raise the file-descriptor limit from %d to %d: %s",
                       soft, target, error)
        target = soft
    if target < wanted:
        logger.warning("the file-descriptor limit is %d (hard limit %s), below the %d that "
                       "WORKSHOP_MAX_CONNECTIONS needs: raise it (ulimit -n, or LimitNOFILE= "
                       "in the service unit)", target,
                       "unlimited" if hard == resource.RLIM_INFINITY else hard, wanted)
    return target


def connection_slots(max_connections: int) -> int:
    """The connections this process can really hold: WORKSHOP_MAX_CONNECTIONS, lowered to
    what the file-descriptor limit leaves after the reserve (eventlet stops serving
    altogether when accept() fails with EMFILE, so it must never get there)."""
    limit = raise_file_limit(max_connections + RESERVED_DESCRIPTORS)
    slots = max(1, min(max_connections, limit - RESERVED_DESCRIPTORS))
    if slots < max_connections:
        logger.warning("serving at most %d connections instead of %d (file-descriptor limit "
                       "%d)", slots, max_connections, limit)
    return slots


def header_deadline_protocol(seconds: float):
    """eventlet's HTTP protocol with one deadline for each request's line and headers.

    eventlet waits for a request line and headers forever by default, so a client that opens
    a connection and sends part of a request holds a connection slot (and a descriptor) for
    as long as it likes. Here the request line and every header must have arrived within
    `seconds` of starting to wait for them, else the connection is closed (eventlet's server
    closes a connection quietly on TimeoutError). The deadline is one for the whole head, not
    per read, so a byte every few seconds does not keep it alive. Once the headers are in,
    the request (a WebSocket too) runs without it.
    """
    import eventlet
    import eventlet.wsgi

    class HeaderDeadlineProtocol(eventlet.wsgi.HttpProtocol):
        """eventlet.wsgi's protocol, closing requests whose head is not in on time."""

        def handle_one_request(self):
            self._head_deadline = eventlet.Timeout(
                seconds, TimeoutError("the request head did not arrive in time"))
            try:
                super().handle_one_request()
            finally:
                self._head_deadline.cancel()

        def parse_request(self):
            # eventlet reads the headers here; what follows is the request itself.
            try:
                return super().parse_request()
            finally:
                self._head_deadline.cancel()

    return HeaderDeadlineProtocol


def gevent_header_deadline_handler(seconds: float):
    """gevent's WSGI handler with the same deadline for each request's line and headers as
    `header_deadline_protocol`, and TCP_NODELAY on each accepted connection."""
    import socket

    import gevent
    from gevent.pywsgi import WSGIHandler

    class HeaderDeadlineHandler(WSGIHandler):
        """gevent.pywsgi's handler, closing requests whose head is not in on time."""

        def handle(self):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().handle()

        def handle_one_request(self):
            # A TimeoutError is a socket error: gevent then closes the connection quietly.
            self._head_deadline = gevent.Timeout.start_new(
                seconds, TimeoutError("the request head did not arrive in time"))
            try:
                return super().handle_one_request()
            finally:
                self._head_deadline.close()

        def read_request(self, raw_requestline):
            # gevent reads the headers here; what follows is the request itself.
            try:
                return super().read_request(raw_requestline)
            finally:
                self._head_deadline.close()

    return HeaderDeadlineHandler
