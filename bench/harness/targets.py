"""The targets a run is checked against: near the framework floor, the 30 ms step, the
heavy ratio and the big board's two medians (docs/performance.md)."""

from __future__ import annotations

import statistics

from harness.report import client_bound
from harness.steps import TARGET_STEP

# Issue 25: with PDF exports running back to back in a second workshop, the 200-person room's
# p99 fan-out rose from 50 to 165 ms (3.3x) while page layout ran on the hub. The target is
# 1.3x the same room's p99 without them.
HEAVY_TARGET_RATIO = 1.3


def _unless_client_bound(row: dict, met: bool) -> dict:
    """A latency target's verdict, or none where the client saturated its core: then the
    machine, not the server, set the figure (issue 29)."""
    if client_bound(row):
        return {"applies": False, "met": None,
                "note": "no: the client saturated its core (this machine cannot drive it)"}
    return {"applies": True, "met": met}


def targets(results: list[dict]) -> list[dict]:
    """Check the issue's targets against the results."""
    checks = []
    by = {(r["group"], r["kind"], r["participants"], r["rate"]): r for r in results
          if r["group"] in ("eventlet", "gevent", "threading")}
    for (group, kind, p, rate), app in sorted(by.items()):
        if kind not in ("app", "app-compare"):
            continue
        floor = by.get((group, "floor", p, rate))
        if not floor or floor["fanout_ms"]["p99"] is None:
            continue
        applies = floor["fanout_ms"]["p99"] < 100 and floor["drained"]
        p99_ratio = app["fanout_ms"]["p99"] / floor["fanout_ms"]["p99"]
        dps_ratio = (app["deliveries_per_s"] or 0) / max(1, floor["deliveries_per_s"] or 0)
        ok = p99_ratio <= 1.3 and dps_ratio >= 0.8 and app["delivered_ratio"] == 1.0
        checks.append({"target": f"{kind}, {group} {p} x {rate:g}/s: p99 <= 1.3x floor, "
                                 f"deliveries/s >= 0.8x floor, delivered 1.0",
                       "applies": applies, "met": ok if applies else None,
                       "measured": f"p99 {p99_ratio:.2f}x, deliveries/s {dps_ratio:.2f}x, "
                                   f"delivered {app['delivered_ratio']}"})
    for group, kind in (("eventlet", "app"), ("eventlet", "app-compare"), ("gevent", "app"),
                        ("threading", "app"), ("eventlet", "floor"), ("gevent", "floor"),
                        ("threading", "floor")):
        app = by.get((group, kind, *TARGET_STEP))
        if app:
            checks.append({"target": f"{kind}, {group} 200 x 0.25/s: p99 fan-out <= 30 ms, "
                                     "delivered 1.0", "applies": kind != "floor",
                           "note": "reference: the framework floor" if kind == "floor" else None,
                           "met": app["fanout_ms"]["p99"] <= 30 and app["delivered_ratio"] == 1,
                           "measured": f"p99 {app['fanout_ms']['p99']} ms, delivered "
                                       f"{app['delivered_ratio']} (median of {app['repeats']})"})
    for r in (r for r in results if r["group"] == "room" and r["kind"].startswith("app")):
        storm_s = (r.get("join_s") or 0) + (r.get("connect_ms") or 0) / 1000
        checks.append({"target": f"room, {r['kind']}: 1,000 joins and connections <= 5 s",
                       "applies": True, "met": storm_s <= 5,
                       "measured": f"{storm_s:.1f} s (joins {r.get('join_s')} s, connections "
                                   f"{(r.get('connect_ms') or 0) / 1000:.1f} s)"})
        met = (r["fanout_ms"]["p99"] is not None and r["fanout_ms"]["p99"] <= 100
               and r["ack_ms"]["p99"] is not None and r["ack_ms"]["p99"] <= 50
               and r["delivered_ratio"] == 1.0)
        checks.append({"target": f"room, {r['kind']}: 1,000 x 0.05/s p99 fan-out <= 100 ms, "
                                 "ack p99 <= 50 ms, delivered 1.0",
                       **_unless_client_bound(r, met),
                       "measured": f"fan-out p99 {r['fanout_ms']['p99']} ms, ack p99 "
                                   f"{r['ack_ms']['p99']} ms, delivered {r['delivered_ratio']}"
                                   f", client CPU {r.get('client_cpu_pct')}%"})
    for r in (r for r in results if r["group"] == "wide"):
        checks.append({"target": f"wide, {r['kind']}: 40 x 50 x 0.2/s p99 fan-out <= 100 ms, "
                                 "delivered 1.0",
                       **_unless_client_bound(r, (r["fanout_ms"]["p99"] or 1e9) <= 100
                                              and r["delivered_ratio"] == 1.0),
                       "measured": f"p99 {r['fanout_ms']['p99']} ms, delivered "
                                   f"{r['delivered_ratio']}, {r['rss_kib_per_participant']} "
                                   f"KiB per connection, client CPU "
                                   f"{r.get('client_cpu_pct')}%"})
    for busy in (r for r in results if r["group"] == "heavy" and r.get("ratios")):
        ratio = statistics.median(busy["ratios"])
        checks.append({"target": f"heavy, {busy['server']}: 200 x 0.25/s p99 fan-out with PDF "
                                 f"exports back to back <= {HEAVY_TARGET_RATIO}x the quiet "
                                 "room's",
                       "applies": True, "met": ratio <= HEAVY_TARGET_RATIO,
                       "measured": f"{ratio:.2f}x, median of {len(busy['ratios'])} "
                                   f"(runs: {', '.join(f'{x:.2f}' for x in busy['ratios'])})"})
    for board in (r for r in results if r["group"] == "board"):
        checks.append({"target": f"board ({board['mode']}): first page load median <= 150 ms",
                       "applies": True, "met": board["page_load_ms"]["median"] <= 150,
                       "measured": f"{board['page_load_ms']['median']} ms"})
        checks.append({"target": f"board ({board['mode']}): sync after 500 missed <= 50 ms",
                       "applies": True, "met": board["sync_socket_ms"]["median"] <= 50,
                       "measured": f"{board['sync_socket_ms']['median']} ms (socket), "
                                   f"{board['sync_http_ms']['median']} ms (HTTP)"})
    return checks

