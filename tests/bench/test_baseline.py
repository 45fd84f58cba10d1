"""The benchmark's baseline: a run replaces its own groups in it and is judged by the spread."""

import json
import sys

from workshop.config import ROOT

sys.path.insert(0, str(ROOT / "bench"))  # the harness is run as a script, not installed
from harness import baseline  # noqa: E402
from harness.cli import ALL_GROUPS  # noqa: E402
from harness.paths import BASELINE  # noqa: E402
from harness.report import markdown  # noqa: E402


def row(group: str, kind: str, p99s: list[float], rate: float = 0.25) -> dict:
    raw = [{"fanout_ms": {"p50": p / 3, "p90": p / 2, "p99": p, "max": p}} for p in p99s]
    median = sorted(p99s)[len(p99s) // 2]
    fanout = {"n": 100, "p50": median / 3, "p90": median / 2, "p99": median, "max": median}
    return {"group": group, "kind": kind, "participants": 200, "rate": rate, "raw": raw,
            "fanout_ms": fanout, "ack_ms": fanout, "delivered_ratio": 1, "doubled": 0,
            "drained": True, "deliveries_per_s": 1000, "server_cpu_pct": 30.0,
            "server_rss_mib_peak": 100, "rss_kib_per_participant": 20, "repeats": len(p99s)}


def report(groups: list[str], rows: list[dict], date: str) -> dict:
    return {"groups": groups, "date": date, "machine": "here", "command": "run.py",
            "duration_s": 4, "settle_s": 1.5, "repeats": 5,
            "host_speed_ms": {"start": 14.0, "end": 15.0}, "results": rows}


def test_a_run_replaces_only_its_own_groups_and_never_another_checkouts_rows():
    first = baseline.merged(None, report(["eventlet", "threading"], [
        row("eventlet", "app", [10, 11, 12]), row("threading", "app", [20, 21, 22])], "day 1"))
    second = baseline.merged(first, report(["eventlet"], [
        row("eventlet", "app", [8, 9, 10]), row("eventlet", "app-compare", [30, 31, 32])],
        "day 2"))

    kept = {(r["group"], r["kind"]): r["fanout_ms"]["p99"] for r in second["results"]}
    assert kept == {("threading", "app"): 21, ("eventlet", "app"): 9}
    assert [(s["groups"], s["date"]) for s in second["sources"]] == [
        (["threading"], "day 1"), (["eventlet"], "day 2")]
    text = markdown(second)
    assert "- **threading**: Run day 1" in text and "- **eventlet**: Run day 2" in text


def test_a_change_inside_the_baselines_spread_is_no_change():
    assert baseline.verdict([10, 12, 30], [11, 11.5, 12]) == "inside the spread"
    assert baseline.verdict([10, 11, 12], [14, 15, 16]) == "slower"
    assert baseline.verdict([10, 11, 12], [6, 7, 8]) == "faster"
    assert baseline.verdict([10], [20]).startswith("too few runs")


def test_a_run_is_shown_beside_the_baseline_row_by_row():
    base = baseline.merged(None, report(["eventlet"], [row("eventlet", "app", [10, 11, 12])],
                                        "day 1"))
    now = report(["eventlet"], [row("eventlet", "app", [20, 21, 22]),
                                row("eventlet", "app", [5, 5, 5], rate=2.0)], "day 2")
    section = baseline.comparison(now, base)
    assert "| eventlet | 200 x 0.25/s | app | 11.0 (10.0–12.0, 3 runs) | " \
           "21.0 (20.0–22.0, 3 runs) | 1.91 | slower |" in section
    assert "2/s" not in section  # a step the baseline has not got is not compared


def test_the_committed_baseline_holds_every_group_and_only_the_apps_own_rows():
    committed = json.loads(BASELINE.with_suffix(".json").read_text())
    covered = [g for s in committed["sources"] for g in s["groups"]]
    assert sorted(covered) == sorted(ALL_GROUPS)
    assert {r["group"] for r in committed["results"]} == set(covered)
    assert not any(r["kind"].startswith("app-compare") for r in committed["results"])
    assert BASELINE.with_suffix(".md").read_text() == markdown(committed) + "\n"


def test_a_run_on_a_host_at_another_speed_is_told_its_figures_do_not_compare():
    base = baseline.merged(None, report(["eventlet"], [row("eventlet", "app", [10, 11, 12])],
                                        "day 1"))
    now = report(["eventlet"], [row("eventlet", "app", [10, 11, 12])], "day 2")
    assert "do not compare.**" not in baseline.comparison(now, base)
    now["host_speed_ms"] = {"start": 30.0, "end": 28.0}
    assert "do not compare.**" in baseline.comparison(now, base)


def test_the_scale_group_reports_cpu_per_delivery_and_projects_what_cores_serve():
    one = dict(row("scale", "app-pg", [30]), deliveries_per_s=10_000, server_cpu_pct=50.0,
               infra_cpu_pct=10.0)
    two = dict(row("scale", "app-pg-redis-2w", [60]), deliveries_per_s=10_000,
               server_cpu_pct=80.0, infra_cpu_pct=20.0)
    text = markdown(dict(report(["scale"], [one, two], "day 1"), targets=[]))

    # 50% of a core over 10,000 deliveries a second: 50 ms per 1,000; Redis and PostgreSQL 10.
    assert "| 200 | 0.25 | app-pg | 50.0 | 10.0 | 60.0 |" in text
    assert "| 200 | 0.25 | app-pg-redis-2w | 80.0 | 20.0 | 100.0 |" in text
    # 0.1 CPU ms a delivery, a core kept at 70%: 7,000 deliveries/s, 700 people, per core.
    assert "| 4 | 28,000 | 2,800 |" in text
    assert "A projection, not a measurement" in text


def test_the_infrastructure_sampler_counts_postgres_and_redis_processes_only_when_asked():
    import os
    import subprocess

    from harness.machine import Sampler, cpu_seconds, infra_cpu_seconds

    # A process that calls itself redis-server (as /proc/PID/comm says) and spends CPU.
    busy = subprocess.Popen([sys.executable, "-c",
                             "open('/proc/self/comm', 'w').write('redis-server')\n"
                             "import time\nend = time.process_time() + 0.3\n"
                             "while time.process_time() < end: pass\n"
                             "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        import time

        deadline = time.monotonic() + 30
        while cpu_seconds(busy.pid) < 0.29 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert infra_cpu_seconds() >= cpu_seconds(busy.pid)
        with Sampler([os.getpid()]) as sampler:
            pass
        assert all(sample[3] == 0.0 for sample in sampler.samples)  # not asked: not scanned
        with Sampler([os.getpid()], infra=True) as sampler:
            pass
        assert all(sample[3] >= 0.29 for sample in sampler.samples)
    finally:
        busy.communicate(b"")
