"""A report as Markdown tables, one per group, with the targets after them."""

from __future__ import annotations


def _f(value, digits=1) -> str:
    """A figure for a table: a dash for none, floats to `digits` places."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ratio(a, b) -> str:
    """a ÷ b for a table, or a dash."""
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"



# From this share of its core on, the one-threaded client sets the latencies (issue 29: such
# a step is reported as the machine's limit, not as the server's latency).
CLIENT_BOUND_PCT = 90


def client_bound(row: dict) -> bool:
    """Whether the client process saturated its core during the run."""
    return (row.get("client_cpu_pct") or 0) >= CLIENT_BOUND_PCT


def client_load(row: dict) -> str:
    """The client's CPU share for a table, marked where it saturated its core."""
    pct = row.get("client_cpu_pct")
    if pct is None:
        return _f(row.get("client_cpu_s")) + " s" if row.get("client_cpu_s") else "–"
    return f"**{pct} (client-bound)**" if client_bound(row) else str(pct)


# The projection keeps a core's load at 70%: above that, queues and the tail grow fast.
HEADROOM = 0.7
# What one person costs in deliveries/s in the typical workshop: 50 members, an op every 5 s,
# each op delivered to all 50.
PERSON_DELIVERIES_PER_S = 0.2 * 50


def cpu_ms_per_1000(row: dict, key: str) -> float | None:
    """CPU ms that 1,000 deliveries cost: the workers' (`server_cpu_pct`) or PostgreSQL's and
    Redis's (`infra_cpu_pct`)."""
    if row.get(key) is None or not row.get("deliveries_per_s"):
        return None
    return 1000 * 10 * row[key] / row["deliveries_per_s"]  # pct/100 s per s, in ms per 1,000


def scale_projection(rows: list[dict]) -> list[str]:
    """Each scale row's CPU per 1,000 deliveries, and what N cores would serve at that cost.

    On this 2-core machine two workers share the cores with PostgreSQL, Redis and the clients,
    so they cannot be faster than one; the CPU each delivery costs is what carries over to a
    bigger machine (issue 29)."""
    measured = [r for r in rows if r.get("infra_cpu_pct") is not None and r["deliveries_per_s"]]
    if not measured:
        return []
    lines = ["#### CPU per delivered event, and what N cores would serve", "",
             "CPU ms per 1,000 deliveries over load and drain: the app workers', and "
             "PostgreSQL's and Redis's (every process of theirs on the host).", "",
             "| participants | ops/s each | server | workers ms | PostgreSQL + Redis ms | "
             "total ms |", "|---|---|---|---|---|---|"]
    for r in measured:
        app, infra = cpu_ms_per_1000(r, "server_cpu_pct"), cpu_ms_per_1000(r, "infra_cpu_pct")
        lines.append(f"| {r['participants']} | {r['rate']:g} | {r['kind']} | {app:.1f} | "
                     f"{infra:.1f} | {app + infra:.1f} |")
    two = [r for r in measured if r["kind"] == "app-pg-redis-2w"]
    if two:
        busiest = max(two, key=lambda r: r["deliveries_per_s"])
        cost_ms = (cpu_ms_per_1000(busiest, "server_cpu_pct")
                   + cpu_ms_per_1000(busiest, "infra_cpu_pct")) / 1000
        per_core = HEADROOM * 1000 / cost_ms
        lines += ["", f"Projection from the two-worker row at {busiest['participants']} x "
                  f"{busiest['rate']:g}/s ({cost_ms:.3f} CPU ms per delivery, Redis and "
                  f"PostgreSQL included), each core kept at {HEADROOM:.0%}: deliveries/s, and "
                  f"people in 50-person workshops at 0.2 ops/s each "
                  f"({PERSON_DELIVERIES_PER_S:g} deliveries/s a person). A projection, not a "
                  "measurement: it assumes the cost per delivery stays flat as cores are added, "
                  "which holds while Redis (one thread) and PostgreSQL have cores to spare.", "",
                  "| cores | deliveries/s | people |", "|---|---|---|"]
        for cores in (2, 4, 8, 16):
            capacity = cores * per_core
            lines.append(f"| {cores} | {capacity:,.0f} | "
                         f"{capacity / PERSON_DELIVERIES_PER_S:,.0f} |")
    lines.append("")
    return lines


