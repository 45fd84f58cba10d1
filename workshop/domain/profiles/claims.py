"""Claims about a segment: parsing them from trait text, and checking them against data.

The rules and their defaults, with worked examples, are in docs/profiles.md ("The claim
rules"); tests/domain/profiles/test_claims.py checks each example and each boundary.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from workshop.domain.profiles import stats
from workshop.domain.profiles.columns import FALSE_WORDS, TRUE_WORDS
from workshop.domain.profiles.segments import segment_size
from workshop.domain.profiles.shapes import Check, Claim, SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K, figure
from workshop.domain.profiles.table import Table

# Typical range: consistent when the median is in range and at least this share is in it…
RANGE_CONSISTENT_SHARE = 0.40
# …contradicted when the median is outside and less than this share is in it; else weak.
RANGE_CONTRADICTED_SHARE = 0.25
# "about 40" is 40 ± 10% (at least ± 1).
ABOUT_TOLERANCE = 0.10
_EPOCH = dt.date(1970, 1, 1)

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DASH = r"\s*(?:-|–|—|‒|−|to|tot(?: en met)?|t/m|until)\s*"
_UNIT = r"(?:\s*(?:years?(?: old)?|yrs?|jaar(?: oud)?|jr|y|j))?"
_DECADE_WORDS = {"twintigers": 20, "dertigers": 30, "veertigers": 40, "vijftigers": 50,
                 "zestigers": 60, "zeventigers": 70, "tachtigers": 80, "negentigers": 90}
_DATE = r"(\d{4}-\d{2}-\d{2})"
_DATE_PATTERNS = [
    ("range", re.compile(rf"{_DATE}\s*(?:-|–|—|to|tot(?: en met)?|t/m|until)\s*{_DATE}", re.I)),
    ("over", re.compile(rf"\b(?:after|since|na|sinds|vanaf)\s+{_DATE}", re.I)),
    ("under", re.compile(rf"\b(?:before|voor|vóór)\s+{_DATE}", re.I)),
]
_RANGE_PATTERNS = [
    ("between", re.compile(rf"\b(?:between|tussen)\s+{_NUMBER}{_UNIT}\s+(?:and|en)\s+"
                           rf"{_NUMBER}", re.I)),
    ("range", re.compile(rf"(?<![\d.,]){_NUMBER}{_UNIT}{_DASH}{_NUMBER}(?![\d.,]*\s*(?:s|ers)\b)",
                         re.I)),
    ("decade", re.compile(r"(?<![\d.,])(\d0)\s*(?:'?s|-?'?ers)\b", re.I)),
    ("decade_word", re.compile(rf"\b({'|'.join(_DECADE_WORDS)})\b", re.I)),
    ("plus", re.compile(rf"(?<![\d.,]){_NUMBER}\s*(?:\+|{_UNIT}\s+(?:or|and|en|of)\s+"
                        rf"(?:older|over|more|ouder|meer))", re.I)),
    ("over", re.compile(rf"\b(?:over|above|older than|more than|ouder dan|boven(?: de)?"
                        rf"|meer dan|>)\s*{_NUMBER}", re.I)),
    ("under", re.compile(rf"\b(?:under|below|younger than|less than|jonger dan|onder(?: de)?"
                         rf"|minder dan|<)\s*{_NUMBER}", re.I)),
    ("about", re.compile(rf"(?:\b(?:about|around|approximately|roughly|ongeveer|rond(?:om)?"
                         rf"|circa|ca\.?)|~)\s*{_NUMBER}", re.I)),
]
_MOST_COMMON = re.compile(
    r"^\s*(?:the\s+)?(?:most\s+common(?:\s+value)?|most\s+often|mostly|usually|meestal|vaakst"
    r"|meest\s+voorkomend(?:e)?(?:\s+waarde)?)(?:\s+is)?\s*:?\s*(.+?)\s*\.?\s*$", re.I)
_MORE_LIKELY = re.compile(
    r"^\s*(?:more\s+likely(?:\s+than\s+average)?(?:\s+to\s+be)?|more\s+often\s+than\s+average"
    r"|vaker\s+dan\s+gemiddeld|bovengemiddeld\s+vaak)\s*:?\s*(.+?)\s*\.?\s*$", re.I)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_range(text: str, column: str) -> Claim | None:
    """A range claim from "35–44", "35 to 45", "40s", "over 60", "about 40", "35 tot 45", …
    and for dates "2020-01-01 to 2022-12-31", "after 2024-01-01", "before 2020-01-01"."""
    for name, pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            low, high = (match.group(1), match.group(2)) if name == "range" else \
                (match.group(1), None) if name == "over" else (None, match.group(1))
            return {"kind": "range", "column": column, "low": low, "high": high,
                    "low_inclusive": name == "range", "high_inclusive": name == "range",
                    "text": text.strip()}
    for name, pattern in _RANGE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        claim: Claim = {"kind": "range", "column": column, "low": None, "high": None,
                        "low_inclusive": True, "high_inclusive": True, "text": text.strip()}
        if name in ("between", "range"):
            low, high = sorted((_number(match.group(1)), _number(match.group(2))))
            claim.update(low=low, high=high)
        elif name in ("decade", "decade_word"):
            start = int(match.group(1)) if name == "decade" else \
                _DECADE_WORDS[match.group(1).lower()]
            claim.update(low=float(start), high=float(start + 10), high_inclusive=False)
        elif name == "plus":
            claim.update(low=_number(match.group(1)))
        elif name == "over":
            claim.update(low=_number(match.group(1)), low_inclusive=False)
        elif name == "under":
            claim.update(high=_number(match.group(1)), high_inclusive=False)
        else:
            centre = _number(match.group(1))
            margin = max(1.0, round(centre * ABOUT_TOLERANCE, 2))
            claim.update(low=centre - margin, high=centre + margin)
        return claim
    return None


def parse_claim(text: str, column: str) -> Claim | None:
    """A claim from trait text: a range, "most common value is X", "more likely than average: X"."""
    for kind, pattern in (("more_likely", _MORE_LIKELY), ("most_common", _MOST_COMMON)):
        match = pattern.match(text)
        value = match.group(1).strip("\"'“”‘’: ") if match else ""
        if value:
            return {"kind": kind, "column": column, "value": value,
                    "text": text.strip()}
    return parse_range(text, column)


def _describe_range(claim: Claim) -> str:
    """The range in words: "35–44", "over 60", "under 30", "40 to under 50"."""
    low, high = claim.get("low"), claim.get("high")
    dates = isinstance(low or high, str)
    show = str if dates else (lambda v: f"{v:g}")
    if low is not None and high is not None:
        return f"{show(low)}–{show(high)}" if claim.get("high_inclusive", True) else \
            f"{show(low)} to under {show(high)}"
    if low is not None:
        return f"{'after' if dates else 'over'} {show(low)}" if not claim.get(
            "low_inclusive", True) else f"{show(low)} or {'later' if dates else 'more'}"
    return f"{'before' if dates else 'under'} {show(high)}" if not claim.get(
        "high_inclusive", True) else f"{show(high)} or {'earlier' if dates else 'less'}"


def _bound(value: object, kind: str, high: bool = False) -> float | None:
    """A range bound in the column's scale: dates (ISO text, or a year: its first day, or
    for the upper bound its last) → days since 1970. Raises ValueError when it has none."""
    if value is None:
        return None
    if kind != "date":
        if isinstance(value, str):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if isinstance(value, int | float) and float(value).is_integer() and 1000 <= value <= 3000:
        day = dt.date(int(value), 12, 31) if high else dt.date(int(value), 1, 1)
    else:
        day = dt.date.fromisoformat(str(value))
    return float((day - _EPOCH).days)


def _result(claim: Claim, segment: SegmentDef, status: str, reason: str, summary: str,
            n: int | None, figures: dict | None = None) -> Check:
    return {"claim": claim, "segment": segment["id"], "status": status, "reason": reason,
            "summary": summary, "n": n, "figures": figures or {}}


def _fmt(value: float | None, kind: str = "number") -> str:
    if value is None:
        return "?"
    if kind == "date":
        return (_EPOCH + dt.timedelta(days=round(value))).isoformat()
    value = stats.coarse(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _pct(value: float | None) -> str:
    return "a share too small to show" if value is None else f"{round(100 * value)}%"


def _within(values: pl.Series, claim: Claim, low: float | None,
            high: float | None) -> pl.Series:
    """Which values lie in the claimed range (with its inclusive or open ends)."""
    inside = pl.Series([True] * values.len())
    if low is not None:
        inside &= (values >= low) if claim.get("low_inclusive", True) else (values > low)
    if high is not None:
        inside &= (values <= high) if claim.get("high_inclusive", True) else (values < high)
    return inside


def _check_range(claim: Claim, segment: SegmentDef, values: pl.Series, kind: str,
                 k: int) -> Check:
    n = values.len()
    if kind == "date":
        values = values.cast(pl.Int32).cast(pl.Float64)
    ordered = values.sort()
    median = float(values.median())
    low_ci, high_ci = stats.median_interval(ordered)
    try:
        low, high = _bound(claim.get("low"), kind), _bound(claim.get("high"), kind, high=True)
    except ValueError as error:
        return _result(claim, segment, "not_measurable", "wrong_kind",
                       f"the claimed range does not fit {claim['column']}: {error}", None)
    count = int(_within(values, claim, low, high).sum())
    median_in = bool(_within(pl.Series([median]), claim, low, high)[0])
    part = count / n
    if median_in and part >= RANGE_CONSISTENT_SHARE:
        status, reason = "consistent", "median_in_range"
    elif not median_in and part < RANGE_CONTRADICTED_SHARE:
        status, reason = "contradicted", "median_outside"
    elif median_in:
        status, reason = "weak", "median_in_few_in_range"
    else:
        status, reason = "weak", "median_outside_many_in_range"
    shown = figure(count, n, k)
    share_ci = [round(x, 4) for x in stats.wilson(count, n)] if not shown["suppressed"] else None
    words = _describe_range(claim)
    summary = (f"median {_fmt(median, kind)} (95% CI {_fmt(low_ci, kind)}–"
               f"{_fmt(high_ci, kind)}) is {'in' if median_in else 'outside'} the range "
               f"({words}); {_pct(shown['share'])} of the segment is in range (n = {n:,})")
    return _result(claim, segment, status, reason, summary, n, {
        "median": _show(median, kind), "median_ci": [_show(low_ci, kind), _show(high_ci, kind)],
        "in_range": shown["count"], "share_in_range": shown["share"], "share_ci": share_ci})


def _show(value: float, kind: str) -> float | str:
    """An order statistic as a figure: coarse (stats.coarse), a date as ISO text."""
    if kind == "date":
        return _fmt(value, kind)
    return stats.coarse(value)


def _value_key(value: str, kind: str) -> str:
    """A claimed value as the column's values are compared ("yes" → "true" for booleans)."""
    if kind == "boolean":
        word = value.strip().lower()
        return "true" if word in TRUE_WORDS else "false" if word in FALSE_WORDS else word
    return value.strip()


