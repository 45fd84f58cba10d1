"""A search over a large library and a big export leave an eventlet hub turning.

The library and the board are built here (threading mode); a server in miniature, started
like wsgi.py (monkey-patched), then searches or exports while a green thread ticks every
5 ms. On the hub, the whole request is one gap between ticks (marking matches in 200 long
notes: ~0.2 s; formatting a 2,000-note CSV: ~0.12 s). Off it, the longest gap is a small
part of the request (loading the board stays on the hub). The bound is relative, so a
slower, shared machine slows both sides alike.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import add_note, add_research, make_member, make_workshop

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

REPO_ROOT = Path(__file__).resolve().parents[2]

SERVER_LIKE = textwrap.dedent("""
    if __name__ == "__main__":
        import eventlet
        eventlet.monkey_patch()
        import json, sys, time
        from tests.hub_ticker import HubTicker
        from workshop.db import Database
        from workshop.offload import WorkerPool
        from workshop.reads import search
        from workshop.services import exports
        from tests.fakes import CollectingPublisher
        from workshop.services.backend import Backend, PresenceRegistry

        url, kind, workshop_id = sys.argv[1:4]
        viewer = json.loads(sys.argv[4])
        backend = Backend(Database(url), CollectingPublisher(), PresenceRegistry(),
                          offload=WorkerPool(workers=1))
        backend.offload.run(len, "warm")  # workers start before the clock does
        if kind == "search":  # the database's first read, and the worker's first CSV
            search.search_notes(backend, workshop_id, "")
        else:
            exports.export_assumptions(backend, workshop_id, viewer, "csv")
        ticker = HubTicker().start()
        eventlet.sleep(0.05)
        started = time.perf_counter()
        if kind == "search":
            answer = search.search_notes(backend, workshop_id, "interview")
            summary = {"results": len(answer["results"]),
                       "marked": sum("<mark>" in r["snippet_html"] for r in answer["results"])}
        else:
            export = exports.export_assumptions(backend, workshop_id, viewer, "csv")
            summary = {"lines": export.content.decode("utf-8-sig").count("\\n")}
        took = time.perf_counter() - started
        eventlet.sleep(0.05)
        longest_gap = ticker.stop()
        backend.offload.close()
        print(json.dumps({**summary, "took": took, "gap": longest_gap}), flush=True)
""")


def serve_once(tmp_path, database_url: str, kind: str, workshop_id: str, viewer: dict) -> dict:
    """Run one search or export in the miniature server; what it measured."""
    script = tmp_path / "server_like.py"
    script.write_text(SERVER_LIKE)
    result = subprocess.run(
        [sys.executable, str(script), database_url, kind, workshop_id, json.dumps(viewer)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def long_note(seed: int) -> str:
    """~10,000 characters, every other word "interview…": marking matches is then slowest."""
    chooser = random.Random(seed)
    words = [f"interview{'s' if n % 3 else ''} {chooser.choice(VOCABULARY)}" for n in range(800)]
    return " ".join(words)[:10_000]


VOCABULARY = ["".join(random.Random(n).choices("abcdefghijklmnopqrstuvwxyz", k=3 + n % 6))
              for n in range(5_000)]


def test_searching_a_large_library_leaves_the_hub_turning(backend, database_url, tmp_path):
    room = make_workshop(backend)
    sam = make_member(backend, room.invite_token, "Sam", "Support")
    for number in range(200):
        add_research(backend, room.id, sam, f"Interview {number}", long_note(number))
    measured = serve_once(tmp_path, database_url, "search", room.id, sam)
    assert measured["results"] == 50 and measured["marked"] == 50
    assert measured["gap"] < measured["took"] / 2, measured


def test_a_big_assumptions_csv_leaves_the_hub_turning(backend, database_url, tmp_path):
    room = make_workshop(backend)
    sam = make_member(backend, room.invite_token, "Sam", "Support")
    for number in range(2_000):
        add_note(backend, room.id, sam, f"Assumption {number}: wants fewer letters and forms")
    measured = serve_once(tmp_path, database_url, "csv", room.id, sam)
    assert measured["lines"] == 2_001
    assert measured["gap"] < measured["took"] / 2, measured
