"""The board group: first page load and `sync` after 500 missed events on a big board."""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from pathlib import Path

import requests

from harness.paths import NODE, SYNC_JS
from harness.progress import log
from harness.servers import app_env, migrate, start_app
from harness.workshops import setup_workshop


def board_group(args, workdir: Path, mode: str = "eventlet") -> list[dict]:
    """1,000 notes, 200 participants, ~1,000 votes; median page load and sync round trip."""
    import socketio as sio_client

    sqlite = f"sqlite:///{workdir / f'board-{mode}.sqlite3'}"
    env = app_env(0, mode, sqlite)
    migrate(env)
    server = start_app(workdir, mode, sqlite, name=f"board-{mode}")
    try:
        log(f"board ({mode}): building 1,000 notes and 200 participants")
        ws = setup_workshop([server.url], 200, notes=0)
        wid, persona = ws["workshop"], ws["persona_id"]
        members = ws["clients"]
        cats = ["goals", "needs", "motivations", "fears", "desires", "behaviours", "channels",
                "identity", "tone", "messages"]
        session = requests.Session()

        def op(cookie: str, body: dict) -> dict:
            r = session.post(f"{server.url}/api/workshops/{wid}/ops", json=body,
                             headers={"Cookie": cookie}, timeout=30)
            return r.json()

        note_ids = []
        for n in range(1000):
            ack = op(members[n % 200]["cookie"], {
                "op_id": f"n{n}", "type": "assumption.add",
                "data": {"persona_id": persona, "category": cats[n % 10],
                         "text": f"Note {n}: they compare prices on their phone before "
                                 f"calling us, and expect an answer the same day."}})
            note_ids.append(ack["event"]["data"]["assumption"]["id"])
        for n in range(1000):
            op(members[(n * 7) % 200]["cookie"], {
                "op_id": f"v{n}", "type": "vote.cast",
                "data": {"assumption_id": note_ids[(n * 13) % 1000],
                         "stance": ["agree", "disagree", "unsure"][n % 3]}})
        viewer = members[0]["cookie"]
        page, snap, sync_http = [], [], []
        size = 0
        for _ in range(args.board_repeats):
            t = time.perf_counter()
            r = session.get(f"{server.url}/w/{wid}", headers={"Cookie": viewer}, timeout=30)
            page.append((time.perf_counter() - t) * 1000)
            size = len(r.content)
            assert r.status_code == 200
            t = time.perf_counter()
            s = session.get(f"{server.url}/api/workshops/{wid}", headers={"Cookie": viewer},
                            timeout=30).json()
            snap.append((time.perf_counter() - t) * 1000)
        seq = s["seq"]
        # The divergence picture: what each board fetched after votes before votes carried
        # their measures (now only for other changes and the open view).
        picture = []
        for _ in range(args.board_repeats):
            t = time.perf_counter()
            r = session.get(f"{server.url}/api/workshops/{wid}/divergence",
                            params={"persona": persona}, headers={"Cookie": viewer}, timeout=30)
            picture.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        for _ in range(args.board_repeats):
            t = time.perf_counter()
            r = session.get(f"{server.url}/api/workshops/{wid}/events",
                            params={"since": seq - 500}, headers={"Cookie": viewer}, timeout=30)
            sync_http.append((time.perf_counter() - t) * 1000)
        # The browser's client: socket.io-client in Node (python-socketio's client spends
        # longer than the server decoding a 0.3 MiB frame, so it would measure itself).
        done = subprocess.run([NODE, str(SYNC_JS), json.dumps({
            "url": server.url, "cookie": viewer, "workshop": wid, "since": seq - 500,
            "repeats": args.board_repeats})], capture_output=True, text=True, timeout=300)
        answer = json.loads(done.stdout.strip().splitlines()[-1])
        sync_socket, events = answer["ms"], answer["events"]
        # The same through python-socketio's client, for comparison.
        client = sio_client.Client()
        client.connect(server.url, headers={"Cookie": viewer}, auth={"workshop": wid},
                       transports=["websocket"])
        sync_python = []
        for _ in range(args.board_repeats):
            t = time.perf_counter()
            client.call("sync", {"since": seq - 500}, timeout=30)
            sync_python.append((time.perf_counter() - t) * 1000)
        client.disconnect()

        def stats(values):
            values = sorted(values)
            return {"median": round(statistics.median(values), 1),
                    "p90": round(values[int(0.9 * (len(values) - 1))], 1),
                    "max": round(values[-1], 1), "n": len(values)}

        return [{"group": "board", "kind": "app", "mode": mode, "notes": 1000,
                 "participants": 200, "votes": 1000, "page_bytes": size,
                 "page_load_ms": stats(page), "snapshot_ms": stats(snap),
                 "sync_socket_ms": stats(sync_socket), "sync_http_ms": stats(sync_http),
                 "sync_python_client_ms": stats(sync_python),
                 "divergence_ms": stats(picture), "sync_events": events}]
    finally:
        server.stop()

