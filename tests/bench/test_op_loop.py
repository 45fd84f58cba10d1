"""bench/probes/op_loop.py still runs against the services as they are (nothing imports it)."""

import subprocess
import sys

from workshop.config import ROOT


def test_the_op_loop_times_ops_and_counts_their_calls():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "probes" / "op_loop.py"), "--gaps", "0,1",
         "--ops", "5", "--calls"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "per op:" in done.stdout and "calls of" in done.stdout
    assert "gap     0 ms: median" in done.stdout and "gap     1 ms: median" in done.stdout
