"""The profile card of a segment: per column figures, distinctive attributes first, spread.

Every breakdown on a card is shown beside the population's, and beside the dataset's other
cards: the population's count minus the segment's gives the rest of the rows, and one card
less another the rows between them (a segment less one nested in it). So a dataset's cards
are drawn together (`profile_cards`), on one layout of cells per column, hiding the same
cells on every card (`suppression.hide_cells`; docs/profiles.md, "k-suppression").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import polars as pl

from workshop.domain.profiles import stats
from workshop.domain.profiles.problems import ProfileDataError, problem
from workshop.domain.profiles.segments import MAX_SEGMENTS, segment_size
from workshop.domain.profiles.shapes import SegmentDef
from workshop.domain.profiles.span import basis_of_vectors, in_span
from workshop.domain.profiles.suppression import DEFAULT_K, figure, hide_cells, share
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


def _bin(value: pl.Expr, edges: list[float]) -> pl.Expr:
    """A value's bin: 0 under edges[0], i in [edges[i-1], edges[i]), len(edges) from the last."""
    return sum((value >= edge).cast(pl.Int32) for edge in edges)


def _bin_counts(values: pl.Series, edges: list[float]) -> list[int]:
    """Counts under edges[0], in each [edges[i-1], edges[i]), and from edges[-1] on."""
    index = values.to_frame("v").select(_bin(pl.col("v"), edges).alias("bin"))
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


def _numeric_column(seg_all: pl.Series, pop_all: pl.Series, kind: str, k: int,
                    edges: list[float], hidden: set[int]) -> dict:
    """Median with interval, quartiles, shared-bin histogram, effect and spread; `hidden`:
    the histogram's cells to hide (the last is "no value"), found for every card at once."""
    seg, pop = _as_numbers(seg_all.drop_nulls(), kind), _as_numbers(pop_all.drop_nulls(), kind)
    ordered = seg.sort()
    low, high = stats.median_interval(ordered)
    median, pop_median = seg.median(), pop.median()
    q1, q3 = seg.quantile(0.25, "linear"), seg.quantile(0.75, "linear")
    pop_q1, pop_q3 = pop.quantile(0.25, "linear"), pop.quantile(0.75, "linear")
    spread_p = (pop_q3 - pop_q1) / 1.349
    effect = abs(median - pop_median) / spread_p if spread_p > 0 else (
        0.0 if median == pop_median else 10.0)
    seg_counts, pop_counts = _bin_counts(seg, edges), _bin_counts(pop, edges)
    empty = len(seg_counts)  # the "no value" cell
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


def _as_text(series: pl.Series) -> pl.Series:
    """Category values as text; booleans as "true"/"false", as the card names them."""
    if series.dtype == pl.Boolean:
        return series.cast(pl.String).str.to_lowercase()
    return series.cast(pl.String)


def _top(seg: pl.Series) -> list[str]:
    """A segment's most common values (ties by value)."""
    counts = dict(seg.drop_nulls().value_counts().iter_rows())
    return sorted(counts, key=lambda v: (-counts[v], v))[:TOP_VALUES]


