"""The command line: which groups to run, then one report as JSON and Markdown, compared
with the baseline (and, with --baseline, replacing its groups)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import baseline
from harness.board import board_group
from harness.heavy import heavy_group
from harness.machine import host_speed_ms, machine
from harness.paths import BASELINE, RESULTS
from harness.profiling import profile
from harness.progress import log
from harness.report import markdown
from harness.servers import APP_ENV
from harness.steps import mode_group, room_group, scale_group, sessions_group, wide_group
from harness.targets import targets

# Every group, in the order a run takes them; `make bench` leaves out sessions (--full has it).
ALL_GROUPS = ["eventlet", "gevent", "threading", "room", "wide", "scale", "sessions", "heavy",
              "board"]


def main(argv=None) -> int:
    """Run the groups the options ask for, write the report, compare it; the exit status."""
    parser = argparse.ArgumentParser(description=(
        "The benchmark: the app, the bare relays and Node's socket.io under the same "
        "Socket.IO load, reported in bench/results/NAME.md and compared with "
        "bench/results/baseline.md (bench/README.md)."))
    parser.add_argument("--quick", action="store_true", help="a few steps, eventlet only")
    parser.add_argument("--full", action="store_true",
                        help="every mode and the scale-out kinds over the whole matrix, and "
                             "the sessions group (about 40 minutes)")
    parser.add_argument("--only", default="",
                        help="comma-separated groups: "
                             "eventlet,gevent,threading,room,wide,scale,sessions,heavy,board"
                             " (sessions only with --full or here)")
    parser.add_argument("--steps", default="", help="e.g. 200x0.25,25x1")
    parser.add_argument("--duration", type=float, default=None, help="seconds of load per run")
    parser.add_argument("--min-ops", type=int, default=None,
                        help="run a step's load long enough for this many ops (default 100)")
    parser.add_argument("--settle", type=float, default=1.5)
    parser.add_argument("--warmup-ops", type=int, default=20,
                        help="unmeasured ops before each run's load (default 20)")
    parser.add_argument("--drain", type=float, default=10.0,
                        help="seconds to wait for every event after the load stops")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--raw", default=None, metavar="DIR",
                        help="also write every op's ack and receipt times, one file per run")
    parser.add_argument("--board-repeats", type=int, default=30)
    parser.add_argument("--profile", action="store_true",
                        help="profile the app with pyinstrument during one step")
    parser.add_argument("--profile-step", default="100x0.5")
    parser.add_argument("--profile-postgres", action="store_true",
                        help="profile the app on PostgreSQL instead of SQLite")
    parser.add_argument("--heavy-full", action="store_true",
                        help="heavy group: export a full one-pager instead of a small draft")
    parser.add_argument("--heavy-import", action="store_true",
                        help="heavy group: import the 100,000-row customer export back to "
                             "back instead of exporting PDFs (issue 27)")
    parser.add_argument("--unbatched", action="store_true",
                        help="app clients take one event per message (no auth.batch)")
    parser.add_argument("--compare", default=None, metavar="CHECKOUT",
                        help="also run the app from another checkout (kind app-compare)")
    parser.add_argument("--report", default=None, metavar="NAME",
                        help="only render results/NAME.md again from results/NAME.json")
    parser.add_argument("--name", default="last",
                        help="write results/NAME.json and .md (default: last)")
    parser.add_argument("--baseline", action="store_true",
                        help="make this run's groups the baseline: replace them in "
                             "results/baseline.json and .md (whole groups: not with "
                             "--quick or --steps)")
    parser.add_argument("--app-env", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for every app server, e.g. "
                             "WORKSHOP_PREPARED_STATEMENTS=off (repeatable)")
    args = parser.parse_args(argv)
    if args.baseline and (args.quick or args.steps or args.profile or args.report):
        parser.error("--baseline takes whole groups as `make bench` runs them")
    APP_ENV.update(setting.split("=", 1) for setting in args.app_env)
    args.duration = args.duration or (3.0 if args.quick else 4.0)
    args.min_ops = 0 if args.quick else (100 if args.min_ops is None else args.min_ops)
    args.profile_step = tuple(float(x) for x in args.profile_step.split("x"))
    args.profile_step = (int(args.profile_step[0]), args.profile_step[1])
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.report:  # render the Markdown again from a results JSON
        report = json.loads((RESULTS / f"{args.report}.json").read_text())
        report["targets"] = targets(report["results"])
        (RESULTS / f"{args.report}.json").write_text(json.dumps(report, indent=1))
        (RESULTS / f"{args.report}.md").write_text(markdown(report))
        print(markdown(report))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    log(f"work files in {workdir}")
    if args.profile:
        profile(args, workdir)
        return 0
    groups = [g for g in args.only.split(",") if g] or (
        ["eventlet", "scale", "board"] if args.quick else
        [g for g in ALL_GROUPS if args.full or g != "sessions"])
    started = time.time()
    speed_before = host_speed_ms()
    results: list[dict] = []
    for group in groups:
        try:
            if group in ("eventlet", "gevent", "threading"):
                results += mode_group(group, args, workdir)
            elif group == "room":
                results += room_group(args, workdir)
            elif group == "wide":
                results += wide_group(args, workdir)
            elif group == "scale":
                results += scale_group(args, workdir)
            elif group == "sessions":
                results += sessions_group(args, workdir)
            elif group == "heavy":
                results += heavy_group(args, workdir)
            elif group == "board":
                results += board_group(args, workdir)
        except Exception as error:  # noqa: BLE001 - keep the other groups' results
            log(f"{group}: failed: {error!r}")
    report = {"groups": groups, "machine": machine(),
              "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "python bench/run.py " + " ".join(sys.argv[1:] if argv is None
                                                           else argv),
              "duration_s": args.duration, "min_ops": args.min_ops,
              "settle_s": args.settle, "warmup_ops": args.warmup_ops,
              "repeats": args.repeats,
              "drain_s": args.drain,
              "wall_s": round(time.time() - started),
              "host_speed_ms": {"start": speed_before, "end": host_speed_ms()},
              "results": results}
    report["targets"] = targets(results)
    base = baseline.load(BASELINE)
    text = markdown(report) + ("\n" + baseline.comparison(report, base) if base else "")
    (RESULTS / f"{args.name}.json").write_text(json.dumps(report, indent=1))
    (RESULTS / f"{args.name}.md").write_text(text)
    print(text)
    log(f"wrote bench/results/{args.name}.json and .md in {report['wall_s']} s")
    if args.baseline:
        baseline.save(BASELINE, baseline.merged(base, report))
        log(f"replaced {', '.join(groups)} in bench/results/baseline.json and .md")
    return 0
