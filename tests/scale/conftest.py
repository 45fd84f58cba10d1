"""Scale-out fixtures: real Redis, real PostgreSQL, app workers in their own processes.

Like tests/conftest.py's `postgres_url`: without Redis or PostgreSQL these tests skip with
the reason, and with CI=true they fail instead.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import IN_CI
from tests.e2e.conftest import LiveServer

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS", "redis://127.0.0.1:6379/0")


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI where the scale-out tests must run."""
    if IN_CI:
        pytest.fail(f"the scale-out tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_url():
    """The Redis server's URL, or a skip with the reason."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        unavailable(f"Redis not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


class Worker(LiveServer):
    """`python wsgi.py` on PostgreSQL, sharing broadcasts through Redis with other workers."""

    def __init__(self, workdir, database_url: str, redis_url: str, channel: str):
        super().__init__(workdir, "eventlet")
        self.database_url = database_url
        self.env.update(WORKSHOP_DATABASE_URL=database_url, WORKSHOP_MESSAGE_QUEUE=redis_url,
                        WORKSHOP_MESSAGE_QUEUE_CHANNEL=channel,
                        WORKSHOP_OP_RATE="1000/second")


@pytest.fixture(scope="module")
def two_workers(postgres_url, redis_url, tmp_path_factory):
    """Two app workers on different ports, one PostgreSQL database, one Redis channel."""
    channel = f"workshop-test-{uuid.uuid4().hex}"  # pub/sub is global to the Redis server
    workers = [Worker(tmp_path_factory.mktemp(f"worker{i}"), postgres_url, redis_url, channel)
               for i in (1, 2)]
    workers[0].migrate()
    try:
        for worker in workers:
            worker.start()
        yield workers
    finally:
        for worker in workers:
            worker.stop()
