"""The matrix: which steps run, against which servers, in which groups, back to back."""

from __future__ import annotations

from pathlib import Path

from harness.clients import measure, measure_sessions
from harness.machine import pinned
from harness.paths import PG_ADMIN, REDIS_URL
from harness.progress import log
from harness.servers import (
    PostgresDatabase,
    Server,
    app_env,
    migrate,
    redis_reachable,
    start_app,
    start_floor,
    start_node,
)
from harness.stats import median_run

FULL_PARTICIPANTS = [25, 100, 200]
FULL_RATES = [0.25, 1.0]
TARGET_STEP = (200, 0.25)  # 50 ops/s into one workshop: p99 fan-out <= 30 ms
# Several workshops at once, as a company runs them: (workshops, participants each, ops/s
# each). 200 people in all, so the figures compare with one 200-person workshop's.
SESSION_STEPS = [(4, 50, 1.0), (8, 25, 1.0)]
# 1,000 people in one workshop, each sending an op every 20 s (issue 29).
ROOM_STEP = (1000, 0.05)
# 2,000 connections on one process: 40 workshops of 50 at 0.2 ops/s each.
WIDE_STEP = (40, 50, 0.2)


# The steps the other async modes and the scale-out kinds run in `make bench`: one busy, one
# the target; `--full` runs them over the whole matrix. Keeps `make bench` near 15 minutes.
SIDE_STEPS = [(100, 1.0), TARGET_STEP]


def steps_for(args, side: bool = False) -> list[tuple[int, float]]:
    """The (participants, rate) steps of the matrix: --quick's, the side steps (`side`, unless
    --full), or the full one; --steps filters."""
    if args.quick:
        steps = [(25, 1.0), (100, 1.0), TARGET_STEP]
    elif side and not getattr(args, "full", False):
        steps = list(SIDE_STEPS)
    else:
        steps = [(p, r) for p in FULL_PARTICIPANTS for r in FULL_RATES]
        steps += [TARGET_STEP] if TARGET_STEP not in steps else []
    if args.steps:
        wanted = {tuple(float(x) for x in s.split("x")) for s in args.steps.split(",")}
        steps = [s for s in steps if (float(s[0]), s[1]) in wanted] or [
            (int(p), r) for p, r in wanted]
    return steps


def step_label(step: tuple) -> str:
    """'100 x 1/s', or '4 workshops x 50 x 1/s'."""
    *sizes, rate = step
    return (f"{sizes[0]} workshops x " if len(sizes) == 2 else "") + f"{sizes[-1]} x {rate:g}/s"


def run_group(name: str, starters: dict, args, workdir: Path,
              max_rate: float | None = None, steps: list[tuple] | None = None,
              measure_step=measure) -> list[dict]:
    """Start every kind's servers, then run each step against each kind, back to back.

    A step is (participants, rate) for `measure`, or (workshops, participants, rate) for
    `measure_sessions`; it defaults to the matrix's steps."""
    servers: dict[str, list[Server]] = {}
    results = []
    try:
        for kind, start in starters.items():
            log(f"{name}: starting {kind}")
            servers[kind] = start()
        for step in steps or steps_for(args):
            participants, rate = step[-2:]
            if max_rate is not None and rate > max_rate:
                continue  # one PostgreSQL worker is saturated well before 2 ops/s each
            runs: dict[str, list[dict]] = {kind: [] for kind in starters}
            repeats = max(args.repeats, 3) if step == TARGET_STEP else args.repeats
            for repeat in range(repeats):
                for kind in starters:
                    seed = 1000 * repeat + participants
                    log(f"{name}: {kind} {step_label(step)} (run {repeat + 1}/{repeats})")
                    try:
                        run = measure_step(kind, servers[kind], *step, args, workdir, seed)
                    except Exception as error:  # noqa: BLE001 - report, keep going
                        log(f"  failed: {error}")
                        run = None
                    if run:
                        runs[kind].append(run)
                        log(f"  fan-out p50/p99 {run['fanout_ms']['p50']}/"
                            f"{run['fanout_ms']['p99']} ms, delivered "
                            f"{run['delivered_ratio']}, {run['deliveries_per_s']}/s, "
                            f"cpu {run['server_cpu_pct']}%")
            for kind_runs in runs.values():
                if kind_runs:
                    results.append(dict(median_run(kind_runs), group=name,
                                        raw=[{k: r[k] for k in ("fanout_ms", "ack_ms",
                                                                "deliveries_per_s",
                                                                "delivered_ratio")}
                                             for r in kind_runs]))
    finally:
        for kind_servers in servers.values():
            for server in kind_servers:
                server.stop()
    return results


