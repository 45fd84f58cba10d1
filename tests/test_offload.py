"""The worker pool for heavy work: other processes, bounded, niced, and never left behind."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.hub_ticker import run_server_like
from workshop.offload import WORKER_NICENESS, WorkerPool
from workshop.services.errors import ServiceError

REPO_ROOT = Path(__file__).resolve().parents[1]


# Jobs are module-level functions: a worker process imports them by name.

def whoami() -> tuple[int, int]:
    """The worker's process id and niceness."""
    return os.getpid(), os.nice(0)


def refuse(code: str) -> None:
    """Raise a ServiceError with every field set, as a service would."""
    raise ServiceError(code, "no, because", details={"left": 1}, reason="dots_left")


def sleep_for(seconds: float) -> float:
    """Hold a worker for a while."""
    time.sleep(seconds)
    return seconds


def stamp(seconds: float) -> int:
    """A value no two jobs return alike, after holding the worker for a while."""
    time.sleep(seconds)
    return time.monotonic_ns()


def die() -> None:
    """End the worker process at once, as an out-of-memory kill would."""
    os._exit(1)


def alive(pid: int) -> bool:
    """Whether a process with this id exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def pool():
    pool = WorkerPool(workers=1, waiting=2, timeout=20)
    yield pool
    pool.close()


def test_work_runs_in_another_process_at_a_lower_priority(pool):
    pid, niceness = pool.run(whoami)
    assert pid != os.getpid()
    assert niceness >= os.nice(0) + WORKER_NICENESS or niceness == 19
    assert pool.pids() == [pid]


def test_a_service_error_in_a_worker_arrives_whole(pool):
    with pytest.raises(ServiceError) as raised:
        pool.run(refuse, "limit")
    error = raised.value
    assert error.as_dict() == {"code": "limit", "message": "no, because", "reason": "dots_left",
                               "details": {"left": 1}}
    assert error.status == 422


def test_service_errors_pickle_with_every_field():
    error = pickle.loads(pickle.dumps(ServiceError("busy", "later", {"n": 2}, "why")))
    assert (error.code, error.message, error.details, error.reason) == ("busy", "later",
                                                                        {"n": 2}, "why")


def test_more_work_than_the_pool_accepts_is_refused_at_once_with_busy(pool):
    # In threading mode requests wait in threads of their own, as here.
    from concurrent.futures import ThreadPoolExecutor

    pool.run(whoami)  # workers started
    with ThreadPoolExecutor(2) as requests:
        held = [requests.submit(pool.run, sleep_for, 2.0) for _ in range(2)]
        time.sleep(0.5)  # both accepted (one runs, one waits)
        started = time.monotonic()
        with pytest.raises(ServiceError) as raised:
            pool.run(whoami)
        assert time.monotonic() - started < 0.5  # refused, not queued
        assert raised.value.code == "busy" and raised.value.status == 503
        assert [f.result() for f in held] == [2.0, 2.0]
    assert pool.run(whoami)[0] > 0  # and the pool takes work again


def test_one_owner_has_at_most_per_owner_jobs_at_once_and_others_still_get_slots():
    # One person in several tabs exporting PDFs must not leave everyone else `busy`.
    from concurrent.futures import ThreadPoolExecutor

    pool = WorkerPool(workers=1, waiting=4, per_owner=2)
    try:
        pool.run(whoami)
        with ThreadPoolExecutor(3) as requests:
            held = [requests.submit(pool.run, sleep_for, 1.5, owner="tabs")
                    for _ in range(2)]
            time.sleep(0.4)
            with pytest.raises(ServiceError) as raised:
                pool.run(whoami, owner="tabs")
            assert raised.value.code == "rate_limited" and raised.value.status == 429
            assert raised.value.reason == "heavy_at_once"
            assert raised.value.details == {"at_once": 2}
            with pytest.raises(ServiceError):  # a shared job counts for its sender too
                pool.run_shared("doc", stamp, 0, owner="tabs")
            other = requests.submit(pool.run, whoami, owner="someone else")
            assert other.result()[0] > 0  # a slot was left for them (after the two jobs)
            assert [f.result() for f in held] == [1.5, 1.5]
        assert pool.run(whoami, owner="tabs")[0] > 0  # done: the owner may send again
        assert pool.run_shared("doc", stamp, 0, owner="tabs") > 0
        assert pool._owned == {}  # nothing left counted
    finally:
        pool.close()


def test_callers_of_the_same_key_share_one_job_and_take_one_slot(pool):
    # Every editor of a document asks for its A4 check after the same save.
    from concurrent.futures import ThreadPoolExecutor

    pool.run(whoami)
    with ThreadPoolExecutor(6) as requests:
        same = [requests.submit(pool.run_shared, "doc-1", stamp, 1.0) for _ in range(5)]
        time.sleep(0.3)
        other = requests.submit(pool.run_shared, "doc-2", stamp, 0.1)  # the second slot
        results = [f.result() for f in same]
        assert len(set(results)) == 1  # one job answered all five
        assert other.result() != results[0]
    assert pool.run_shared("doc-1", stamp, 0) != results[0]  # once done, a new job


def test_a_job_past_the_timeout_is_stopped_and_the_pool_recovers():
    pool = WorkerPool(workers=1, timeout=5.0)  # a worker may take seconds to start
    try:
        first = pool.run(whoami)[0]
        with pytest.raises(ServiceError) as raised:
            pool.run(sleep_for, 30)
        assert raised.value.code == "busy"
        assert not alive(first)  # the stuck worker was stopped, not left running
        assert pool.run(whoami)[0] != first
    finally:
        pool.close()


def test_a_worker_that_dies_is_answered_busy_and_replaced(pool):
    first = pool.run(whoami)[0]
    with pytest.raises(ServiceError) as raised:
        pool.run(die)
    assert raised.value.code == "busy"
    assert pool.run(whoami)[0] != first


def test_close_stops_the_workers_and_refuses_more_work():
    pool = WorkerPool(workers=2)
    pool.run(whoami)
    pids = pool.pids()
    assert pids
    pool.close()
    assert not any(alive(pid) for pid in pids)
    with pytest.raises(RuntimeError):
        pool.run(whoami)


def test_a_pool_starts_no_process_before_its_first_job():
    pool = WorkerPool(workers=1)
    assert not pool.started and pool.pids() == []
    pool.close()


def burn(seconds: float) -> float:
    """Pure-Python work that holds the GIL for this long."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    return seconds


