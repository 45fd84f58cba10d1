"""`--profile`: pyinstrument inside the app server while one step of load runs against it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from harness.paths import CLIENT_JS, NODE, PROFILE_SERVER, PY, RESULTS, ROOT
from harness.progress import log
from harness.servers import PostgresDatabase, app_env, migrate, start_app
from harness.workshops import setup_workshop


def profile(args, workdir: Path) -> None:
    """pyinstrument inside the app server (eventlet) while one step runs against it."""
    pg = PostgresDatabase() if args.profile_postgres else None
    database = pg.url if pg else f"sqlite:///{workdir / 'profile.sqlite3'}"
    migrate(app_env(0, "eventlet", database))
    out = RESULTS / "profile"
    out.mkdir(parents=True, exist_ok=True)
    stem = "app-eventlet-postgres" if pg else "app-eventlet"
    for old in out.glob(f"{stem}.*"):
        old.unlink()
    server = start_app(workdir, "eventlet", database, name="profile",
                       argv=[PY, str(PROFILE_SERVER)],
                       extra_env={"BENCH_PROFILE_OUT": str(out / stem)})
    participants, rate = args.profile_step
    try:
        ws = setup_workshop([server.url], participants)
        config = {"clients": ws["clients"],
                  "auth": {"workshop": ws["workshop"], "batch": not args.unbatched},
                  "rate": rate,
                  "duration": args.duration, "settle": args.settle, "drainTimeout": args.drain,
                  "seed": 1, "personaId": ws["persona_id"], "assumptionIds": ws["note_ids"],
                  "addShare": 0.3, "warmupOps": args.warmup_ops}
        path = workdir / "client-config.json"
        path.write_text(json.dumps(config))
        client = subprocess.Popen([NODE, str(CLIENT_JS), str(path)], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        # Connected, settled and warmed up (25 ms per warm-up op, then its receipts).
        time.sleep(args.settle + 0.2 + participants / 100 + args.warmup_ops * 0.025 + 0.2)
        os.kill(server.pid, signal.SIGUSR1)  # profile the load, not the set-up
        stdout, _ = client.communicate(timeout=args.duration + args.drain + 120)
        os.kill(server.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 120
        while not (out / f"{stem}.html").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        result = json.loads(stdout.strip().splitlines()[-1])
        log(f"profile: {participants} x {rate}/s fan-out {result['fanout_ms']}, written to "
            f"{out}/{stem}.txt and .html")
    finally:
        server.stop()
        if pg:
            pg.drop()

