"""With workers sharing Redis, a participant's op rate limit holds across all of them."""

import uuid

from workshop.services.rate_limit import OpRateLimiter


def test_the_limit_is_counted_in_redis_so_a_second_worker_sees_the_first_ones_ops(redis_url):
    first = OpRateLimiter.from_config("2/second;3/minute", redis_url)
    second = OpRateLimiter.from_config("2/second;3/minute", redis_url)
    key = f"p-{uuid.uuid4().hex}"
    assert [first.allow(key), second.allow(key)] == [True, True]
    assert not first.allow(key) and not second.allow(key)
    assert second.allow(f"p-{uuid.uuid4().hex}")  # someone else still has room
