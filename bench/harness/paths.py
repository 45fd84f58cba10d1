"""Where the harness finds things: the checkout, its bench folder, the Python and Node it runs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BASELINE = RESULTS / "baseline"  # .json and .md: what later runs compare against
CLIENT_JS = BENCH / "clients" / "client.js"  # N socket.io-client connections play a session
SYNC_JS = BENCH / "clients" / "sync.js"  # one connection times `sync` after missed events
RELAY_FLASK = BENCH / "relays" / "relay_flask.py"  # the framework floor (and floor-db)
RELAY_NODE = BENCH / "relays" / "relay_node.js"  # the same relay on Node's socket.io
PROFILE_SERVER = BENCH / "probes" / "profile_server.py"  # wsgi.py under pyinstrument
PY = sys.executable
NODE = shutil.which("node") or "node"
PG_ADMIN = os.environ.get("WORKSHOP_BENCH_PG_ADMIN",
                          "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("WORKSHOP_BENCH_REDIS", "redis://127.0.0.1:6379/0")
