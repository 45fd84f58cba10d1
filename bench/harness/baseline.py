"""The baseline: one committed result that every run is compared against, and replaced by.

`bench/results/baseline.json` holds the app's rows of the last run of each group that was
made the baseline (`--baseline`), with where each group's figures came from (`sources`).
Another checkout's rows (`--compare`) never enter it: they describe other code.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from harness.report import markdown
from harness.targets import targets

# Two speed checks this far apart mean a different host, or the same one busy: the README's
# rule is to compare only runs made at a similar speed.
SPEED_TOLERANCE = 0.2
SOURCE_KEYS = ("date", "machine", "command", "duration_s", "min_ops", "settle_s",
               "warmup_ops", "repeats", "drain_s", "wall_s", "host_speed_ms", "note")


def load(stem: Path) -> dict | None:
    """The baseline at `stem`.json, or None when there is none yet."""
    path = stem.with_suffix(".json")
    return json.loads(path.read_text()) if path.exists() else None


def merged(baseline: dict | None, report: dict) -> dict:
    """The baseline with the groups this report ran replaced by its own rows."""
    groups = report["groups"]
    source = {"groups": groups, **{k: report[k] for k in SOURCE_KEYS if k in report}}
    old = baseline or {"sources": [], "results": []}
    sources = [dict(s, groups=[g for g in s["groups"] if g not in groups])
               for s in old["sources"]]
    results = ([r for r in old["results"] if r["group"] not in groups]
               + [r for r in report["results"] if not r["kind"].startswith("app-compare")])
    out = {"sources": [s for s in sources if s["groups"]] + [source], "results": results}
    out["targets"] = targets(results)
    return out


def save(stem: Path, baseline: dict) -> None:
    """Write the baseline's JSON and its Markdown tables."""
    stem.with_suffix(".json").write_text(json.dumps(baseline, indent=1))
    stem.with_suffix(".md").write_text(markdown(baseline) + "\n")


def similar_speed(report: dict, baseline: dict) -> bool:
    """Whether this run's host speed check reads like the baseline's for the same groups."""
    def mean(speed: dict) -> float:
        return (speed["start"] + speed["end"]) / 2

    now = report.get("host_speed_ms")
    then = [mean(s["host_speed_ms"]) for s in baseline["sources"]
            if s.get("host_speed_ms") and set(s["groups"]) & set(report.get("groups", []))]
    if not now or not then:
        return False
    return all(abs(mean(now) - t) <= SPEED_TOLERANCE * t for t in then)


def _key(row: dict) -> tuple:
    """What makes a row the same row in two reports."""
    return (row["group"], row["kind"], row.get("mode"), row.get("workshops"),
            row.get("participants"), row.get("rate"))


def _step(row: dict) -> str:
    """A row's step, as the tables write it."""
    if row["group"] == "board":
        return f"{row['mode']}, {row['notes']} notes"
    sizes = f"{row['workshops']} workshops x " if row.get("workshops") else ""
    return f"{sizes}{row['participants']} x {row['rate']:g}/s"


def p99s(row: dict) -> list[float]:
    """Each run's fan-out p99 (one value when the row kept no runs)."""
    runs = [r["fanout_ms"]["p99"] for r in row.get("raw") or [] if r["fanout_ms"]["p99"]]
    return runs or [row["fanout_ms"]["p99"]]


def verdict(base: list[float], now: list[float]) -> str:
    """Whether `now` differs from `base` by more than the runs' own spread."""
    if len(base) < 3 or len(now) < 3:
        return "too few runs to tell (--repeats 5)"
    median = statistics.median(now)
    if min(base) <= median <= max(base) or min(now) <= statistics.median(base) <= max(now):
        return "inside the spread"
    return "slower" if median > max(base) else "faster"


def _spread(values: list[float], digits: int = 1) -> str:
    """The median, and with several values their lowest and highest."""
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return (f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f}, "
            f"{len(values)} runs)")


def comparison(report: dict, baseline: dict) -> str:
    """A Markdown section: this run's rows beside the baseline's, with the host speeds."""
    index = {_key(r): r for r in baseline["results"]}
    pairs = [(index[_key(r)], r) for r in report["results"] if _key(r) in index]
    if not pairs:
        return ""
    speed = report.get("host_speed_ms") or {}
    lines = ["### Against the baseline", "",
             f"Host speed check now {speed.get('start')} → {speed.get('end')} ms; the "
             "baseline's per group: "
             + "; ".join(f"{', '.join(s['groups'])} {s['host_speed_ms']['start']} → "
                         f"{s['host_speed_ms']['end']} ms ({s['date']})"
                         for s in baseline["sources"] if s.get("host_speed_ms"))
             + ". Figures made at different host speeds do not compare (bench/README.md, "
             "\"Reading a comparison\").", ""]
    if not similar_speed(report, baseline):
        lines[-1:-1] = ["", "**The host's speed differs from the baseline's by more than "
                        f"{SPEED_TOLERANCE:.0%}: these figures do not compare.**"]
    rows = [(b, r) for b, r in pairs if r["group"] != "board"]
    if rows:
        lines += ["| group | step | server | fan-out p99, baseline | fan-out p99, now | "
                  "now ÷ baseline | verdict | CPU % baseline → now |",
                  "|---|---|---|---|---|---|---|---|"]
        for base, now in rows:
            b, n = p99s(base), p99s(now)
            lines.append(f"| {now['group']} | {_step(now)} | {now['kind']} | {_spread(b)} | "
                         f"{_spread(n)} | {statistics.median(n) / statistics.median(b):.2f} | "
                         f"{verdict(b, n)} | {base.get('server_cpu_pct')} → "
                         f"{now.get('server_cpu_pct')} |")
        lines.append("")
    for base, now in pairs:
        if now.get("ratios") and base.get("ratios"):
            lines.append(f"- heavy, {now['server']}: busy ÷ quiet p99 "
                         f"{_spread(base['ratios'], 2)} in the baseline, "
                         f"{_spread(now['ratios'], 2)} now "
                         f"({verdict(base['ratios'], now['ratios'])}).")
        if now["group"] == "board":
            lines += [f"- board ({now['mode']}): {label} median {base[key]['median']} → "
                      f"{now[key]['median']} ms"
                      for key, label in (("page_load_ms", "first page load"),
                                         ("sync_socket_ms", "sync after 500 missed"))]
    lines.append("")
    return "\n".join(lines)
