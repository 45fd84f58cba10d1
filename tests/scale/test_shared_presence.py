"""Presence through Redis: each worker's list names the people connected to every worker.

Two registries on one namespace stand for two workers; a third with a short time-to-live
stands for a worker that died without closing its connections.
"""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from workshop.services.backend import PresenceRegistry
from workshop.services.shared_presence import SharedPresenceRegistry, presence_registry


def person(name: str, team: str = "Support") -> dict:
    return {"id": f"id-{name}", "name": name, "team": team, "role": "participant",
            "removed": False}


@pytest.fixture
def namespace(redis_url):
    """A key prefix of this test's own, deleted afterwards."""
    prefix = f"workshop-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def worker(redis_url: str, namespace: str, ttl: float = 60.0) -> SharedPresenceRegistry:
    return SharedPresenceRegistry(redis.Redis.from_url(redis_url), namespace, ttl=ttl)


def names(registry: PresenceRegistry, workshop_id: str = "w1") -> list[str]:
    return [p["name"] for p in registry.present(workshop_id)]


def test_each_worker_lists_the_people_on_every_worker(redis_url, namespace):
    a, b = worker(redis_url, namespace), worker(redis_url, namespace)
    a.connect("w1", "sid-1", person("Alice", "Marketing"))
    b.connect("w1", "sid-2", person("Bob"))
    b.connect("w1", "sid-3", person("Alice", "Marketing"))  # a second tab, on the other worker
    b.connect("w2", "sid-4", person("Zoe"))  # another workshop
    assert names(a) == names(b) == ["Alice", "Bob"]  # once each, sorted by team then name
    assert names(a, "w2") == ["Zoe"]

    b.disconnect("w1", "sid-3")
    assert names(a) == ["Alice", "Bob"]  # still connected to worker A
    a.disconnect("w1", "sid-1")
    assert names(b) == ["Bob"]
    b.disconnect("w1", "sid-2")
    assert names(a) == names(b) == []


def test_a_dead_workers_people_drop_out_unless_its_heartbeat_renews_them(redis_url, namespace):
    alive = worker(redis_url, namespace)
    beating, dead = worker(redis_url, namespace, ttl=1), worker(redis_url, namespace, ttl=1)
    alive.connect("w1", "sid-1", person("Alice"))
    beating.connect("w1", "sid-2", person("Bob"))
    dead.connect("w1", "sid-3", person("Carol"))
    assert names(alive) == ["Alice", "Bob", "Carol"]
    for _ in range(4):  # 2 s: twice the time-to-live
        time.sleep(0.5)
        beating.heartbeat()
    # Carol's worker stopped renewing: she is gone from every list, Bob is not.
    assert names(alive) == ["Alice", "Bob"]
    assert names(beating) == ["Alice", "Bob"]


def test_without_redis_a_worker_still_lists_its_own_people():
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    registry = SharedPresenceRegistry(unreachable, "nowhere")
    registry.connect("w1", "sid-1", person("Alice"))  # logged, not raised
    assert names(registry) == ["Alice"]
    registry.disconnect("w1", "sid-1")
    assert names(registry) == []


def test_the_registry_follows_the_message_queue(redis_url):
    assert isinstance(presence_registry(redis_url, "chan"), SharedPresenceRegistry)
    assert type(presence_registry(None, "chan")) is PresenceRegistry
