"""Connection limits: the descriptor limit is raised to fit, or the connections lowered to it."""

import resource
import subprocess
import sys
import textwrap

import pytest

from workshop.config import ROOT, ServingLimits

SLOTS = textwrap.dedent("""
    import resource, sys
    from workshop.connection_limits import connection_slots
    slots = connection_slots(int(sys.argv[1]))
    print(slots, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
""")


def slots_under(soft: int, hard: int, wanted: int) -> tuple[int, int, str]:
    """connection_slots(wanted) in a process started with the given descriptor limits."""
    result = subprocess.run(
        [sys.executable, "-c", SLOTS, str(wanted)], capture_output=True, text=True, cwd=ROOT,
        timeout=60, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE,
                                                          (soft, hard)))
    assert result.returncode == 0, result.stderr
    slots, limit = (int(x) for x in result.stdout.split())
    return slots, limit, result.stderr


def test_the_soft_limit_is_raised_to_fit_every_connection():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1500 + 256:
        pytest.skip(f"the hard descriptor limit here is {hard}")
    slots, limit, log = slots_under(512, hard, 1500)
    assert slots == 1500
    assert limit == 1500 + 256  # the connections and the reserve for files and databases
    assert log == ""


def test_below_a_low_hard_limit_fewer_connections_are_served_and_the_log_says_why():
    slots, limit, log = slots_under(512, 1024, 10_000)
    assert limit == 1024
    assert slots == 1024 - 256  # never so many that accept() runs out of descriptors
    assert "file-descriptor limit is 1024" in log and "WORKSHOP_MAX_CONNECTIONS" in log
    assert "serving at most 768 connections instead of 10000" in log


def test_serving_limits_come_from_the_environment(monkeypatch):
    for name in ("WORKSHOP_MAX_CONNECTIONS", "WORKSHOP_HEADER_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    assert ServingLimits.from_env() == ServingLimits(10_000, 10.0)
    monkeypatch.setenv("WORKSHOP_MAX_CONNECTIONS", "20000")
    monkeypatch.setenv("WORKSHOP_HEADER_TIMEOUT", "2.5")
    assert ServingLimits.from_env() == ServingLimits(20_000, 2.5)
