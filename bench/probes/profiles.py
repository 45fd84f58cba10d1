"""Profiles on 100,000 rows × 20 columns: inspect, import, profile, re-check 100 claims.

    .venv/bin/python bench/probes/profiles.py [--runs 5] [--rows 100000]

The export is tests/profiles_data.py's (about 19 MB). Each run is a fresh Python process,
like a worker of workshop/offload.py, and times what the app's jobs do
(workshop/domain/profiles/jobs.py):

- inspect: `inspect_job` on the file's bytes (encoding, delimiter, kinds, roles, preview);
- import: `import_job` with the suggested mapping (load the kept columns, type them, derive
  the age, write the compressed table);
- profile: load the stored table, size the six segments of a split on `segment` with a
  weight, and draw their profile cards together;
- recheck: load the stored table and check 100 claims (ranges, most common, more likely)
  on random segments: what a refresh does.

It prints each step's median and range over the runs in ms, the stored table's size and
each run's peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STEPS = ("inspect", "import", "profile", "recheck")


def claims(seed: int = 1) -> list[dict]:
    """100 claims of the three kinds on the export's columns."""
    rng = random.Random(seed)
    out = []
    for _ in range(100):
        kind = rng.choice(("range", "range", "most_common", "more_likely"))
        if kind == "range":
            low = rng.randint(18, 70)
            out.append({"kind": "range", "column": rng.choice(("age", "orders", "nps")),
                        "low": low, "high": low + rng.randint(5, 20)})
        else:
            column, values = rng.choice((("channel", ("app", "web", "phone", "store")),
                                         ("city", ("Amsterdam", "Utrecht", "Breda")),
                                         ("newsletter", ("yes", "no"))))
            out.append({"kind": kind, "column": column, "value": rng.choice(values)})
    return out


def one_run(path: str) -> None:
    """In a fresh process: each step's seconds, the stored size and peak memory, as JSON."""
    sys.path.insert(0, str(ROOT))
    from tests.profiles_data import AS_OF
    from workshop.domain.profiles import jobs
    from workshop.domain.profiles.cards import profile_cards
    from workshop.domain.profiles.claims import check_claim
    from workshop.domain.profiles.segments import size_segments, split_on
    from workshop.domain.profiles.table import table_from_bytes

    data = Path(path).read_bytes()
    times = {}
    start = time.perf_counter()
    inspection = jobs.inspect_job(data, AS_OF.isoformat())
    times["inspect"] = time.perf_counter() - start

    mapping = {c["name"]: c["suggested_role"] for c in inspection["columns"]}
    types = {c["name"]: c["kind"] for c in inspection["columns"] if "derived_from" not in c}
    start = time.perf_counter()
    imported = jobs.import_job(data, mapping, types, AS_OF.isoformat())
    times["import"] = time.perf_counter() - start

    start = time.perf_counter()
    table = table_from_bytes(imported["table"])
    segments = split_on(table, "segment")
    size_segments(table, segments, weight="revenue")
    profile_cards(table, segments)  # drawn together, as analyse_job does
    times["profile"] = time.perf_counter() - start

    start = time.perf_counter()
    table = table_from_bytes(imported["table"])
    rng = random.Random(2)
    for claim in claims():
        check_claim(table, rng.choice(segments), claim)
    times["recheck"] = time.perf_counter() - start
    times["stored_mb"] = len(imported["table"]) / 1e6
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one_run(args.one)
    sys.path.insert(0, str(ROOT))
    from tests.profiles_data import customer_csv

    path = Path(tempfile.mkdtemp(prefix="profiles-bench-")) / "customers.csv"
    path.write_bytes(customer_csv(args.rows))
    print(f"{args.rows:,} rows × 20 columns, {path.stat().st_size / 1e6:.1f} MB, "
          f"{args.runs} runs, a fresh process each")
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--one", str(path)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    print("| step | median ms | range ms |")
    print("|---|---|---|")
    for step in (*STEPS, "total"):
        values = [1000 * (sum(r[s] for s in STEPS) if step == "total" else r[step])
                  for r in runs]
        print(f"| {step} | {statistics.median(values):.0f} | "
              f"{min(values):.0f}–{max(values):.0f} |")
    print(f"stored table: {runs[0]['stored_mb']:.2f} MB; peak memory per run: "
          f"{statistics.median(r['peak_mb'] for r in runs):.0f} MB (median)")


if __name__ == "__main__":
    main()