def _counts(values: pl.Series) -> dict[str, int]:
    if values.dtype == pl.Boolean:
        values = values.cast(pl.String).str.to_lowercase()
    return {str(v): c for v, c in values.value_counts().iter_rows()}


def _check_most_common(claim: Claim, segment: SegmentDef, values: pl.Series, kind: str,
                       k: int) -> Check:
    n = values.len()
    counts = _counts(values)
    wanted = _value_key(claim["value"], kind)
    match = next((v for v in counts if v.lower() == wanted.lower()), wanted)
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    top = ranked[0]
    mine = counts.get(match, 0)
    low, high = stats.wilson(mine, n)
    others = [v for v in ranked if v != match]
    runner_up = others[0] if others else None
    runner_share = counts[runner_up] / n if runner_up else 0.0
    if match == top or mine == counts[top]:
        status, reason = ("consistent", "top_clear") if low > runner_share else \
            ("weak", "top_unclear")
    else:
        status, reason = ("contradicted", "not_top") if high < counts[top] / n else \
            ("weak", "maybe_top")
    mine_shown, top_shown = figure(mine, n, k), figure(counts[top], n, k)
    runner_shown = figure(counts[runner_up], n, k) if runner_up else figure(0, n, k)
    summary = (f"{match}: {_pct(mine_shown['share'])} of the segment"
               + (f" (95% CI {_pct(low)}–{_pct(high)})" if not mine_shown["suppressed"] else "")
               + (f"; the most common is {top} ({_pct(top_shown['share'])})" if top != match
                  else f"; next is {runner_up} ({_pct(runner_shown['share'])})" if runner_up
                  else "") + f" (n = {n:,})")
    return _result(claim, segment, status, reason, summary, n, {
        "value": match, "count": mine_shown["count"], "share": mine_shown["share"],
        "share_ci": None if mine_shown["suppressed"] else [round(low, 4), round(high, 4)],
        "top_value": top if not top_shown["suppressed"] else None,
        "top_share": top_shown["share"],
        "runner_up": runner_up if runner_up and not runner_shown["suppressed"] else None,
        "runner_up_share": runner_shown["share"] if runner_up else None})


