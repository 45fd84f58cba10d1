"""bench/probes/first_ops.py still runs against the services as they are (nothing imports it)."""

import subprocess
import sys

from workshop.config import ROOT


def test_the_first_ops_are_timed_both_ways():
    script = ROOT / "bench" / "probes" / "first_ops.py"
    done = subprocess.run([sys.executable, str(script), "--runs", "1"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert rows[0] == "ms per op, median of 1 fresh processes"
    assert rows[1].split() == ["note", "1", "vote", "1", "note", "2", "vote", "2", "note", "3",
                               "vote", "3", "note", "4", "vote", "4"]
    for row, label in zip(rows[2:], ("left alone", "after warm_up()"), strict=True):
        assert row.startswith(label) and len(row[len(label):].split()) == 8
