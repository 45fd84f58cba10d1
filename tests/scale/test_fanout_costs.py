"""What keeps fan-out cheap in a full room: presence as coalesced changes, no per-connection
deflate."""

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


def test_a_connect_storm_sends_the_first_change_at_once_and_the_rest_once_more():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0.2)
    room: list[dict] = []
    started = time.monotonic()
    for n in range(200):  # 200 people connect within a few milliseconds
        room.append(present(n + 1)[-1])
        publisher.publish_presence_change("w1", f"p{n}", lambda: list(room))
    assert [payload["joined"] for _, _, payload, _ in server.emitted] == [present(1)]
    for thread in server.threads:
        thread.join()
    assert len(server.emitted) == 2
    at, name, payload, to = server.emitted[1]
    assert (name, to) == ("presence_delta", "w:w1")
    assert payload["joined"] == sorted(present(200)[1:], key=lambda p: p["id"])
    assert payload["left"] == []
    assert at - started >= 0.19


def test_a_delta_names_who_left_and_who_is_still_here():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0)
    publisher.publish_presence_change("w1", "p1", lambda: present(2))  # p1's second tab closed
    publisher.publish_presence_change("w1", "p3", lambda: present(2))  # p3's last tab closed
    assert [payload for _, _, payload, _ in server.emitted] == [
        {"workshop": "w1", "joined": present(2)[1:], "left": []},
        {"workshop": "w1", "joined": [], "left": ["p3"]}]


def test_the_newcomer_alone_gets_the_whole_list():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0.2)
    publisher.send_presence("w1", "sid-7", present(3))
    assert server.emitted[0][1:] == ("presence", {"workshop": "w1", "present": present(3)},
                                     "sid-7")


def test_presence_of_different_workshops_is_coalesced_separately():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0.2)
    publisher.publish_presence_change("w1", "p0", lambda: present(1))
    publisher.publish_presence_change("w2", "p1", lambda: present(2))
    assert [payload["workshop"] for _, _, payload, _ in server.emitted] == ["w1", "w2"]


def test_an_interval_of_zero_sends_every_change():
    server = FakeServer()
    publisher = SocketIOPublisher(server, presence_interval=0)
    for n in range(5):
        publisher.publish_presence_change("w1", f"p{n}", lambda n=n: present(n + 1))
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