def _check_more_likely(claim: Claim, segment: SegmentDef, values: pl.Series,
                       rest: pl.Series, kind: str, k: int) -> Check:
    n, n_rest = values.len(), rest.len()
    wanted = _value_key(claim["value"], kind)
    counts, rest_counts = _counts(values), _counts(rest)
    match = next((v for v in {**rest_counts, **counts} if v.lower() == wanted.lower()), wanted)
    a, b = counts.get(match, 0), rest_counts.get(match, 0)
    if n_rest < k:
        return _result(claim, segment, "not_measurable", "too_few_outside",
                       f"fewer than {k} people outside the segment to compare with", n)
    ratio, low, high = stats.risk_ratio_interval(a, n, b, n_rest)
    population_share = (a + b) / (n + n_rest)
    lift = (a / n) / population_share if population_share else None
    if low > 1:
        status, reason = "consistent", "more_likely"
    elif high < 1:
        status, reason = "contradicted", "not_more_likely"
    else:
        status, reason = "weak", "not_clear"
    shown, population = figure(a, n, k), figure(a + b, n + n_rest, k)
    hidden = shown["suppressed"] or population["suppressed"] or figure(b, n_rest, k)["suppressed"]
    summary = (f"{match}: {_pct(shown['share'])} of the segment against "
               f"{_pct(population['share'])} of all"
               + ("" if hidden else f", {ratio:.2f}× the rest (95% CI {low:.2f}–{high:.2f})")
               + f" (n = {n:,})")
    return _result(claim, segment, status, reason, summary, n, {
        "value": match, "count": shown["count"], "share": shown["share"],
        "share_ci": None if shown["suppressed"] else [round(x, 4) for x in stats.wilson(a, n)],
        "population_share": population["share"],
        "lift": None if hidden or lift is None else round(lift, 3),
        "ratio": None if hidden else round(ratio, 3),
        "ratio_ci": None if hidden else [round(low, 3), round(high, 3)]})


