"""The profile card of a segment: per column figures, distinctive attributes first, spread.

Every breakdown on a card is shown beside the population's, so suppression treats it as two
rows, the segment and the rest of the rows (`suppression.hide_bins`): otherwise the
population's count minus the segment's would give the rest's small cells away.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from workshop.domain.profiles import stats
from workshop.domain.profiles.segments import segment_size
from workshop.domain.profiles.shapes import SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K, figure, hide_bins, share
from workshop.domain.profiles.table import Table

TOP_VALUES = 5
HISTOGRAM_BINS = 8
DISTINCTIVE_EFFECT = 0.2  # Cohen's "small" effect
SPREAD_MIN_SHARE = 0.10
_EPOCH = dt.date(1970, 1, 1)


def nice_step(span: float, bins: int) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) that covers span in about `bins` steps."""
    if span <= 0:
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def nice_round(value: float) -> float:
    """A round number near value, for spread sentences (60, 250, 1,500…)."""
    if value == 0:
        return 0.0
    power = 10 ** math.floor(math.log10(abs(value)))
    step = power / 2 if abs(value) / power < 3 else power
    return round(value / step) * step


def _date_edges(low: float, high: float, bins: int) -> list[float] | None:
    """Edges on 1 January of round years for dates spanning two years or more."""
    first, last = (_EPOCH + dt.timedelta(days=round(v)) for v in (low, high))
    if last.year - first.year < 2:
        return None
    step = max(1, round(nice_step(last.year - first.year, bins)))
    years = range(first.year - first.year % step, last.year + step, step)
    return [float((dt.date(year, 1, 1) - _EPOCH).days) for year in years]


def histogram_edges(population: pl.Series, bins: int = HISTOGRAM_BINS,
                    kind: str = "number") -> list[float]:
    """Round edges spanning the population's 2nd to 98th percentile (open-ended outer bins);
    dates (as days since 1970) on 1 January of round years when they span years."""
    low, high = population.quantile(0.02, "nearest"), population.quantile(0.98, "nearest")
    if kind == "date" and (edges := _date_edges(low, high, bins)):
        return edges
    step = nice_step(high - low, bins)
    start = math.floor(low / step) * step
    edges = [start]
    while edges[-1] < high and len(edges) <= bins + 1:
        edges.append(round(edges[-1] + step, 10))
    return edges if len(edges) > 1 else [start, start + step]


def _bin_counts(values: pl.Series, edges: list[float]) -> list[int]:
    """Counts under edges[0], in each [edges[i-1], edges[i]), and from edges[-1] on."""
    index = values.to_frame("v").select(
        sum((pl.col("v") >= edge).cast(pl.Int32) for edge in edges).alias("bin"))
    counts = index["bin"].value_counts()
    found = dict(zip(counts["bin"].to_list(), counts["count"].to_list(), strict=True))
    return [found.get(i, 0) for i in range(len(edges) + 1)]


def _as_numbers(series: pl.Series, kind: str) -> pl.Series:
    """Numbers as floats, dates as days since 1970 (so one code path serves both)."""
    if kind == "date":
        return series.cast(pl.Int32).cast(pl.Float64)
    return series.cast(pl.Float64)


def _show(value: float | None, kind: str) -> float | str | None:
    """An order statistic for display: a number made coarse (no one's exact value, see
    stats.coarse), a date as ISO text."""
    if value is None:
        return None
    if kind == "date":
        return (_EPOCH + dt.timedelta(days=round(value))).isoformat()
    return stats.coarse(value)


def _edge(value: float, kind: str) -> float | str:
    """A round number we chose (a bin edge, a spread threshold), as it is."""
    if kind == "date":
        return (_EPOCH + dt.timedelta(days=round(value))).isoformat()
    return round(float(value), 10)


def _numeric_column(seg_all: pl.Series, pop_all: pl.Series, kind: str, k: int) -> dict:
    """Median with interval, quartiles, shared-bin histogram, effect and spread."""
    seg, pop = _as_numbers(seg_all.drop_nulls(), kind), _as_numbers(pop_all.drop_nulls(), kind)
    ordered = seg.sort()
    low, high = stats.median_interval(ordered)
    median, pop_median = seg.median(), pop.median()
    q1, q3 = seg.quantile(0.25, "linear"), seg.quantile(0.75, "linear")
    pop_q1, pop_q3 = pop.quantile(0.25, "linear"), pop.quantile(0.75, "linear")
    spread_p = (pop_q3 - pop_q1) / 1.349
    effect = abs(median - pop_median) / spread_p if spread_p > 0 else (
        0.0 if median == pop_median else 10.0)
    edges = histogram_edges(pop, kind=kind)
    # The last cell is "no value", so the filled count is no back door to a small group.
    seg_counts = _bin_counts(seg, edges) + [seg_all.null_count()]
    pop_counts = _bin_counts(pop, edges) + [pop_all.null_count()]
    hidden = hide_bins(seg_counts, pop_counts, k)
    seg_counts, pop_counts, empty = seg_counts[:-1], pop_counts[:-1], len(seg_counts) - 1
    entry = {
        "n": None if empty in hidden else seg.len(),
        "empty": None if empty in hidden else seg_all.null_count(),
        "median": _show(median, kind), "median_ci": [_show(low, kind), _show(high, kind)],
        "q1": _show(q1, kind), "q3": _show(q3, kind),
        "population_median": _show(pop_median, kind), "effect": round(effect, 3),
        "histogram": {"edges": [_edge(e, kind) for e in edges],
                      "counts": [None if i in hidden else c for i, c in enumerate(seg_counts)],
                      "population": [None if i in hidden else c
                                     for i, c in enumerate(pop_counts)]},
        "spread": [],
    }
    n = seg.len()
    over, under = ("after", "before") if kind == "date" else ("over", "under")
    for threshold, word in ((_threshold(pop_q3, kind), over), (_threshold(pop_q1, kind), under)):
        count = int((seg > threshold).sum() if word == over else (seg < threshold).sum())
        shown = figure(count, n, k)
        if not shown["suppressed"] and shown["share"] >= SPREAD_MIN_SHARE:
            value = _edge(threshold, kind)
            value = f"{value:g}" if isinstance(value, float) else value
            entry["spread"].append(f"{round(100 * shown['share'])}% of this segment is "
                                   f"{word} {value}")
    return entry


