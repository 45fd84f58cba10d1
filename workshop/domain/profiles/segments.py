"""Segments: rules on a table's columns, splitting on one column, and sizing.

Sizing suppresses every figure about fewer than k people, then audits what the published
figures give away together: each size, overlap and the unassigned remainder is a sum of
Venn regions (rows in exactly some segments); while a small region (a small Venn region, a
union of up to three, a segment's complement, or one segment minus another) can be
computed from the published figures by adding and subtracting, the smallest published
figure without which it could not be is suppressed too.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable

import polars as pl

from workshop.domain.profiles.columns import FALSE_WORDS, TRUE_WORDS
from workshop.domain.profiles.problems import ProfileDataError, problem
from workshop.domain.profiles.shapes import ColumnMeta, Problem, Rule, SegmentDef, Sizing
from workshop.domain.profiles.span import basis_of_vectors, in_span
from workshop.domain.profiles.suppression import DEFAULT_K, figure, is_small, share
from workshop.domain.profiles.table import Table

TESTS = ("equals", "in", "between", "contains", "is_empty")
MAX_SEGMENTS = 12  # sizing audits every combination of segments (2^n regions)
MAX_RULE_DEPTH = 6
MAX_IN_VALUES = 500


def _value_for(kind: str, value: object) -> tuple[object, str | None]:
    """A rule value converted for a column of `kind`, or the reason it cannot be."""
    if value is None:
        return None, "needs a value"
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None, f"{value!r} is not a number"
        return float(value), None
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)), None
        except ValueError:
            return None, f"{value!r} is not a date (YYYY-MM-DD)"
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        word = str(value).strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS, None
        return None, f"{value!r} is not true or false"
    if not isinstance(value, str):
        return None, f"{value!r} is not text"
    return value.strip(), None


def _leaf_problems(rule: dict, table: Table) -> list[Problem]:
    """Problems with one leaf: its column, test and value."""
    name, test = rule.get("column"), rule.get("test")
    unknown = set(rule) - {"column", "test", "value"}
    if not isinstance(name, str) or not isinstance(test, str) or unknown:
        return [problem("bad_rule", "a rule is {\"column\", \"test\", \"value\"}, "
                                    "{\"all\": [...]} or {\"any\": [...]}")]
    meta = table.column(name)
    if meta is None:
        return [problem("unknown_column", f"the dataset keeps no column {name!r}", column=name)]
    kind = meta["kind"]
    if test not in TESTS:
        return [problem("bad_rule", f"{test!r} is not a test ({', '.join(TESTS)})", column=name)]
    if test == "is_empty":
        return []
    value = rule.get("value")
    if test == "between":
        if kind not in ("number", "date"):
            return [problem("wrong_type", f"between needs a number or date column; {name} "
                                          f"is {kind}", column=name)]
        if not isinstance(value, list) or len(value) != 2 or value == [None, None]:
            return [problem("bad_value", "between needs [low, high] (one may be null)",
                            column=name)]
        reasons = [_value_for(kind, v)[1] for v in value if v is not None]
    elif test == "contains":
        if kind not in ("category", "text", "identifier"):
            return [problem("wrong_type", f"contains needs a text column; {name} is {kind}",
                            column=name)]
        reasons = [None if isinstance(value, str) and value.strip() else
                   "contains needs some text"]
    elif test == "in":
        if kind == "date":
            return [problem("wrong_type", "in does not take dates: use between", column=name)]
        if not isinstance(value, list) or not value or len(value) > MAX_IN_VALUES:
            return [problem("bad_value", f"in needs a list of 1 to {MAX_IN_VALUES} values",
                            column=name)]
        reasons = [_value_for(kind, v)[1] for v in value]
    else:  # equals
        reasons = [_value_for(kind, value)[1]]
    return [problem("bad_value", f"{name}: {reason}", column=name)
            for reason in reasons if reason][:1]


def validate_rule(rule: Rule, table: Table, _depth: int = 0) -> list[Problem]:
    """Problems with a rule against the table's kept columns (empty when it is usable)."""
    if _depth > MAX_RULE_DEPTH:
        return [problem("bad_rule", f"rules nest at most {MAX_RULE_DEPTH} deep")]
    if not isinstance(rule, dict):
        return [problem("bad_rule", "a rule is an object")]
    if rule == {"all": []}:
        return []  # every row: the whole dataset as a segment
    if set(rule) in ({"all"}, {"any"}):
        parts = next(iter(rule.values()))
        if not isinstance(parts, list) or not parts:
            return [problem("bad_rule", "any needs a non-empty list of rules; all needs "
                                        "a list ([] for every row)")]
        return [p for part in parts for p in validate_rule(part, table, _depth + 1)]
    return _leaf_problems(rule, table)


