"""k-suppression: the rules on examples, and the property that no output of sizing, cards
or checks ever carries a figure about 1 to k−1 people, directly or by subtraction."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.profiles.tables import make_table
from workshop.domain.profiles.cards import profile_card
from workshop.domain.profiles.claims import check_claim
from workshop.domain.profiles.jobs import analyse_job
from workshop.domain.profiles.segments import segment_mask, size_segments
from workshop.domain.profiles.suppression import figure, hide_bins, suppress_cells
from workshop.domain.profiles.table import Table, table_to_bytes


def small(count: int, k: int) -> bool:
    return 0 < count < k


def test_small_cells_are_hidden_with_a_complement():
    assert suppress_cells([100, 3, 50, 0], 10) == [100, None, None, 0]
    assert suppress_cells([100, 30, 5, 6], 10) == [100, 30, None, None]
    assert suppress_cells([3, 4], 10) == [None, None]
    assert suppress_cells([12, 40], 10) == [12, 40]


def test_a_share_is_hidden_when_the_rest_is_a_small_group():
    assert figure(95, 100, 10)["suppressed"] is True  # "95%" says 5 people are not
    assert figure(50, 100, 10) == {"count": 50, "share": 0.5, "suppressed": False}
    assert figure(100, 100, 10)["share"] == 1.0
    assert figure(20, 5, 10)["suppressed"] is True


def test_hidden_bins_keep_both_rows_safe():
    hidden = hide_bins([50, 3, 40], [80, 30, 60], 10)
    assert 1 in hidden and len(hidden) >= 2
    assert hide_bins([50, 20], [80, 40], 10) == set()
    assert hide_bins([50, 20], [80, 25], 10) != set()  # the rest has 5 in the second bin


# -- the property ---------------------------------------------------------------------------

CITIES = ("Utrecht", "Breda", "Zwolle")
leaves = st.one_of(
    st.builds(lambda v: {"column": "city", "test": "equals", "value": v}, st.sampled_from(CITIES)),
    st.builds(lambda v: {"column": "city", "test": "in", "value": list(v)},
              st.sets(st.sampled_from(CITIES), min_size=1)),
    st.builds(lambda a, b: {"column": "age", "test": "between", "value": sorted([a, b])},
              st.integers(0, 100), st.integers(0, 100)),
    st.builds(lambda v: {"column": "member", "test": "equals", "value": v}, st.booleans()),
    st.just({"column": "city", "test": "is_empty"}),
)
rules = st.one_of(leaves, st.builds(lambda parts: {"all": parts}, st.lists(leaves, min_size=2,
                                                                          max_size=2)),
                  st.builds(lambda parts: {"any": parts}, st.lists(leaves, min_size=2,
                                                                  max_size=2)))
row = st.tuples(st.one_of(st.none(), st.sampled_from(CITIES)),
                st.one_of(st.none(), st.integers(0, 100)), st.one_of(st.none(), st.booleans()))
rows = st.lists(row, max_size=70)


def table_of(rows: list[tuple]) -> Table:
    """The generated rows (city, age, member) as a table."""
    return make_table({"city": [r[0] for r in rows],
                       "age": [None if r[1] is None else float(r[1]) for r in rows],
                       "member": [r[2] for r in rows]},
                      {"city": "category", "age": "number", "member": "boolean"})


def in_span(vector: list[int], rows_: list[list[int]]) -> bool:
    """Whether vector is a rational combination of rows_ (exact Gaussian elimination)."""
    basis: list[list[Fraction]] = []
    for row in [[Fraction(x) for x in r] for r in rows_]:
        for b in basis:
            pivot = next(i for i, x in enumerate(b) if x)
            row = [x - row[pivot] * y for x, y in zip(row, b, strict=True)]
        if any(row):
            pivot = next(i for i, x in enumerate(row) if x)
            basis.append([x / row[pivot] for x in row])
    target = [Fraction(x) for x in vector]
    for b in basis:
        pivot = next(i for i, x in enumerate(b) if x)
        target = [x - target[pivot] * y for x, y in zip(target, b, strict=True)]
    return not any(target)


def check_sizing(table, segments, sizing, k):
    masks = [segment_mask(table, s["rule"]).to_list() for s in segments]
    codes = [sum(1 << i for i, m in enumerate(masks) if m[r]) for r in range(table.row_count)]
    atoms = sorted(set(codes))
    count = {a: codes.count(a) for a in atoms}
    if small(table.row_count, k):
        assert sizing["total"] is None
        assert all(s["size"]["suppressed"] for s in sizing["segments"] + sizing["overlaps"])
        return
    published = [[1] * len(atoms)]  # the total: the dataset's row count is known
    for i, entry in enumerate(sizing["segments"]):
        size = entry["size"]["count"]
        if size is not None:
            assert not small(size, k) and not small(table.row_count - size, k)
            published.append([1 if a >> i & 1 else 0 for a in atoms])
    pairs = list(itertools.combinations(range(len(segments)), 2))
    for (i, j), entry in zip(pairs, sizing["overlaps"], strict=True):
        if entry["size"]["count"] is not None:
            assert not small(entry["size"]["count"], k)
            published.append([1 if a >> i & 1 and a >> j & 1 else 0 for a in atoms])
    if sizing["unassigned"]["count"] is not None:
        assert not small(sizing["unassigned"]["count"], k)
        published.append([1 if a == 0 else 0 for a in atoms])
    tiny = [a for a in atoms if small(count[a], k)]
    for group in itertools.chain.from_iterable(itertools.combinations(tiny, n) for n in (1, 2)):
        if small(sum(count[a] for a in group), k):
            vector = [1 if a in group else 0 for a in atoms]
            assert not in_span(vector, published), f"regions {group} can be computed"


def check_breakdown(seg_cells, rest_cells, shown, k):
    """Published cells are safe in both rows, and so are the hidden ones added up."""
    for i, visible in enumerate(shown):
        if visible:
            assert not small(seg_cells[i], k) and not small(rest_cells[i], k)
    assert not small(sum(c for c, v in zip(seg_cells, shown, strict=True) if not v), k)
    assert not small(sum(c for c, v in zip(rest_cells, shown, strict=True) if not v), k)


def histogram_cell(value, edges):
    """The card's histogram cell of a value; the one after the bins holds "no value"."""
    return len(edges) + 1 if value is None else sum(value >= e for e in edges)


