"""What the slowest ops of a run looked like, from the files `bench/run.py --raw DIR` writes.

    .venv/bin/python bench/probes/tail.py DIR [--worst 8]

Per run: the fan-out percentiles over all receipts, then the ops whose last receipt came
latest, each with its ack, its first, median and last receipt, and how many ops were sent
within 15 ms of it. A tail made of ops that came in bunches is queueing in the server; one
where a lone op is late for every receiver is a pause (of the server, or of the host).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/, for the harness

from harness.stats import percentile  # noqa: E402  (the client's nearest rank)


def describe(path: Path, worst: int) -> str:
    """The run's percentiles and its slowest ops, as text."""
    ops = json.loads(path.read_text())["ops"]
    receipts = sorted(x for o in ops for x in o["fanout"])
    lines = [f"{path.name}: {len(ops)} ops, fan-out p50 {percentile(receipts, 50)} "
             f"p99 {percentile(receipts, 99)} max {receipts[-1] if receipts else None} ms"]
    slowest = sorted((o for o in ops if o["fanout"]), key=lambda o: -o["fanout"][-1])[:worst]
    for o in sorted(slowest, key=lambda o: o["sent"]):
        f = o["fanout"]
        near = sum(1 for x in ops if x is not o and abs(x["sent"] - o["sent"]) < 15)
        lines.append(f"  at {o['sent']:8.1f} ms  {o['type']:14s} ack {o['ack']:6.2f}  "
                     f"first {f[0]:6.2f}  median {f[len(f) // 2]:6.2f}  last {f[-1]:6.2f}  "
                     f"({near} others sent within 15 ms)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--worst", type=int, default=8)
    args = parser.parse_args()
    for path in sorted(args.directory.glob("*.json")):
        print(describe(path, args.worst), end="\n\n")


if __name__ == "__main__":
    main()
