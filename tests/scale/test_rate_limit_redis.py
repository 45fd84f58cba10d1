"""With workers sharing Redis, a participant's op rate limit holds across all of them."""

import uuid

import pytest

from workshop.services.errors import ServiceError
from workshop.services.join_limits import JoinLimits
from workshop.services.rate_limit import OpRateLimiter


def test_the_limit_is_counted_in_redis_so_a_second_worker_sees_the_first_ones_ops(redis_url):
    first = OpRateLimiter.from_config("2/second;3/minute", redis_url)
    second = OpRateLimiter.from_config("2/second;3/minute", redis_url)
    key = f"p-{uuid.uuid4().hex}"
    assert [first.allow(key), second.allow(key)] == [True, True]
    assert not first.allow(key) and not second.allow(key)
    assert second.allow(f"p-{uuid.uuid4().hex}")  # someone else still has room


def test_join_limits_are_shared_in_redis_and_kept_apart_from_op_counts(redis_url):
    first = JoinLimits.from_config("2/minute", "5/minute", None, redis_url)
    second = JoinLimits.from_config("2/minute", "5/minute", None, redis_url)
    address, workshop = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}", uuid.uuid4().hex
    ops = OpRateLimiter.from_config("1/minute", redis_url)
    assert ops.allow(address) and not ops.allow(address)  # the same key, another scope
    first.admit(address, workshop)
    second.admit(address, workshop)  # the second worker sees the first one's join
    with pytest.raises(ServiceError) as refused:
        first.admit(address, workshop)
    assert refused.value.code == "rate_limited"
