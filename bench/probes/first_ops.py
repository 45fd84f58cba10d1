"""The first ops a fresh process applies, with and without `Database.warm_up` before them.

    .venv/bin/python bench/probes/first_ops.py [--runs 7]

Each run is a new Python process on a new SQLite file: a workshop with 25 members, then a
first note, a first vote, and three more of each. It prints, per way, the median over the
runs of each op's `apply_op` time. Without the warm-up the first ops compile their prepared
statements and open the writer, which reads the whole schema (docs/performance.md, "The
write path on the hub"); `python wsgi.py` warms up before it serves.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

OPS = ("note 1", "vote 1", "note 2", "vote 2", "note 3", "vote 3", "note 4", "vote 4")


def one_run(warm: bool) -> list[float]:
    """In this process: the ms each of OPS took, on a new database."""
    from op_loop import make_backend, make_members  # bench/ is on the path: the script's own

    from workshop.migrate import upgrade
    from workshop.ops import apply as ops

    url = f"sqlite:///{tempfile.mkdtemp(prefix='first-ops-')}/bench.sqlite3"
    upgrade(url)
    backend = make_backend(url)
    if warm:
        backend.db.warm_up()
    workshop_id, members, persona = make_members(backend)
    times, note = [], None
    for index, name in enumerate(OPS):
        if name.startswith("note"):
            type_, data = "assumption.add", {"persona_id": persona, "category": "goals",
                                             "text": f"note {index}"}
        else:
            type_, data = "vote.cast", {"assumption_id": note, "stance": "agree"}
        started = time.perf_counter()
        ack = ops.apply_op(backend, workshop_id, members[index], {
            "op_id": uuid.uuid4().hex, "type": type_, "data": data})
        times.append((time.perf_counter() - started) * 1000)
        assert ack["ok"], ack
        if type_ == "assumption.add":
            note = ack["event"]["data"]["assumption"]["id"]
    backend.db.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per way")
    parser.add_argument("--one", choices=("cold", "warm"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one == "warm")))
        return
    results: dict[str, list[list[float]]] = {"cold": [], "warm": []}
    for _ in range(args.runs):
        for way in results:  # alternating, so both ways see the host alike
            done = subprocess.run([sys.executable, __file__, "--one", way], check=True,
                                  capture_output=True, text=True)
            results[way].append(json.loads(done.stdout.splitlines()[-1]))
    print(f"ms per op, median of {args.runs} fresh processes")
    print(f"{'':22s}" + "".join(f"{name:>8s}" for name in OPS))
    for way, label in (("cold", "left alone"), ("warm", "after warm_up()")):
        medians = [statistics.median(run[i] for run in results[way]) for i in range(len(OPS))]
        print(f"{label:22s}" + "".join(f"{value:8.2f}" for value in medians))


if __name__ == "__main__":
    main()
