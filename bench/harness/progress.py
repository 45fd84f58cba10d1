"""Progress lines on stderr, so stdout keeps only the report."""

from __future__ import annotations

import sys
import time


def log(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