def _category_column(seg_all: pl.Series, pop_all: pl.Series, k: int, values: list[str],
                     hidden: set[int]) -> dict:
    """Top values with share, Wilson interval, population share and lift; effect; spread.

    `values` are the cells every card of the breakdown shares (each card's top values), then
    "other" and "no value"; `hidden` the cells to hide. Values this segment has none of are
    left out, most common first.
    """
    seg, pop = seg_all.drop_nulls(), pop_all.drop_nulls()
    n, total = seg.len(), pop.len()
    seg_counts = dict(seg.value_counts().iter_rows())
    pop_counts = dict(pop.value_counts().iter_rows())
    other_cell, empty_cell = len(values), len(values) + 1
    order = sorted(range(len(values)), key=lambda i: (-seg_counts.get(values[i], 0), values[i]))
    listed, effect = [], 0.0
    for i in order:
        value, count = values[i], seg_counts.get(values[i], 0)
        if i in hidden:
            listed.append({"value": value, "count": None, "share": None, "ci": None,
                           "population_share": None, "lift": None})
            continue
        if count == 0:
            continue
        p, pop_p = count / n, pop_counts.get(value, 0) / total
        low, high = stats.wilson(count, n)
        effect = max(effect, stats.cohens_h(p, pop_p))
        listed.append({"value": value, "count": count, "share": share(count, n),
                       "ci": [round(low, 4), round(high, 4)],
                       "population_share": share(pop_counts.get(value, 0), total),
                       "lift": round(p / pop_p, 3) if pop_p else None})
    other = n - sum(seg_counts.get(value, 0) for value in values)
    entry = {"n": None if empty_cell in hidden else n,
             "empty": None if empty_cell in hidden else seg_all.null_count(),
             "top": listed, "effect": round(effect, 3), "spread": [],
             "other": {"count": None if other_cell in hidden else other,
                       "share": None if other_cell in hidden else share(other, n)}}
    first = listed[0] if listed else None
    if first is not None and first["count"] is not None:
        rest = figure(n - first["count"], n, k)
        if not rest["suppressed"] and rest["share"] >= SPREAD_MIN_SHARE:
            entry["spread"].append(f"{round(100 * rest['share'])}% of this segment is not "
                                   f"{first['value']}")
    return entry


def rule_columns(rule: dict) -> set[str]:
    """The columns a rule tests (a segment is not "distinctive" in what defines it)."""
    if "all" in rule or "any" in rule:
        return {name for part in rule.get("all", rule.get("any")) for name in rule_columns(part)}
    return {rule["column"]}


# ---- cards drawn together ----------------------------------------------------------------

@dataclass(frozen=True)
class _Shown:
    """The segments whose cards are published together, each row's regions (bit i set: in
    segment i), and the groups of rows their breakdowns give away when subtracted."""

    masks: list[pl.Series]
    codes: pl.Series
    groups: list[frozenset[int]]


def _shown(masks: list[pl.Series]) -> _Shown:
    """Which groups the cards give away: each segment and the rest of the rows, and every
    region, complement, difference of two segments or rows in neither of two that adding
    and subtracting the published cards and the population's computes (a segment less one
    nested in it; the rows in neither of two disjoint segments)."""
    codes = pl.Series("code", [0] * len(masks[0]), dtype=pl.Int64)
    for i, mask in enumerate(masks):
        codes = codes + mask.cast(pl.Int64) * (1 << i)
    regions = sorted(codes.unique().to_list())
    every = frozenset(regions)
    candidates = [frozenset({region}) for region in regions]
    for i in range(len(masks)):
        inside = frozenset(r for r in regions if r >> i & 1)
        candidates += [inside, every - inside]
        for j in range(len(masks)):
            if j != i:
                other = frozenset(r for r in regions if r >> j & 1)
                candidates += [inside - other, every - inside - other]
    candidates = list(dict.fromkeys(group for group in candidates if group))
    basis = basis_of_vectors([[1] * len(regions)] + [
        [1 if r >> i & 1 else 0 for r in regions] for i in range(len(masks))])
    given_away = [group for group in candidates
                  if in_span([1 if r in group else 0 for r in regions], basis)]
    return _Shown(masks, codes, given_away)


def _hidden(shown: _Shown, cell: pl.Series, cells: int, k: int) -> set[int]:
    """The cells of a breakdown to hide on every card: no group the cards give away is
    small in a shown cell, nor in the hidden cells added up (`suppression.hide_cells`)."""
    counted = pl.DataFrame({"code": shown.codes, "cell": cell}).group_by("code", "cell").len()
    by_region: dict[int, list[int]] = {}
    for code, index, count in counted.iter_rows():
        by_region.setdefault(code, [0] * cells)[index] += count
    nobody = [0] * cells
    groups = [[sum(by_region.get(region, nobody)[c] for region in group) for c in range(cells)]
              for group in shown.groups]
    population = [sum(counts[c] for counts in by_region.values()) for c in range(cells)]
    return hide_cells(groups, population, k)