LEGEND = (
    "Kinds run back to back on each step. Latencies in ms, measured by the Node client (one "
    "clock). \"delivered\" counts the events of acknowledged ops; an op whose ack took longer "
    "than the drain time is counted apart (\"acks > n s\"): the step was saturated. \"out of "
    "order\": other clients' events that reached a client after a higher seq (two workers "
    "publish independently; clients order by seq). \"per message\": events per Socket.IO "
    "message received, where the app sent batches (the clients ask for them at connect, as "
    "the board does).")


def provenance(source: dict) -> str:
    """When, where and how a run was made, and the host's speed around it."""
    text = (f"Run {source['date']} on {source['machine']}. Command: `{source['command']}`. "
            f"{source['duration_s']} s of load per run"
            + (f" (longer where that is fewer than {source['min_ops']} ops)"
               if source.get("min_ops") else "")
            + f" after {source['settle_s']} s settle"
            + (f" and {source['warmup_ops']} unmeasured warm-up ops"
               if source.get("warmup_ops") else "")
            + f"; medians over {source['repeats']} run(s) per step "
            f"({max(3, source['repeats'])} for 200 x 0.25/s).")
    speed = source.get("host_speed_ms")
    if speed:
        text += (f" Host speed check: {speed['start']} ms before the run, {speed['end']} ms "
                 f"after it (lower is faster).")
    if source.get("note"):
        text += f" {source['note']}"
    return text


