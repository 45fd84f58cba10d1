"""Where an op's time goes inside a server, from the files `bench/probes/timeline_probe` writes.

    .venv/bin/python bench/probes/timeline.py DIR [--gap 12]

For every `.tl` file (one per server process) it takes the ops that came alone (no other op
within `--gap` ms before or after, so their marks cannot mix with another op's) and prints,
per mark, the median and p90 of its time after the op was received, in ms. `ev_first`,
`ev_median` and `ev_last` are the first, middle and last event frame written for the op;
the distance between two servers' `ev_*` rows is what one costs over the other, and the
marks before them say where.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

ORDER = ["op0", "op1", "emit0", "emit1", "recv_end", "send0", "send1", "w_ack",
         "ev_first", "ev_median", "ev_last"]


def isolated_ops(path: Path, gap_ms: float) -> list[dict[str, float]]:
    """Each lone op's marks, as ms after its receipt (first occurrence of each mark)."""
    marks = []
    for line in path.read_text().splitlines():
        at, mark = line.split()
        marks.append((int(at) / 1e6, mark))
    starts = [i for i, (_, mark) in enumerate(marks) if mark == "recv_op"]
    ops = []
    for n, i in enumerate(starts):
        received = marks[i][0]
        before = marks[starts[n - 1]][0] if n else float("-inf")
        end = starts[n + 1] if n + 1 < len(starts) else len(marks)
        after = marks[end][0] if end < len(marks) else float("inf")
        if received - before < gap_ms or after - received < gap_ms:
            continue
        op: dict[str, float] = {}
        events = []
        for at, mark in marks[i + 1:end]:
            if mark == "w_ev":
                events.append(at - received)
            else:
                op.setdefault(mark, at - received)
        if events:
            op.update(ev_first=events[0], ev_median=events[len(events) // 2],
                      ev_last=events[-1])
            ops.append(op)
    return ops


def describe(path: Path, gap_ms: float) -> str:
    """The file's lone ops: median and p90 of each mark, as text."""
    ops = isolated_ops(path, gap_ms)
    lines = [f"{path.name}: {len(ops)} lone ops (ms after the op was received)"]
    for mark in ORDER:
        values = sorted(op[mark] for op in ops if mark in op)
        if values:
            p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
            lines.append(f"  {mark:10s} median {statistics.median(values):6.3f}  p90 {p90:6.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--gap", type=float, default=12.0,
                        help="ms without another op on either side")
    args = parser.parse_args()
    for path in sorted(args.directory.glob("*.tl")):
        print(describe(path, args.gap), end="\n\n")


if __name__ == "__main__":
    main()