def _expr(rule: Rule, table: Table) -> pl.Expr:
    """A valid rule as a Polars expression (null counts as not selected)."""
    if "all" in rule:
        if not rule["all"]:
            return pl.repeat(True, table.row_count, eager=False)
        return pl.all_horizontal([_expr(part, table) for part in rule["all"]])
    if "any" in rule:
        return pl.any_horizontal([_expr(part, table) for part in rule["any"]])
    name, test, value = rule["column"], rule["test"], rule.get("value")
    kind = table.column(name)["kind"]
    column = pl.col(name)
    if test == "is_empty":
        return column.is_null()
    if test == "equals":
        expr = column == pl.lit(_value_for(kind, value)[0])
    elif test == "in":
        expr = column.is_in([_value_for(kind, v)[0] for v in value])
    elif test == "contains":
        expr = column.str.to_lowercase().str.contains(value.strip().lower(), literal=True)
    else:  # between
        low, high = (None if v is None else _value_for(kind, v)[0] for v in value)
        expr = pl.lit(True)
        if low is not None:
            expr = expr & (column >= pl.lit(low))
        if high is not None:
            expr = expr & (column <= pl.lit(high))
    return expr.fill_null(False)


def rule_problems(rule: Rule, columns: list[ColumnMeta]) -> list[Problem]:
    """validate_rule against a dataset's column mapping alone (no rows needed): the kept
    columns (role not dropped) with their kinds."""
    kept = [c for c in columns if c.get("role") != "dropped"]
    return validate_rule(rule, Table(frame=pl.DataFrame(), columns=kept))


def weight_problems(name: str, columns: list[ColumnMeta]) -> list[Problem]:
    """Problems with a column chosen to weigh shares: it must be a kept number column."""
    meta = next((c for c in columns if c["name"] == name), None)
    if meta is None:
        return [problem("unknown_column", f"the dataset has no column {name!r}", column=name)]
    if meta.get("role") == "dropped":
        return [problem("column_dropped", f"{name!r} was dropped, so its values were never "
                                          "stored", column=name)]
    if meta["kind"] != "number":
        return [problem("wrong_type", f"the weight must be a number column; {name!r} is "
                                      f"{meta['kind']}", column=name)]
    return []


def segment_mask(table: Table, rule: Rule) -> pl.Series:
    """The rows a rule selects, as a Polars boolean Series; raises ProfileDataError."""
    key = json.dumps(rule, sort_keys=True, default=str)
    if key in table.masks:
        return table.masks[key]
    problems = validate_rule(rule, table)
    if problems:
        raise ProfileDataError(problems)
    mask = table.masks[key] = table.frame.select(_expr(rule, table).alias("in")).to_series()
    return mask


def split_on(table: Table, column: str, *, prefix: str = "") -> list[SegmentDef]:
    """One segment per value of a category/boolean column (ids: prefix + value)."""
    meta = table.column(column)
    if meta is None or meta["kind"] not in ("category", "boolean"):
        raise ProfileDataError([problem(
            "wrong_type", f"split needs a category or yes/no column; {column!r} is "
                          f"{meta['kind'] if meta else 'not kept'}", column=column)])
    counts = table.frame[column].drop_nulls().value_counts()
    segments = []
    for value, _ in sorted(counts.iter_rows(), key=lambda row: (-row[1], str(row[0]))):
        label = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        segments.append({"id": f"{prefix}{label}", "name": label,
                         "rule": {"column": column, "test": "equals", "value": value}})
    return segments


def _audit(atoms: list[int], counts: list[int], figures: dict[str, set[int]],
           hidden: set[str], segments: int, k: int) -> set[str]:
    """Figures to hide so that no small region can be computed from the published ones.

    atoms: the Venn regions that hold rows (bit i set: in segment i); figures: name → the
    regions (indices into atoms) it adds up; "total" is always published.
    """
    def regions() -> Iterable[set[int]]:
        everything = set(range(len(atoms)))
        small = [a for a in everything if is_small(counts[a], k)]
        for size in (1, 2, 3):  # small regions and small unions of them
            yield from (set(group) for group in itertools.combinations(small, size))
        for i in range(segments):
            inside = {a for a, code in enumerate(atoms) if code >> i & 1}
            yield everything - inside
            for j in range(segments):
                if j != i:
                    yield inside - {a for a, code in enumerate(atoms) if code >> j & 1}

    def basis_of(names: Iterable[str]) -> dict[int, list[int]]:
        return basis_of_vectors([[1 if a in figures[name] else 0 for a in range(len(atoms))]
                       for name in names])

    def recoverable(vector: list[int], names: list[str]) -> bool:
        return in_span(vector, basis_of(names))

    while True:
        published = [name for name in figures if name not in hidden]
        basis = basis_of(published)
        leak = None
        for region in regions():
            if is_small(sum(counts[a] for a in region), k):
                vector = [1 if a in region else 0 for a in range(len(atoms))]
                if in_span(vector, basis):
                    leak = vector
                    break
        if leak is None:
            return hidden
        # Hide the smallest figure without which the region can no longer be computed.
        candidates = sorted((name for name in published if name != "total"),
                            key=lambda name: (sum(counts[a] for a in figures[name]), name))
        victim = next((name for name in candidates
                       if not recoverable(leak, [n for n in published if n != name])),
                      candidates[0])
        hidden.add(victim)