def _filled(seg: pl.Series, hidden: set[int]) -> dict:
    """How many have a value, no more: for text, identifiers and an empty column."""
    if hidden:
        return {"n": None, "empty": None}
    return {"n": seg.len() - seg.null_count(), "empty": seg.null_count()}


def _column_entries(pop_all: pl.Series, kind: str, shown: _Shown, k: int) -> list[dict]:
    """One column's figures for each shown segment, on one layout of cells they share."""
    segs = [pop_all.filter(mask) for mask in shown.masks]
    profiled = pop_all.null_count() < pop_all.len()
    if profiled and kind in ("number", "date"):
        numbers = _as_numbers(pop_all, kind)
        edges = histogram_edges(numbers.drop_nulls(), kind=kind)
        cell = numbers.to_frame("v").select(
            pl.when(pl.col("v").is_null()).then(len(edges) + 1)
            .otherwise(_bin(pl.col("v"), edges))
            .cast(pl.Int64).alias("cell"))["cell"]
        hidden = _hidden(shown, cell, len(edges) + 2, k)
        empty = {len(edges) + 1} & hidden
        return [_numeric_column(seg, pop_all, kind, k, edges, hidden)
                if seg.null_count() < seg.len() else _filled(seg, empty) for seg in segs]
    if profiled and kind in ("category", "boolean"):
        text, texts = _as_text(pop_all), [_as_text(seg) for seg in segs]
        values = sorted({value for seg in texts for value in _top(seg)})
        index = {value: i for i, value in enumerate(values)}
        cell = text.to_frame("v").select(
            pl.when(pl.col("v").is_null()).then(len(values) + 1)
            .otherwise(pl.col("v").replace_strict(index, default=len(values),
                                                  return_dtype=pl.Int64))
            .cast(pl.Int64).alias("cell"))["cell"]
        hidden = _hidden(shown, cell, len(values) + 2, k)
        return [_category_column(seg, text, k, values, hidden)
                if seg.null_count() < seg.len() else _filled(seg, {len(values) + 1} & hidden)
                for seg in texts]
    cell = pop_all.is_null().cast(pl.Int64)
    hidden = _hidden(shown, cell, 2, k)
    return [_filled(seg, hidden) for seg in segs]


def profile_cards(table: Table, segments: list[SegmentDef], *,
                  k: int = DEFAULT_K) -> dict[str, dict]:
    """The cards of a dataset's segments (shape in docs/profiles.md), drawn together: one
    card beside another must not give away the few people between them. At most
    MAX_SEGMENTS, as for sizing: the audit solves over every region of the segments."""
    if len(segments) > MAX_SEGMENTS:
        raise ProfileDataError([problem("bad_rule", f"at most {MAX_SEGMENTS} segments at once")])
    cards, published = {}, []
    for segment in segments:
        mask, size = segment_size(table, segment, k)
        cards[segment["id"]] = {
            "segment": segment["id"], "name": segment["name"], "n": size["count"],
            "share": size["share"], "suppressed": size["suppressed"], "k": k,
            "columns": [], "distinctive": [], "spread": []}
        if not size["suppressed"]:
            published.append((segment, mask))
    if not published:
        return cards
    shown = _shown([mask for _, mask in published])
    for meta in table.columns:
        entries = _column_entries(table.frame[meta["name"]], meta["kind"], shown, k)
        for (segment, _), figures in zip(published, entries, strict=True):
            cards[segment["id"]]["columns"].append({
                "column": meta["name"], "kind": meta["kind"], "role": meta["role"], "n": None,
                "empty": None, "effect": None, "distinctive": False, **figures})
    for segment, _ in published:
        _rank(cards[segment["id"]], segment)
    return cards


def profile_card(table: Table, segment: SegmentDef, *, k: int = DEFAULT_K) -> dict:
    """One segment's card, on its own (`profile_cards` for a dataset's segments together)."""
    return profile_cards(table, [segment], k=k)[segment["id"]]


def _rank(card: dict, segment: SegmentDef) -> None:
    """Columns by effect size; the distinctive attributes and the spread sentences."""
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
