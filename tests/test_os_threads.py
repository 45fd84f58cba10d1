"""GIL-releasing calls run at most `limit` at once; past the wait, a caller gets `busy`."""

from __future__ import annotations

import textwrap
import threading

import pytest

from tests.hub_ticker import run_server_like
from workshop.os_threads import OsThreadGate
from workshop.services.errors import ServiceError


def test_in_threading_mode_the_call_runs_in_the_callers_thread():
    gate = OsThreadGate(limit=1)
    assert gate.run(threading.get_ident) == threading.get_ident()


def test_past_the_limit_a_caller_waits_and_then_is_refused_with_busy():
    gate = OsThreadGate(limit=1, wait_s=0.2)
    inside, release = threading.Event(), threading.Event()

    def hold() -> str:
        inside.set()
        release.wait(5)
        return "done"

    holder_answer = []
    holder = threading.Thread(target=lambda: holder_answer.append(gate.run(hold)))
    holder.start()
    assert inside.wait(5)
    with pytest.raises(ServiceError) as refused:
        gate.run(len, "x")
    assert refused.value.code == "busy"
    release.set()
    holder.join(5)
    assert holder_answer == ["done"]
    assert gate.run(len, "xy") == 2  # the slot is free again


UNDER_EVENTLET = textwrap.dedent("""
    import eventlet
    eventlet.monkey_patch()
    from eventlet.patcher import original
    from tests.hub_ticker import HubTicker
    from workshop.os_threads import OsThreadGate

    real_thread, real_sleep = original("threading").get_ident, original("time").sleep
    gate = OsThreadGate(limit=1)
    hub = real_thread()
    ticker = HubTicker().start()
    calls = [eventlet.spawn(gate.run, lambda: (real_sleep(0.3), real_thread())[1])
             for _ in range(2)]
    threads = [call.wait() for call in calls]
    longest_gap = ticker.stop()
    print(int(hub not in threads), f"{longest_gap:.3f}")
""")


def test_under_eventlet_the_call_runs_in_an_os_thread_while_the_hub_turns(tmp_path):
    # The call sleeps with the unpatched time.sleep: were it on the hub, the hub would stop
    # for 0.3 s, twice.
    result = run_server_like(tmp_path, UNDER_EVENTLET)
    assert result.returncode == 0, result.stderr
    elsewhere, longest_gap = result.stdout.split()
    assert elsewhere == "1"
    assert float(longest_gap) < 0.2


UNDER_GEVENT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import time
    import gevent
    from workshop.os_threads import OsThreadGate, OsThread

    real_thread, real_sleep = monkey.get_original("_thread", "get_ident"), \\
        monkey.get_original("time", "sleep")
    gaps, last = [], [time.perf_counter()]

    def tick():
        while True:
            gevent.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

    gate = OsThreadGate(limit=1)
    hub = real_thread()
    ticker = gevent.spawn(tick)
    calls = [gevent.spawn(gate.run, lambda: (real_sleep(0.3), real_thread())[1])
             for _ in range(2)]
    threads = [call.get() for call in calls]
    ticker.kill()
    longest_gap = max(gaps)
    loops = []
    looping = OsThread(lambda stopped_within: loops.append(real_thread()) or
                       stopped_within(5)).start()
    real_sleep(0.3)  # blocks the hub outright: only an OS thread still runs
    looped = list(loops)
    looping.stop()
    print(int(hub not in threads), f"{longest_gap:.3f}", int(looped != [] and hub not in looped),
          int(not looping.running))
""")


def test_under_gevent_the_call_and_a_loop_run_in_os_threads_while_the_hub_turns(tmp_path):
    result = run_server_like(tmp_path, UNDER_GEVENT)
    assert result.returncode == 0, result.stderr
    elsewhere, longest_gap, loop_elsewhere, stopped = result.stdout.split()
    assert elsewhere == "1"
    assert float(longest_gap) < 0.2
    assert (loop_elsewhere, stopped) == ("1", "1")
