"""One measured run: the Node clients play the session, the sampler watches the servers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from harness.machine import Sampler, pin
from harness.paths import CLIENT_JS, NODE, ROOT
from harness.servers import Server
from harness.stats import latency_summary
from harness.workshops import SEED_NOTES, setup_workshop

# From this size on a step is "a room": its members join 25 at a time, as browsers would.
ROOM_SIZE = 500


def run_clients(configs: list[dict], workdir: Path) -> list[dict]:
    """Run one bench/clients/client.js per config, all at once; returns their JSON results."""
    clients = []
    for n, config in enumerate(configs):
        path = workdir / f"client-config-{n}.json"
        path.write_text(json.dumps(config))
        clients.append(subprocess.Popen([NODE, str(CLIENT_JS), str(path)], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, preexec_fn=pin("client")))
    timeout = max(c["duration"] for c in configs) + configs[0]["drainTimeout"] + 120
    results = []
    try:
        for client in clients:
            out, err = client.communicate(timeout=timeout)
            if client.returncode != 0:
                raise RuntimeError(f"bench client failed: {err[-3000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
    return results


def load_seconds(participants: int, rate: float, args) -> float:
    """How long a step's load runs: `--duration`, or longer where that gives fewer than
    `--min-ops` ops. At 25 x 0.2/s four seconds are 20 ops, so the p99 of their receipts was
    in effect the slowest op or two: one op's bad luck decided a step's ratio."""
    return max(args.duration, args.min_ops / (participants * rate))


def measure(kind: str, servers: list[Server], participants: int, rate: float, args,
            workdir: Path, seed: int) -> dict:
    """One run of one step against one kind of server."""
    bases = [s.url for s in servers]
    join_s = None
    if kind.startswith("app"):
        # A room of hundreds joins as a crowd of browsers would: 25 at a time.
        ws = setup_workshop(bases, participants,
                            joining_at_once=25 if participants >= ROOM_SIZE else 4)
        join_s = ws["join_s"]
        # As the board connects: batches of events when they pile up (docs/protocol.md).
        clients, auth = ws["clients"], {"workshop": ws["workshop"], "batch": not args.unbatched}
        persona, notes = ws["persona_id"], ws["note_ids"]
    else:
        room = f"bench-{seed}-{participants}-{rate}"
        clients = [{"url": bases[i % len(bases)], "cookie": None} for i in range(participants)]
        auth, persona = {"workshop": room}, "p0"
        notes = [f"a{n}" for n in range(SEED_NOTES)]
    config = {"clients": clients, "auth": auth, "rate": rate,
              "duration": load_seconds(participants, rate, args),
              "settle": args.settle, "drainTimeout": args.drain, "seed": seed,
              "personaId": persona, "assumptionIds": notes, "addShare": 0.3,
              "warmupOps": args.warmup_ops}
    if args.raw:  # every op's ack and receipts, to look at the tail
        Path(args.raw).mkdir(parents=True, exist_ok=True)
        config["rawOut"] = str(Path(args.raw) / f"{kind}-{participants}x{rate}-{seed}.json")
    with Sampler([s.pid for s in servers], infra=kind.startswith("app-pg")) as sampler:
        result = run_clients([config], workdir)[0]
    result.update(kind=kind, workers=len(servers), join_s=join_s,
                  **server_figures(sampler, result["epoch"], participants))
    return result


def server_figures(sampler: Sampler, epoch_ms: dict, participants: int) -> dict:
    """The servers' CPU over load and drain (and PostgreSQL's and Redis's, where sampled),
    their peak RSS, and RSS per participant."""
    epoch = {k: v / 1000 for k, v in epoch_ms.items()}
    before = sampler.samples[0]
    connected = sampler.at(epoch["load_start"])
    start, end = sampler.at(epoch["load_start"]), sampler.at(epoch["drain_end"])
    window = [s for s in sampler.samples if epoch["load_start"] <= s[0] <= epoch["drain_end"]]
    seconds = max(1e-3, end[0] - start[0])
    return {
        "server_cpu_pct": round(100 * (end[1] - start[1]) / seconds, 1),
        "infra_cpu_pct": round(100 * (end[3] - start[3]) / seconds, 1) if sampler.infra
        else None,
        "server_rss_mib_before": round(before[2] / 1024, 1),
        "server_rss_mib_peak": round(max([s[2] for s in window] + [end[2]]) / 1024, 1),
        "rss_kib_per_participant": round((connected[2] - before[2]) / participants, 1),
    }



def measure_sessions(kind: str, servers: list[Server], workshops: int, participants: int,
                     rate: float, args, workdir: Path, seed: int) -> dict:
    """One run of several workshops at once, all driven from one client process (one clock,
    and one core's worth of clients rather than a Node process per workshop).

    Each workshop's ops fan out to its own members only. Latencies are taken over every op
    and receipt of all the workshops (from each workshop's per-op file); counts are summed,
    and the delivered ratio is the worst workshop's.
    """
    bases = [s.url for s in servers]
    raw_dir = Path(args.raw) if args.raw else workdir
    raw_dir.mkdir(parents=True, exist_ok=True)
    sessions = []
    for n in range(workshops):
        ws = setup_workshop(bases, participants)
        sessions.append({
            "clients": ws["clients"],
            "auth": {"workshop": ws["workshop"], "batch": not args.unbatched},
            "seed": seed + n, "personaId": ws["persona_id"], "assumptionIds": ws["note_ids"],
            "rawOut": str(raw_dir / f"{kind}-{workshops}w{participants}x{rate}-{seed}-{n}.json")})
    config = {"sessions": sessions, "rate": rate,
              "duration": load_seconds(workshops * participants, rate, args),
              "settle": args.settle, "drainTimeout": args.drain, "addShare": 0.3,
              "warmupOps": args.warmup_ops}
    with Sampler([s.pid for s in servers], infra=kind.startswith("app-pg")) as sampler:
        answer = run_clients([config], workdir)[0]
    runs = answer["sessions"]
    ops = [op for s in sessions for op in json.loads(Path(s["rawOut"]).read_text())["ops"]]
    totals = {key: sum(r[key] for r in runs)
              for key in ("ops_sent", "ops_acked_ok", "ack_timeouts", "deliveries",
                          "expected_deliveries", "doubled", "out_of_order", "stray_events",
                          "messages", "deliveries_per_s", "disconnects")}
    return dict(runs[0], **totals, kind=kind, workers=len(servers), workshops=workshops,
                participants=participants, epoch=answer["epoch"],
                client_cpu_s=answer["client_cpu_s"], client_cpu_pct=answer["client_cpu_pct"],
                client_loop_lag_ms=answer["client_loop_lag_ms"],
                ack_ms=latency_summary([op["ack"] for op in ops]),
                fanout_ms=latency_summary([x for op in ops for x in op["fanout"]]),
                delivered_ratio=min(r["delivered_ratio"] or 0 for r in runs),
                drained=all(r["drained"] for r in runs),
                ack_errors={k: sum(r["ack_errors"].get(k, 0) for r in runs)
                            for r in runs for k in r["ack_errors"]},
                **server_figures(sampler, answer["epoch"], workshops * participants))
