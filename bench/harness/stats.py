"""Percentiles and medians, computed the way bench/clients/client.js computes them."""

from __future__ import annotations

import statistics


def percentile(values: list[float], p: float) -> float:
    """The value at or below which p% of the sorted values lie (nearest rank)."""
    return values[min(len(values) - 1, max(0, -(-len(values) * p // 100) - 1))]


def latency_summary(values: list[float]) -> dict:
    """n, p50, p90, p99 and max, as bench/clients/client.js summarises (nearest rank)."""
    values = sorted(values)
    return {"n": len(values), **{f"p{p}": round(percentile(values, p), 2) if values else None
                                 for p in (50, 90, 99)},
            "max": round(values[-1], 2) if values else None}



def median_run(runs: list[dict]) -> dict:
    """Medians over repeats of every figure the tables use (the raw runs are kept too)."""
    if len(runs) == 1:
        return dict(runs[0], repeats=1)
    out = dict(runs[0], repeats=len(runs))
    for key in ("ack_ms", "fanout_ms"):
        out[key] = {k: statistics.median(r[key][k] for r in runs if r[key][k] is not None)
                    if any(r[key][k] is not None for r in runs) else None
                    for k in runs[0][key]}
    for key in ("deliveries_per_s", "server_cpu_pct", "infra_cpu_pct", "server_rss_mib_peak",
                "rss_kib_per_participant", "client_cpu_s", "client_cpu_pct", "join_s", "connect_ms",
                "presence_bytes"):
        values = [r[key] for r in runs if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    # Correctness is not averaged: the worst run counts.
    out["delivered_ratio"] = min(r["delivered_ratio"] or 0 for r in runs)
    out["doubled"] = max(r["doubled"] for r in runs)
    out["drained"] = all(r["drained"] for r in runs)
    out["ack_errors"] = {k: sum(r["ack_errors"].get(k, 0) for r in runs)
                         for r in runs for k in r["ack_errors"]}
    return out

