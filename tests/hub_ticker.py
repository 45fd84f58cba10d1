"""A green thread that measures how long the eventlet hub goes without running it.

The off-hub tests run their server-like code in a subprocess under eventlet and ask: while
the heavy work ran, what was the longest gap between two ticks of a 5 ms sleeper? A hub that
is never held for more than a few milliseconds keeps that gap small.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_server_like(folder: Path, source: str, timeout: float = 60,
                    ) -> subprocess.CompletedProcess:
    """Run `source` as a script of its own in a fresh interpreter, from the repository (the
    worker processes it spawns import it again as `__mp_main__`); its output as text."""
    script = folder / "server_like.py"
    script.write_text(source)
    return subprocess.run([sys.executable, str(script)], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


class HubTicker:
    """Ticks every `every` seconds on the hub and records the gaps between ticks."""

    def __init__(self, every: float = 0.005):
        import eventlet  # only the subprocess scripts run under eventlet

        self._eventlet = eventlet
        self.every = every
        self.gaps: list[float] = []
        self._thread = None

    def start(self) -> HubTicker:
        """Start ticking; returns self so a script can write `ticker = HubTicker().start()`."""
        self._thread = self._eventlet.spawn(self._tick)
        return self

    def stop(self) -> float:
        """Stop ticking and return the longest gap seen, in seconds."""
        self._thread.kill()
        return self.longest

    @property
    def longest(self) -> float:
        """The longest gap seen so far (0 before the second tick)."""
        return max(self.gaps, default=0.0)

    def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            self._eventlet.sleep(self.every)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now