def size_segments(table: Table, segments: list[SegmentDef], *, weight: str | None = None,
                  k: int = DEFAULT_K) -> Sizing:
    """Each segment's size and share (and weighted share), pairwise overlaps, unassigned."""
    problems = []
    if len(segments) > MAX_SEGMENTS:
        problems.append(problem("bad_rule", f"at most {MAX_SEGMENTS} segments at once"))
    if weight is not None and (table.column(weight) or {}).get("kind") != "number":
        problems.append(problem("wrong_type", f"the weight must be a number column; "
                                              f"{weight!r} is not", column=weight))
    for segment in segments:
        problems.extend(validate_rule(segment["rule"], table))
    if problems:
        raise ProfileDataError(problems)
    total = table.row_count
    # One value per row even with no segments (a literal alone would make a single row).
    code = pl.repeat(0, table.row_count, dtype=pl.Int64)
    for i, segment in enumerate(segments):
        code = code + _expr(segment["rule"], table).cast(pl.Int64) * (1 << i)
    frame = table.frame.select(code.alias("code"), (pl.col(weight).fill_null(0) if weight
                                                    else pl.lit(0.0)).alias("w"))
    grouped = frame.group_by("code").agg(
        pl.len().alias("n"), pl.col("w").sum(),
        (pl.col("w") != 0).sum().alias("weighing")).sort("code")
    atoms, counts = grouped["code"].to_list(), grouped["n"].to_list()
    weights, weighing = grouped["w"].to_list(), grouped["weighing"].to_list()
    m = len(segments)
    figures: dict[str, set[int]] = {"total": set(range(len(atoms)))}
    for i in range(m):
        figures[f"s{i}"] = {a for a, c in enumerate(atoms) if c >> i & 1}
    for i, j in itertools.combinations(range(m), 2):
        figures[f"o{i},{j}"] = {a for a, c in enumerate(atoms) if c >> i & 1 and c >> j & 1}
    figures["unassigned"] = {a for a, c in enumerate(atoms) if c == 0}
    size = {name: sum(counts[a] for a in regions) for name, regions in figures.items()}
    if is_small(total, k):
        hidden = set(figures) - {"total"}
    else:
        hidden = _audit(atoms, counts, figures,
                        {name for name, count in size.items() if is_small(count, k)}, m, k)

    def shown(name: str) -> dict:
        if name in hidden or is_small(total, k):
            return {"count": None, "share": None, "suppressed": True}
        return {"count": size[name], "share": share(size[name], total), "suppressed": False}

    weight_total = sum(weights)
    # A weighted share is a figure about the rows that carry a weight (a non-zero value):
    # the same audit, on those rows' counts, hides what fewer than k of them would give away.
    weighed = {"total": figures["total"], **{f"s{i}": figures[f"s{i}"] for i in range(m)}}
    if not weight or not weight_total or is_small(sum(weighing), k):
        unweighed = set(weighed) - {"total"}
    else:
        unweighed = _audit(atoms, weighing, weighed, {
            name for name in weighed if name in hidden
            or is_small(sum(weighing[a] for a in weighed[name]), k)}, m, k)

    answer: Sizing = {"total": None if is_small(total, k) else total, "k": k,
                      "weight_column": weight, "segments": [], "overlaps": [],
                      "unassigned": shown("unassigned")}
    for i, segment in enumerate(segments):
        figure_ = shown(f"s{i}")
        weighted = None
        if not figure_["suppressed"] and f"s{i}" not in unweighed:
            weighted = round(sum(weights[a] for a in figures[f"s{i}"]) / weight_total, 4)
        answer["segments"].append({"id": segment["id"], "name": segment["name"],
                                   "size": figure_, "weighted_share": weighted})
    for i, j in itertools.combinations(range(m), 2):
        answer["overlaps"].append({"a": segments[i]["id"], "b": segments[j]["id"],
                                   "size": shown(f"o{i},{j}")})
    return answer


def segment_size(table: Table, segment: SegmentDef, k: int = DEFAULT_K) -> tuple[pl.Series, dict]:
    """A segment's row mask and its size figure (suppressed when it or the rest is small)."""
    mask = segment_mask(table, segment["rule"])
    return mask, figure(int(mask.sum()), table.row_count, k)