# A server in miniature, started like wsgi.py: monkey-patched, and only under __main__ (the
# spawned workers import this file as __mp_main__).
SERVER_LIKE = textwrap.dedent("""
    if __name__ == "__main__":
        import eventlet
        eventlet.monkey_patch()
        import sys, time
        from tests.hub_ticker import HubTicker
        from tests.test_offload import burn, whoami
        from workshop.offload import WorkerPool

        pool = WorkerPool(workers=1)
        print(pool.run(whoami)[0], flush=True)
        ticker = HubTicker().start()
        jobs = [eventlet.spawn(pool.run, burn, 1.0) for _ in range(3)]
        [job.wait() for job in jobs]
        longest_gap = ticker.stop()
        print(f"{longest_gap:.3f}", flush=True)
        if sys.argv[1:] == ["linger"]:
            time.sleep(60)
""")


def test_under_eventlet_the_hub_keeps_running_while_workers_compute(tmp_path):
    # 3 s of pure-Python work in the pool: the hub must keep ticking every few ms (the
    # same work on the hub stops it for 1 s per job). The bound leaves room for a machine
    # whose cores are shared with others.
    result = run_server_like(tmp_path, SERVER_LIKE)
    assert result.returncode == 0, result.stderr
    worker, longest_gap = result.stdout.split()
    assert int(worker) > 0
    assert float(longest_gap) < 0.6


BIG_JOB_BEHIND_A_BUSY_WORKER = textwrap.dedent("""
    if __name__ == "__main__":
        import eventlet
        eventlet.monkey_patch()
        from tests.hub_ticker import HubTicker
        from tests.test_offload import sleep_for, whoami
        from workshop.offload import WorkerPool

        pool = WorkerPool(workers=1)
        pool.run(whoami)
        ticker = HubTicker().start()
        busy = eventlet.spawn(pool.run, sleep_for, 3.0)
        eventlet.sleep(0.2)
        pool.run(len, "x" * 4_000_000)  # 4 MB to send while the only worker sleeps
        busy.wait()
        longest_gap = ticker.stop()
        print(f"{longest_gap:.3f}", flush=True)
""")


def test_a_job_larger_than_the_pipe_does_not_hold_the_hub_while_workers_are_busy(tmp_path):
    # The job waits in the pipe until the worker is free: under eventlet, writing it must
    # yield to the hub rather than block it for the ~2.8 s the worker is still busy.
    result = run_server_like(tmp_path, BIG_JOB_BEHIND_A_BUSY_WORKER)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 1.0


def test_workers_exit_when_the_server_is_killed(tmp_path):
    script = tmp_path / "server_like.py"
    script.write_text(SERVER_LIKE)
    server = subprocess.Popen([sys.executable, str(script), "linger"], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    try:
        worker = int(server.stdout.readline())
        server.stdout.readline()  # the work is done; the server lingers
        assert alive(worker)
        server.kill()  # SIGKILL: no atexit, no shutdown of the pool
        server.wait(10)
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker)
    finally:
        server.kill()
        server.wait(10)