def _threshold(value: float, kind: str) -> float:
    """A round threshold near a quartile for a spread sentence: a round number, or for a
    date (days since 1970) the first day of its month."""
    if kind != "date":
        return nice_round(value)
    day = _EPOCH + dt.timedelta(days=round(value))
    return float((day.replace(day=1) - _EPOCH).days)


def _category_column(seg_all: pl.Series, pop_all: pl.Series, k: int) -> dict:
    """Top values with share, Wilson interval, population share and lift; effect; spread."""
    seg, pop = seg_all.drop_nulls(), pop_all.drop_nulls()
    if seg.dtype == pl.Boolean:
        seg, pop = (s.cast(pl.String).str.to_lowercase() for s in (seg, pop))
    n, total = seg.len(), pop.len()
    seg_counts = dict(seg.value_counts().iter_rows())
    pop_counts = dict(pop.value_counts().iter_rows())
    ranked = sorted(seg_counts, key=lambda v: (-seg_counts[v], str(v)))
    top = ranked[:TOP_VALUES]
    cells_seg = [seg_counts[v] for v in top] + [n - sum(seg_counts[v] for v in top)]
    cells_pop = [pop_counts[v] for v in top] + [total - sum(pop_counts[v] for v in top)]
    # The last cell is "no value", so the filled count is no back door to a small group.
    hidden = hide_bins(cells_seg + [seg_all.null_count()], cells_pop + [pop_all.null_count()], k)
    empty = len(cells_seg)
    values, effect = [], 0.0
    for i, value in enumerate(top):
        if i in hidden:
            values.append({"value": str(value), "count": None, "share": None, "ci": None,
                           "population_share": None, "lift": None})
            continue
        p, pop_p = cells_seg[i] / n, cells_pop[i] / total
        low, high = stats.wilson(cells_seg[i], n)
        effect = max(effect, stats.cohens_h(p, pop_p))
        values.append({"value": str(value), "count": cells_seg[i], "share": share(cells_seg[i], n),
                       "ci": [round(low, 4), round(high, 4)],
                       "population_share": share(cells_pop[i], total),
                       "lift": round(p / pop_p, 3) if pop_p else None})
    other_hidden = len(top) in hidden
    entry = {"n": None if empty in hidden else n,
             "empty": None if empty in hidden else seg_all.null_count(),
             "top": values, "effect": round(effect, 3), "spread": [],
             "other": {"count": None if other_hidden else cells_seg[-1],
                       "share": None if other_hidden else share(cells_seg[-1], n)}}
    if top and 0 not in hidden:
        rest = figure(n - cells_seg[0], n, k)
        if not rest["suppressed"] and rest["share"] >= SPREAD_MIN_SHARE:
            entry["spread"].append(f"{round(100 * rest['share'])}% of this segment is not "
                                   f"{top[0]}")
    return entry


def rule_columns(rule: dict) -> set[str]:
    """The columns a rule tests (a segment is not "distinctive" in what defines it)."""
    if "all" in rule or "any" in rule:
        return {name for part in rule.get("all", rule.get("any")) for name in rule_columns(part)}
    return {rule["column"]}


def profile_card(table: Table, segment: SegmentDef, *, k: int = DEFAULT_K) -> dict:
    """The card (shape in docs/profiles.md): columns ranked by effect size, spread sentences."""
    mask, size = segment_size(table, segment, k)
    card = {"segment": segment["id"], "name": segment["name"], "n": size["count"],
            "share": size["share"], "suppressed": size["suppressed"], "k": k,
            "columns": [], "distinctive": [], "spread": []}
    if size["suppressed"]:
        return card
    inside = table.frame.filter(mask)
    for meta in table.columns:
        name, kind = meta["name"], meta["kind"]
        seg, pop = inside[name], table.frame[name]
        entry = {"column": name, "kind": kind, "role": meta["role"], "n": None, "empty": None,
                 "effect": None, "distinctive": False}
        if seg.null_count() < seg.len() and kind in ("number", "date"):
            entry.update(_numeric_column(seg, pop, kind, k))
        elif seg.null_count() < seg.len() and kind in ("category", "boolean"):
            entry.update(_category_column(seg, pop, k))
        else:  # free text, identifiers, an empty column: how many have a value, no more
            filled = [seg.len() - seg.null_count(), seg.null_count()]
            shown = hide_bins(filled, [pop.len() - pop.null_count(), pop.null_count()], k)
            entry.update(n=None if shown else filled[0], empty=None if shown else filled[1])
        card["columns"].append(entry)
    card["columns"].sort(key=lambda c: -(c["effect"] or 0))
    defining = rule_columns(segment["rule"])
    for entry in card["columns"]:
        entry["in_rule"] = entry["column"] in defining
        if entry["in_rule"]:
            continue
        if entry["role"] == "attribute" and (entry["effect"] or 0) >= DISTINCTIVE_EFFECT:
            entry["distinctive"] = True
            card["distinctive"].append(entry["column"])
        if entry["role"] == "attribute":
            card["spread"].extend(entry.get("spread", []))
    return card
