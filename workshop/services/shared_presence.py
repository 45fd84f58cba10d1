"""Presence shared by several workers through Redis, so every list names everyone present.

Each worker keeps, per workshop, one Redis hash of its own connections (sid -> participant)
and adds its id to the workshop's set of workers. A list is the union of those hashes. A
worker's hashes expire unless its heartbeat renews them, so the people of a worker that died
without closing its connections drop out of the lists within `ttl` seconds; their browsers
reconnect to another worker and are listed again from there.
"""

from __future__ import annotations

import json
import logging
import uuid

from workshop.services.backend import PresenceRegistry, sorted_present

log = logging.getLogger(__name__)

# Drop a worker from a workshop's set only if its hash is really gone: checked and done in
# one step, so a connection arriving in between is never dropped with it.
FORGET_IF_EMPTY = """
if redis.call('exists', KEYS[2]) == 0 then return redis.call('srem', KEYS[1], ARGV[1]) end
return 0
"""


class SharedPresenceRegistry(PresenceRegistry):
    """PresenceRegistry whose `present` spans every worker sharing one Redis channel."""

    def __init__(self, redis_client, namespace: str, ttl: float = 60.0):
        super().__init__()  # this worker's own connections, also the fallback without Redis
        self.redis = redis_client
        self.namespace = namespace
        self.worker = uuid.uuid4().hex
        self.ttl = ttl
        self._forget_if_empty = redis_client.register_script(FORGET_IF_EMPTY)

    @classmethod
    def from_url(cls, url: str, namespace: str) -> SharedPresenceRegistry:
        """A registry on the Redis server at `url` (the message queue's)."""
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=5), namespace)

    def _connections_key(self, workshop_id: str, worker: str) -> str:
        return f"{self.namespace}:presence:{workshop_id}:{worker}"

    def _workers_key(self, workshop_id: str) -> str:
        return f"{self.namespace}:presence-workers:{workshop_id}"

    def _renew(self, pipe, workshop_id: str) -> None:
        """Queue: this worker's hash and its place in the workshop's set live `ttl` more."""
        pipe.expire(self._connections_key(workshop_id, self.worker), int(self.ttl))
        pipe.sadd(self._workers_key(workshop_id), self.worker)
        pipe.expire(self._workers_key(workshop_id), int(self.ttl))

    def connect(self, workshop_id: str, sid: str, participant: dict) -> None:
        """Record the connection here and in Redis."""
        super().connect(workshop_id, sid, participant)

        def write(pipe):
            pipe.hset(self._connections_key(workshop_id, self.worker), sid,
                      json.dumps(participant))
            self._renew(pipe, workshop_id)
        self._shared(write)

    def disconnect(self, workshop_id: str, sid: str) -> dict | None:
        """Forget the connection here and in Redis; the participant it belonged to."""
        participant = super().disconnect(workshop_id, sid)
        self._shared(lambda pipe: pipe.hdel(self._connections_key(workshop_id, self.worker),
                                            sid))
        return participant

    def present(self, workshop_id: str) -> list[dict]:
        """Everyone with an open connection on any live worker, once each."""
        try:
            workers = [w.decode() for w in self.redis.smembers(self._workers_key(workshop_id))]
            pipe = self.redis.pipeline(transaction=False)
            for worker in workers:
                pipe.hvals(self._connections_key(workshop_id, worker))
            held = pipe.execute()
            for worker, values in zip(workers, held, strict=True):
                if not values:  # no connections left there, or its hash expired
                    self._forget_if_empty(keys=[self._workers_key(workshop_id),
                                                self._connections_key(workshop_id, worker)],
                                          args=[worker])
            return sorted_present(json.loads(value) for values in held for value in values)
        except Exception as error:  # noqa: BLE001 - Redis down: say who is here, at least
            log.warning("shared presence unavailable, listing this worker only: %s", error)
            return super().present(workshop_id)

    def heartbeat(self) -> None:
        """Renew this worker's hashes (call more often than `ttl`)."""
        workshops = list(self._by_workshop)

        def write(pipe):
            for workshop_id in workshops:
                self._renew(pipe, workshop_id)
        self._shared(write)

    def _shared(self, build) -> None:
        """Run some writes in one round trip; on a Redis error, log and carry on locally."""
        try:
            pipe = self.redis.pipeline(transaction=False)
            build(pipe)
            pipe.execute()
        except Exception as error:  # noqa: BLE001 - presence is a courtesy, not the log
            log.warning("shared presence not updated: %s", error)


def presence_registry(message_queue: str | None, channel: str) -> PresenceRegistry:
    """Shared through Redis when workers share a Redis message queue; else in-process."""
    if message_queue and message_queue.startswith(("redis://", "rediss://")):
        return SharedPresenceRegistry.from_url(message_queue, channel)
    return PresenceRegistry()
