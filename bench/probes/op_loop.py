"""One op at a time in one process: how long `apply_op` takes, and how much code it runs.

    .venv/bin/python bench/probes/op_loop.py [--gaps 0,20,200] [--ops 300] [--calls]
                                             [--database URL] [--no-prepared-statements]

A workshop of 25 members in two teams and 40 notes; the ops are 30% new notes and 70% votes,
as in the benchmark's session. For each gap (ms of sleep between ops) it prints the median
and p90 of `apply_op`'s wall time: back to back the caches stay warm, and with 200 ms between
ops (25 people at 0.2 ops/s) the op starts cold (docs/performance.md, "What a lone op
costs"). `--calls` counts the Python function calls of one op by package: cold, the cost
follows how much code an op touches, so the count is what a leaner op must shrink.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import nullcontext

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from workshop.db import Database  # noqa: E402
from workshop.migrate import upgrade  # noqa: E402
from workshop.ops import apply as ops  # noqa: E402
from workshop.reads.snapshot import snapshot  # noqa: E402
from workshop.services import workshops  # noqa: E402
from workshop.services.backend import Backend, PresenceRegistry  # noqa: E402
from workshop.services.rate_limit import OpRateLimiter  # noqa: E402


class _DiscardingPublisher:
    """Publishes into nothing (workshop/services/backend.py, Publisher), so a long loop
    keeps no event and the op's own cost is what is measured."""

    def publish_event(self, workshop_id, event, participant_id=None, origin=None):
        pass

    def publish_presence(self, workshop_id, present):
        pass

    def applying(self, workshop_id):
        return nullcontext()

    def disconnect_participant(self, workshop_id, participant_id):
        pass


def make_backend(database_url: str, prepared_statements: bool = True) -> Backend:
    """A backend on a migrated database whose events go nowhere and whose ops are never
    rate-limited."""
    return Backend(Database(database_url, prepared_statements), _DiscardingPublisher(),
                   PresenceRegistry(), OpRateLimiter("10000/second"))


def make_members(backend: Backend) -> tuple[str, list[str], str]:
    """A workshop of 25 members in two teams: its id, the members' ids and its persona."""
    created = workshops.create_workshop(backend, {"title": "Bench",
                                                  "teams": ["Marketing", "Support"]})
    members = [workshops.join_workshop(backend, {
        "token": created.invite_token, "name": f"P{i}",
        "team": ("Marketing", "Support")[i % 2]})["id"] for i in range(25)]
    facilitator = workshops.join_workshop(backend, {"token": created.facilitator_token,
                                                    "name": "F", "team": ""})
    persona = snapshot(backend, created.id, facilitator)["personas"][0]["id"]
    return created.id, members, persona


def make_session(database_url: str, prepared_statements: bool = True
                 ) -> tuple[Backend, str, list[str], list[str], str]:
    """A backend and a workshop ready for ops: its id, members, notes and persona."""
    backend = make_backend(database_url, prepared_statements)
    workshop_id, members, persona = make_members(backend)
    notes = [_send(backend, workshop_id, members[i % 25], "assumption.add", {
        "persona_id": persona, "category": "goals", "text": f"note {i}"})
        ["event"]["data"]["assumption"]["id"] for i in range(40)]
    return backend, workshop_id, members, notes, persona


def _send(backend: Backend, workshop_id: str, actor: str, type_: str, data: dict) -> dict:
    ack = ops.apply_op(backend, workshop_id, actor,
                       {"op_id": uuid.uuid4().hex, "type": type_, "data": data})
    assert ack["ok"], ack
    return ack


def next_op(rng: random.Random, members: list[str], notes: list[str], persona: str):
    """The next op of the mix: (actor, type, data)."""
    actor = rng.choice(members)
    if rng.random() < 0.3:
        return actor, "assumption.add", {"persona_id": persona, "category": "goals",
                                         "text": f"note {rng.random()}"}
    return actor, "vote.cast", {"assumption_id": rng.choice(notes),
                                "stance": rng.choice(("agree", "disagree", "unsure"))}


def time_ops(session, gap_ms: float, count: int, rng: random.Random) -> list[float]:
    """Wall time of `count` ops in ms, with `gap_ms` of sleep before each."""
    backend, workshop_id, members, notes, persona = session
    times = []
    for _ in range(count):
        actor, type_, data = next_op(rng, members, notes, persona)
        if gap_ms:
            time.sleep(gap_ms / 1000)
        started = time.perf_counter()
        _send(backend, workshop_id, actor, type_, data)
        times.append((time.perf_counter() - started) * 1000)
    return times


def count_calls(session, rng: random.Random, ops_to_count: int = 50) -> tuple[Counter, Counter]:
    """Per op of the mix, by top-level package: the Python function calls, and the distinct
    Python functions they ran (the code a cold op must bring back into the caches)."""
    backend, workshop_id, members, notes, persona = session
    calls: Counter = Counter()
    distinct: Counter = Counter()
    seen: set = set()

    def profile(frame, event, arg):
        if event == "call":
            code = frame.f_code
            calls[_package(code.co_filename)] += 1
            if code not in seen:
                seen.add(code)
                distinct[_package(code.co_filename)] += 1
        elif event == "c_call":
            calls["(C functions)"] += 1
            if arg not in seen:
                seen.add(arg)
                distinct["(C functions)"] += 1

    for _ in range(ops_to_count):
        actor, type_, data = next_op(rng, members, notes, persona)
        seen.clear()
        sys.setprofile(profile)
        try:
            _send(backend, workshop_id, actor, type_, data)
        finally:
            sys.setprofile(None)
    return tuple(Counter({name: round(n / ops_to_count) for name, n in counter.items()})
                 for counter in (calls, distinct))


def _package(filename: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return rest.split("/", 2)[0 if marker == "site-packages/" else 1].removesuffix(".py")
    if "/workshop/" in filename:
        return "workshop." + filename.split("/workshop/", 1)[1].split("/")[0].removesuffix(".py")
    return filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gaps", default="0,20,200", help="ms between ops, comma-separated")
    parser.add_argument("--ops", type=int, default=300, help="ops per gap (fewer at long gaps)")
    parser.add_argument("--calls", action="store_true", help="count calls per op by package")
    parser.add_argument("--database", help="a migrated database URL (default: a new SQLite file)")
    parser.add_argument("--no-prepared-statements", action="store_true",
                        help="PostgreSQL: statements as text, as WORKSHOP_PREPARED_STATEMENTS=off")
    args = parser.parse_args()
    url = args.database
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='op-loop-')}/bench.sqlite3"
        upgrade(url)
    session = make_session(url, not args.no_prepared_statements)
    rng = random.Random(7)
    time_ops(session, 0, 200, rng)  # warm up: imports, compiled statements
    if args.calls:
        calls, distinct = count_calls(session, rng)
        print(f"per op: {sum(calls.values())} calls of {sum(distinct.values())} distinct "
              "functions")
        for name, n in calls.most_common():
            print(f"  {n:6d} calls  {distinct[name]:5d} functions  {name}")
    for gap in (float(g) for g in args.gaps.split(",") if g):
        count = args.ops if gap < 100 else max(20, args.ops // 5)
        times = sorted(time_ops(session, gap, count, rng))
        print(f"gap {gap:5.0f} ms: median {statistics.median(times):.3f} ms, "
              f"p90 {times[int(len(times) * 0.9)]:.3f} ms ({count} ops)")
    session[0].db.dispose()


if __name__ == "__main__":
    main()