def top_cell(value, tops):
    """The card's cell of a category value: a top value, "other", then "no value"."""
    if value is None:
        return len(tops) + 1
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return tops.index(text) if text in tops else len(tops)


def check_card(table, segment, card, k):
    inside = segment_mask(table, segment["rule"]).to_list()
    if card["suppressed"]:
        assert card["columns"] == []
        return
    assert not small(card["n"], k) and not small(table.row_count - card["n"], k)
    frame = table.frame
    for column in card["columns"]:
        values = frame[column["column"]].to_list()
        if "histogram" in column:
            cell = partial(histogram_cell, edges=column["histogram"]["edges"])
            shown = [c is not None for c in column["histogram"]["counts"]] + [
                column["empty"] is not None]
        elif "top" in column:
            cell = partial(top_cell, tops=[t["value"] for t in column["top"]])
            shown = [t["count"] is not None for t in column["top"]] + [
                column["other"]["count"] is not None, column["empty"] is not None]
        else:
            continue
        seg_cells, rest_cells = [0] * len(shown), [0] * len(shown)
        for value, member in zip(values, inside, strict=True):
            (seg_cells if member else rest_cells)[cell(value)] += 1
        check_breakdown(seg_cells, rest_cells, shown, k)
        for sentence in column.get("spread", []):
            percent = int(re.match(r"(\d+)%", sentence).group(1))
            assert (percent + 0.5) / 100 * card["n"] >= k - 0.5


def shown_cells(column) -> tuple[dict, callable]:
    """A card column's cells, key → count (None: hidden), and the key of a row's value."""
    if "histogram" in column:
        edges = column["histogram"]["edges"]
        cells = dict(enumerate(column["histogram"]["counts"]))
        return {**cells, "empty": column["empty"]}, lambda v: (
            "empty" if v is None else sum(v >= e for e in edges))
    cells = {t["value"]: t["count"] for t in column["top"]}
    return {**cells, "other": column["other"]["count"], "empty": column["empty"]}, None


