"""A webhook receiver on loopback, as a receiver would write one: it checks the signature."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from workshop.domain import webhooks


class Receiver:
    """Serves POSTs on 127.0.0.1; `answer` is the status it replies, `delay` how long it
    takes first. Each delivery is kept with whether its signature verified."""

    def __init__(self, secret: str = "", answer: int = 204, delay: float = 0.0):
        self.secret, self.answer, self.delay = secret, answer, delay
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signature = self.headers.get(webhooks.SIGNATURE_HEADER, "")
                receiver.received.append({
                    "body": body, "headers": dict(self.headers),
                    "verified": webhooks.verify(receiver.secret, signature, body,
                                                int(time.time()))})
                time.sleep(receiver.delay)
                self.send_response(receiver.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/personas"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        """The deliveries, once at least `count` arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received