def mode_group(mode: str, args, workdir: Path) -> list[dict]:
    """One async mode: the app, both floors and the Node relay (and --compare's app) per step.

    eventlet, the default, runs the whole matrix; the other modes run the side steps with the
    app and the floor only (Node's relay does not depend on the mode), unless --full."""
    sqlite = f"sqlite:///{workdir / f'bench-{mode}.sqlite3'}"
    migrate(app_env(0, mode, sqlite))
    starters = {"app": lambda: [start_app(workdir, mode, sqlite)],
                "floor": lambda: [start_floor(workdir, mode)],
                "floor-db": lambda: [start_floor(workdir, mode,
                                                 workdir / f"floor-{mode}.sqlite3")],
                "node": lambda: [start_node(workdir)]}
    side = mode != "eventlet" and not args.full and not args.quick
    if side:
        starters = {kind: starters[kind] for kind in ("app", "floor")}
    if args.compare and mode == "eventlet":  # another checkout (a proposed patch) beside it
        other = Path(args.compare).resolve()
        sqlite_other = f"sqlite:///{workdir / f'bench-{mode}-compare.sqlite3'}"
        migrate(app_env(0, mode, sqlite_other), cwd=other)
        starters["app-compare"] = lambda: [start_app(workdir, mode, sqlite_other,
                                                     name="compare", cwd=other)]
    return run_group(mode, starters, args, workdir, steps=steps_for(args, side=side))



def scale_group(args, workdir: Path) -> list[dict]:
    """One worker on PostgreSQL, one behind Redis, two behind Redis (clients split)."""
    try:
        pg = PostgresDatabase()
    except Exception as error:  # noqa: BLE001
        log(f"scale: skipped, PostgreSQL unreachable at {PG_ADMIN}: {error}")
        return []
    try:
        redis_reachable()
    except Exception as error:  # noqa: BLE001
        log(f"scale: skipped, Redis unreachable at {REDIS_URL}: {error}")
        pg.drop()
        return []
    try:
        migrate(app_env(0, "eventlet", pg.url))
        starters = {
            "app-pg": lambda: [start_app(workdir, "eventlet", pg.url, name="pg1")],
            "app-pg-redis": lambda: [start_app(workdir, "eventlet", pg.url, REDIS_URL,
                                               name="mq1")],
            "app-pg-redis-2w": lambda: [start_app(workdir, "eventlet", pg.url, REDIS_URL,
                                                  name=f"w{i}") for i in (1, 2)],
        }
        return run_group("scale", starters, args, workdir, steps=steps_for(args, side=True),
                         max_rate=None if args.quick else 1.0)
    finally:
        pg.drop()


def sessions_group(args, workdir: Path) -> list[dict]:
    """Several workshops at once (SESSION_STEPS): one SQLite worker, one PostgreSQL worker,
    and two PostgreSQL workers behind Redis, each workshop's members split between them."""
    sqlite = f"sqlite:///{workdir / 'sessions.sqlite3'}"
    migrate(app_env(0, "eventlet", sqlite))
    starters = {"app": lambda: [start_app(workdir, "eventlet", sqlite, name="sessions")]}
    pg = None
    try:
        redis_reachable()
        pg = PostgresDatabase()
    except Exception as error:  # noqa: BLE001
        log(f"sessions: SQLite only, PostgreSQL or Redis unreachable: {error}")
    try:
        if pg is not None:
            migrate(app_env(0, "eventlet", pg.url))
            starters["app-pg"] = lambda: [start_app(workdir, "eventlet", pg.url, name="spg")]
            starters["app-pg-redis-2w"] = lambda: [
                start_app(workdir, "eventlet", pg.url, REDIS_URL, name=f"sw{i}")
                for i in (1, 2)]
        return run_group("sessions", starters, args, workdir, steps=SESSION_STEPS,
                         measure_step=measure_sessions)
    finally:
        if pg is not None:
            pg.drop()


def room_group(args, workdir: Path) -> list[dict]:
    """1,000 people in one workshop (ROOM_STEP), servers on one core and the client on the
    other: the app under eventlet and gevent, the framework floor and Node's relay. The
    joins, the connect storm (25 at a time) and the presence each member receives are
    reported beside the latencies."""
    sqlite = {mode: f"sqlite:///{workdir / f'room-{mode}.sqlite3'}"
              for mode in ("eventlet", "gevent")}
    for mode, url in sqlite.items():
        migrate(app_env(0, mode, url))
    starters = {"app": lambda: [start_app(workdir, "eventlet", sqlite["eventlet"],
                                          name="room")],
                "app-gevent": lambda: [start_app(workdir, "gevent", sqlite["gevent"],
                                                 name="room-gevent")],
                "floor": lambda: [start_floor(workdir, "eventlet")],
                "node": lambda: [start_node(workdir)]}
    with pinned():
        return run_group("room", starters, args, workdir, steps=[ROOM_STEP])


def wide_group(args, workdir: Path) -> list[dict]:
    """2,000 connections on one process (WIDE_STEP), under eventlet and gevent, servers on
    one core and the one client process on the other: latencies and the memory each
    connection costs."""
    sqlite = {mode: f"sqlite:///{workdir / f'wide-{mode}.sqlite3'}"
              for mode in ("eventlet", "gevent")}
    for mode, url in sqlite.items():
        migrate(app_env(0, mode, url))
    starters = {"app": lambda: [start_app(workdir, "eventlet", sqlite["eventlet"],
                                          name="wide")],
                "app-gevent": lambda: [start_app(workdir, "gevent", sqlite["gevent"],
                                                 name="wide-gevent")]}
    with pinned():
        return run_group("wide", starters, args, workdir, steps=[WIDE_STEP],
                         measure_step=measure_sessions)