def markdown(report: dict) -> str:
    """The Markdown tables; a baseline merged from several runs says which run made which."""
    results = report["results"]
    sources = report.get("sources") or [report]
    if len(sources) == 1:
        lines = [provenance(sources[0])]
    else:
        lines = [f"- **{', '.join(s['groups'])}**: {provenance(s)}" for s in sources]
    lines += ["", LEGEND, ""]
    for group in ("eventlet", "gevent", "threading", "scale"):
        rows = [r for r in results if r["group"] == group]
        if not rows:
            continue
        title = {"eventlet": "One worker, eventlet (how `python wsgi.py` serves), SQLite",
                 "gevent": "One worker, gevent (simple-websocket), SQLite",
                 "threading": "One worker, threading (simple-websocket), SQLite",
                 "scale": "eventlet on PostgreSQL: one worker, one behind Redis, two behind "
                          "Redis"}[group]
        lines += [f"### {title}", "",
                  "| participants | ops/s each | server | ack p50/p99 | fan-out p50 / p90 / p99 "
                  "/ max | delivered | deliveries/s | CPU % | peak RSS MiB | KiB/participant |"
                  " p99 vs floor | p99 vs floor-db | p99 vs node | deliv/s vs floor |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        index = {(r["kind"], r["participants"], r["rate"]): r for r in rows}
        for r in rows:
            fo, ack = r["fanout_ms"], r["ack_ms"]
            base_kind = "floor" if group != "scale" else "app-pg"
            floor = index.get((base_kind, r["participants"], r["rate"]))
            node = index.get(("node", r["participants"], r["rate"]))
            floor_db = index.get(("floor-db", r["participants"], r["rate"]))
            delivered = _f(r["delivered_ratio"], 4)
            if r["doubled"]:
                delivered += f" ({r['doubled']} doubled)"
            if not r["drained"]:
                delivered += " (not drained)"
            if r.get("ack_timeouts"):
                delivered += f" ({r['ack_timeouts']} acks > {report.get('drain_s', 10):g} s)"
            if r.get("out_of_order"):
                delivered += f" ({r['out_of_order']} out of order)"
            if r.get("messages") and r["deliveries"] > 1.05 * r["messages"]:
                delivered += f" ({r['deliveries'] / r['messages']:.1f} per message)"
            lines.append(
                f"| {r['participants']} | {r['rate']:g} | {r['kind']} | {_f(ack['p50'])} / "
                f"{_f(ack['p99'])} | {_f(fo['p50'])} / {_f(fo['p90'])} / {_f(fo['p99'])} / "
                f"{_f(fo['max'])} | {delivered} | {_f(r['deliveries_per_s'])} | "
                f"{_f(r['server_cpu_pct'])} | {_f(r['server_rss_mib_peak'])} | "
                f"{_f(r['rss_kib_per_participant'])} | "
                f"{_ratio(fo['p99'], floor['fanout_ms']['p99']) if floor else '–'} | "
                f"{_ratio(fo['p99'], floor_db['fanout_ms']['p99']) if floor_db else '–'} | "
                f"{_ratio(fo['p99'], node['fanout_ms']['p99']) if node else '–'} | "
                f"{_ratio(r['deliveries_per_s'], floor['deliveries_per_s']) if floor else '–'}"
                f" |")
        lines.append("")
    lines += scale_projection([r for r in results if r["group"] == "scale"])
    sessions = [r for r in results if r["group"] == "sessions"]
    if sessions:
        lines += ["### Several workshops at once (200 people in all), eventlet", "",
                  "Each workshop's ops reach its own members only. `app`: one worker on "
                  "SQLite; `app-pg`: one worker on PostgreSQL; `app-pg-redis-2w`: two workers "
                  "on PostgreSQL behind Redis, each workshop's members split between them.", "",
                  "| workshops x participants | ops/s each | server | ack p50/p99 | fan-out p50 "
                  "/ p90 / p99 / max | delivered | deliveries/s | CPU % | peak RSS MiB | "
                  "p99 vs app |", "|---|---|---|---|---|---|---|---|---|---|"]
        index = {(r["kind"], r["workshops"], r["participants"], r["rate"]): r for r in sessions}
        for r in sessions:
            fo, ack = r["fanout_ms"], r["ack_ms"]
            one = index.get(("app", r["workshops"], r["participants"], r["rate"]))
            delivered = _f(r["delivered_ratio"], 4) + ("" if r["drained"] else " (not drained)")
            if r.get("out_of_order"):
                delivered += f" ({r['out_of_order']} out of order)"
            lines.append(
                f"| {r['workshops']} x {r['participants']} | {r['rate']:g} | {r['kind']} | "
                f"{_f(ack['p50'])} / {_f(ack['p99'])} | {_f(fo['p50'])} / {_f(fo['p90'])} / "
                f"{_f(fo['p99'])} / {_f(fo['max'])} | {delivered} | "
                f"{_f(r['deliveries_per_s'])} | {_f(r['server_cpu_pct'])} | "
                f"{_f(r['server_rss_mib_peak'])} | "
                f"{_ratio(fo['p99'], one['fanout_ms']['p99']) if one else '–'} |")
        lines.append("")
    room = [r for r in results if r["group"] == "room"]
    if room:
        lines += ["### 1,000 people in one workshop, 0.05 ops/s each", "",
                  "Joins go over HTTP 25 at a time, then the connections open 25 at a time "
                  "(a crowd of browsers). `app`: eventlet; `app-gevent`: gevent; each on "
                  "SQLite. Presence per join: the presence bytes all members received, divided "
                  "by the joins. Servers run on one core, the Node client on the other; "
                  "client CPU is its share of that core: near 100%, the client, not the "
                  "server, sets the latencies.", "",
                  "| server | joins s | connections s | presence KiB per join | ack p50/p99 "
                  "| fan-out p50 / p90 / p99 / max | delivered | CPU % | KiB/participant | "
                  "client CPU % | p99 vs floor | p99 vs node |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        index = {r["kind"]: r for r in room}
        for r in room:
            fo, ack = r["fanout_ms"], r["ack_ms"]
            floor, node = index.get("floor"), index.get("node")
            per_join = (r.get("presence_bytes") or 0) / 1024 / max(1, r["participants"])
            lines.append(
                f"| {r['kind']} | {_f(r.get('join_s'))} | {_f((r.get('connect_ms') or 0) / 1000)}"
                f" | {per_join:.2f} | {_f(ack['p50'])} / {_f(ack['p99'])} | {_f(fo['p50'])} / "
                f"{_f(fo['p90'])} / {_f(fo['p99'])} / {_f(fo['max'])} | "
                f"{_f(r['delivered_ratio'], 4)} | {_f(r['server_cpu_pct'])} | "
                f"{_f(r['rss_kib_per_participant'])} | {client_load(r)} | "
                f"{_ratio(fo['p99'], floor['fanout_ms']['p99']) if floor else '–'} | "
                f"{_ratio(fo['p99'], node['fanout_ms']['p99']) if node else '–'} |")
        lines.append("")
    wide = [r for r in results if r["group"] == "wide"]
    if wide:
        lines += ["### 2,000 connections on one process: 40 workshops of 50, 0.2 ops/s each",
                  "", "The server on one core; one Node process drives all 40 workshops from "
                  "the other.", "",
                  "| server | ack p50/p99 | fan-out p50 / p90 / p99 / max | delivered | "
                  "CPU % | peak RSS MiB | KiB per connection | client CPU % |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in wide:
            fo, ack = r["fanout_ms"], r["ack_ms"]
            lines.append(
                f"| {r['kind']} | {_f(ack['p50'])} / {_f(ack['p99'])} | {_f(fo['p50'])} / "
                f"{_f(fo['p90'])} / {_f(fo['p99'])} / {_f(fo['max'])} | "
                f"{_f(r['delivered_ratio'], 4)} | {_f(r['server_cpu_pct'])} | "
                f"{_f(r['server_rss_mib_peak'])} | {_f(r['rss_kib_per_participant'])} | "
                f"{client_load(r)} |")
        lines.append("")
    presence = [r for r in results if r["kind"].startswith("app") and r.get("presence_bytes")
                and "workshops" not in r]
    if presence:
        lines += ["### Presence per join", "",
                  "The presence bytes all members received during a run (joins and load), "
                  "divided by the members who joined.", "",
                  "| group | server | participants | KiB per join |", "|---|---|---|---|"]
        for r in sorted(presence, key=lambda r: (r["participants"], r["group"], r["kind"])):
            lines.append(f"| {r['group']} | {r['kind']} | {r['participants']} | "
                         f"{r['presence_bytes'] / 1024 / r['participants']:.1f} |")
        lines.append("")
    heavy = [r for r in results if r["group"] == "heavy"]
    if heavy:
        busy = next(r for r in heavy if r.get("ratios"))
        lines += ["### Heavy requests beside a live workshop (eventlet, SQLite)", "",
                  f"The 200-person workshop at 0.25 ops/s each, alone and while a member of a "
                  f"second workshop fetches PDF exports ({busy['pdf_kind']}) back to back, "
                  f"on the same worker; medians of {len(busy['ratios'])} runs of each, "
                  f"alternating. CPU is the serving process's (the PDF worker processes "
                  f"are apart). `app-compare` (with `--compare`): another checkout.", "",
                  "| room | ack p50/p99 | fan-out p50 / p90 / p99 / max | delivered | CPU % | "
                  "PDFs (median s each) | p99 vs quiet, per run |", "|---|---|---|---|---|---|---|"]
        for r in heavy:
            fo, ack = r["fanout_ms"], r["ack_ms"]
            pdfs = f"{r['pdfs']} ({r['pdf_s']:.2f} s)" if r.get("ratios") else "–"
            if r.get("pdf_failures"):
                pdfs += f", {r['pdf_failures']} failed"
            lines.append(f"| {r['kind']} | {_f(ack['p50'])} / {_f(ack['p99'])} | "
                         f"{_f(fo['p50'])} / {_f(fo['p90'])} / {_f(fo['p99'])} / "
                         f"{_f(fo['max'])} | {_f(r['delivered_ratio'], 4)} | "
                         f"{_f(r['server_cpu_pct'])} | {pdfs} | "
                         f"{', '.join(f'{x:.2f}' for x in r.get('ratios', [])) or '–'} |")
        lines.append("")
    boards = [r for r in results if r["group"] == "board"]
    if boards:
        lines += ["### A big board: 1,000 notes, 200 participants, 1,000 votes", "",
                  "| mode | page load median / p90 | snapshot JSON median | sync after 500 "
                  "missed, socket.io-client median / p90 | python-socketio client | HTTP "
                  "GET .../events | GET .../divergence median | page size |",
                  "|---|---|---|---|---|---|---|---|"]
        for b in boards:
            lines.append(f"| {b['mode']} | {b['page_load_ms']['median']} / "
                         f"{b['page_load_ms']['p90']} ms | {b['snapshot_ms']['median']} ms | "
                         f"{b['sync_socket_ms']['median']} / {b['sync_socket_ms']['p90']} ms | "
                         f"{b['sync_python_client_ms']['median']} ms | "
                         f"{b['sync_http_ms']['median']} ms | "
                         f"{b.get('divergence_ms', {}).get('median', '–')} ms | "
                         f"{b['page_bytes'] // 1024} KiB |")
        lines.append("")
    checks = report["targets"]
    if checks:
        lines += ["### Targets", "", "| target | applies | met | measured |", "|---|---|---|---|"]
        for c in checks:
            met = "–" if c["met"] is None else ("yes" if c["met"] else "**no**")
            applies = c.get("note") or ("yes" if c["applies"] else "no (floor p99 >= 100 ms)")
            lines.append(f"| {c['target']} | {applies} | {met} | {c['measured']} |")
        lines.append("")
    return "\n".join(lines)

