"""Waiting for the served app's outbox, so socket tests see events as a browser does.

The app's publisher hands committed events to its outbox, whose own task sends them, batched,
a moment after the op's ack (workshop/realtime/outbox.py). A test that reads a connection
right after an op would find nothing yet; one that checks that something did *not* arrive
would pass whether or not it was going to. So a test waits until every event queued so far
has been sent (`settle`), and then reads what arrived.
"""

from __future__ import annotations

import threading

from workshop.realtime import SocketIOPublisher

# Long enough for a loaded machine; the outbox sends within milliseconds when it can.
TIMEOUT = 5.0


class OutboxWatch:
    """Counts the events publishers queued and the ones their outboxes have sent."""

    def __init__(self) -> None:
        self.queued = 0
        self.sent = 0
        self._changed = threading.Condition()

    def install(self, monkeypatch) -> None:
        """Count through every SocketIOPublisher created from now on (in this test).

        The outbox keeps the `send_events` it was built with, so this must run before the
        app is created; what is sent, and when, stays the app's own.
        """
        publish_event, send_events = SocketIOPublisher.publish_event, \
            SocketIOPublisher.send_events

        def counted_publish(publisher, *args, **kwargs):
            with self._changed:
                self.queued += 1
            publish_event(publisher, *args, **kwargs)

        def counted_send(publisher, workshop_id, deliveries):
            try:
                send_events(publisher, workshop_id, deliveries)
            finally:
                with self._changed:
                    self.sent += len(deliveries)
                    self._changed.notify_all()

        monkeypatch.setattr(SocketIOPublisher, "publish_event", counted_publish)
        monkeypatch.setattr(SocketIOPublisher, "send_events", counted_send)

    def settle(self, timeout: float = TIMEOUT) -> None:
        """Wait until every event queued so far has been sent to its connections."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.sent >= self.queued, timeout):
                raise AssertionError(f"the outbox sent {self.sent} of {self.queued} queued "
                                     f"events within {timeout} s")