def check_claim(table: Table, segment: SegmentDef, claim: Claim, *,
                k: int = DEFAULT_K) -> Check:
    """The claim checked against the segment's rows: status, reason, summary, figures, n."""
    meta = table.column(claim.get("column", ""))
    if meta is None:
        return _result(claim, segment, "not_measurable", "no_column",
                       f"the dataset has no column {claim.get('column')!r}", None)
    wanted = ("number", "date") if claim["kind"] == "range" else ("category", "boolean")
    if meta["kind"] not in wanted:
        return _result(claim, segment, "not_measurable", "wrong_kind",
                       f"{meta['name']} is {meta['kind']}: a {claim['kind'].replace('_', ' ')} "
                       f"claim needs {' or '.join(wanted)}", None)
    mask, size = segment_size(table, segment, k)
    column = table.frame[meta["name"]]
    values = column.filter(mask)
    filled = values.drop_nulls()
    # Enough people, and a count of "no value" that is no small group either.
    enough = not size["suppressed"] and not figure(filled.len(), values.len(), k)["suppressed"]
    if not enough or filled.len() < k:
        return _result(claim, segment, "not_measurable", "too_few",
                       f"fewer than {k} people in the segment have a value for {meta['name']}"
                       if not size["suppressed"] else
                       f"the segment is too small to show (fewer than {k} people in it or "
                       f"outside it)", None)
    if claim["kind"] == "range":
        return _check_range(claim, segment, filled, meta["kind"], k)
    if claim["kind"] == "most_common":
        return _check_most_common(claim, segment, filled, meta["kind"], k)
    rest = column.filter(~mask).drop_nulls()
    return _check_more_likely(claim, segment, filled, rest, meta["kind"], k)
