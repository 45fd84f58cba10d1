"""What keeps fan-out cheap at 200 people: coalesced presence, no per-connection deflate."""

from __future__ import annotations

import threading
import time

from workshop.config import Config
from workshop.realtime import SocketIOPublisher
from workshop.serving import WithoutWebSocketCompression


class FakeServer:
    """Records emits; background tasks are threads, like Flask-SocketIO in threading mode."""

    def __init__(self):
        self.emitted: list[tuple[float, str, dict, str]] = []
        self.threads: list[threading.Thread] = []

    def emit(self, name, payload, to=None):
        self.emitted.append((time.monotonic(), name, payload, to))

    def start_background_task(self, target, *args):
        thread = threading.Thread(target=target, args=args)
        thread.start()
        self.threads.append(thread)

    def sleep(self, seconds):
        time.sleep(seconds)


def present(n: int) -> list[dict]:
    return [{"id": f"p{i}", "name": f"Person {i}", "team": "Support"} for i in range(n)]


def test_a_connect_storm_sends_the_first_presence_at_once_and_the_latest_once_more():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0.2)
    started = time.monotonic()
    for n in range(1, 201):  # 200 people connect within a few milliseconds
        publisher.publish_presence("w1", present(n))
    assert len(server.emitted) == 1 and len(server.emitted[0][2]["present"]) == 1
    for thread in server.threads:
        thread.join()
    assert len(server.emitted) == 2
    at, name, payload, room = server.emitted[1]
    assert (name, room) == ("presence", "w:w1")
    assert len(payload["present"]) == 200  # the latest list, not a stale one
    assert at - started >= 0.19


def test_presence_of_different_workshops_is_coalesced_separately():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0.2)
    publisher.publish_presence("w1", present(1))
    publisher.publish_presence("w2", present(2))
    assert [payload["workshop"] for _, _, payload, _ in server.emitted] == ["w1", "w2"]


def test_an_interval_of_zero_sends_every_change():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0)
    for n in range(5):
        publisher.publish_presence("w1", present(n))
    assert len(server.emitted) == 5 and not server.threads


def test_the_presence_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("WORKSHOP_PRESENCE_INTERVAL", "0.5")
    monkeypatch.setenv("WORKSHOP_MESSAGE_QUEUE_CHANNEL", "persona-a")
    config = Config.from_env()
    assert config.presence_interval == 0.5
    assert config.message_queue_channel == "persona-a"


def test_websocket_upgrades_are_served_without_permessage_deflate():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []

    WithoutWebSocketCompression(app)({
        "PATH_INFO": "/socket.io/", "HTTP_UPGRADE": "websocket",
        "HTTP_SEC_WEBSOCKET_EXTENSIONS": "permessage-deflate; client_max_window_bits"}, None)
    assert "HTTP_SEC_WEBSOCKET_EXTENSIONS" not in seen
    assert seen["HTTP_UPGRADE"] == "websocket"