def check_cards_together(table, segments, cards, k):
    """Cards drawn together share their hidden cells, and no group one card less another
    gives away (a segment less one nested in it, the rows in neither of two disjoint
    segments) is small in a shown cell or in the hidden ones added up."""
    published = [s for s in segments if not cards[s["id"]]["suppressed"]]
    masks = {s["id"]: segment_mask(table, s["rule"]).to_list() for s in published}
    for name in table.frame.columns:
        columns = [next(c for c in cards[s["id"]]["columns"] if c["column"] == name)
                   for s in published]
        laid_out = [c for c in columns if "histogram" in c or "top" in c]
        if len(laid_out) < 2 or len({"histogram" in c for c in laid_out}) > 1:
            continue
        values = table.frame[name].to_list()
        if "top" in laid_out[0]:
            listed = {t["value"] for c in laid_out for t in c["top"]}
            def key(v, listed=listed):
                text = None if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
                return "empty" if text is None else text if text in listed else "other"
        else:
            key = shown_cells(laid_out[0])[1]
        hidden = [{cell for cell, count in shown_cells(c)[0].items() if count is None}
                  for c in laid_out]
        assert all(h == hidden[0] for h in hidden), f"{name}: cards hide different cells"
        ids = [s["id"] for s, c in zip(published, columns, strict=True)
               if "histogram" in c or "top" in c]
        for a, b in itertools.permutations(ids, 2):
            in_a, in_b = masks[a], masks[b]
            if not any(y and not x for x, y in zip(in_a, in_b, strict=True)):  # b within a
                group = [x and not y for x, y in zip(in_a, in_b, strict=True)]
            elif not any(x and y for x, y in zip(in_a, in_b, strict=True)):  # disjoint
                group = [not x and not y for x, y in zip(in_a, in_b, strict=True)]
            else:
                continue
            cells: dict = {}
            for value, member in zip(values, group, strict=True):
                if member:
                    cells[key(value)] = cells.get(key(value), 0) + 1
            for cell, count in cells.items():
                if cell not in hidden[0]:
                    assert not small(count, k), f"{name}: {a} vs {b} gives {count} in {cell}"
            assert not small(sum(cells.get(c, 0) for c in hidden[0]), k)


def check_figures(check, k):
    figures, n = check["figures"], check["n"]
    if check["reason"] == "too_few" or n is None:
        assert figures == {}
        return
    assert n >= k
    for count_key in ("in_range", "count"):
        if figures.get(count_key) is not None:
            assert not small(figures[count_key], k) and not small(n - figures[count_key], k)
    for share_key in ("share_in_range", "share", "top_share", "runner_up_share"):
        if figures.get(share_key) is not None:
            implied = round(figures[share_key] * n)
            assert not small(implied, k) and not small(n - implied, k)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows, segments=st.lists(rules, min_size=1, max_size=3), k=st.integers(2, 12),
       claim_value=st.sampled_from(CITIES), bounds=st.tuples(st.integers(0, 100),
                                                               st.integers(0, 100)))
def test_no_output_ever_carries_a_figure_about_fewer_than_k_people(rows, segments, k,
                                                                    claim_value, bounds):
    table = table_of(rows)
    defined = [{"id": f"s{i}", "name": f"s{i}", "rule": rule} for i, rule in enumerate(segments)]
    sizing = size_segments(table, defined, k=k)
    check_sizing(table, defined, sizing, k)
    low, high = sorted(bounds)
    claims = [
        {"kind": "range", "column": "age", "low": low, "high": high},
        {"kind": "most_common", "column": "city", "value": claim_value},
        {"kind": "more_likely", "column": "city", "value": claim_value},
        {"kind": "more_likely", "column": "member", "value": "yes"},
    ]
    # As a workshop draws them: the sizing audit first, whose hidden sizes get no card.
    cards = analyse_job(table_to_bytes(table), defined, [], k=k)["cards"]
    check_cards_together(table, defined, cards, k)
    for segment in defined:
        check_card(table, segment, profile_card(table, segment, k=k), k)
        check_card(table, segment, cards[segment["id"]], k)
        for claim in claims:
            check_figures(check_claim(table, segment, claim, k=k), k)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=20, max_size=160),
       base=rules, narrower=leaves, other=rules, k=st.integers(2, 12))
def test_cards_drawn_together_give_no_small_group_away_by_subtraction(rows, base, narrower,
                                                                     other, k):
    # A segment, the same segment narrowed by one more condition (nested in it), and
    # another: their cards side by side, one less another, count no group under k.
    table = table_of(rows)
    defined = [{"id": "base", "name": "base", "rule": base},
               {"id": "narrower", "name": "narrower", "rule": {"all": [base, narrower]}},
               {"id": "other", "name": "other", "rule": other}]
    # As a workshop draws them: the sizing audit first, whose hidden sizes get no card.
    cards = analyse_job(table_to_bytes(table), defined, [], k=k)["cards"]
    check_cards_together(table, defined, cards, k)
    for segment in defined:
        check_card(table, segment, cards[segment["id"]], k)
