"""Small hand-made tables for the profiles tests (plain data → a Table)."""

from __future__ import annotations

import polars as pl

from workshop.domain.profiles.table import Table

SEGMENT = {"id": "s", "name": "The segment", "rule": {"column": "seg", "test": "equals",
                                                      "value": "s"}}


def make_table(columns: dict[str, list], kinds: dict[str, str],
               roles: dict[str, str] | None = None) -> Table:
    """A table of these columns (kinds: number, date, category, boolean, text)."""
    roles = roles or {}
    dtypes = {"number": pl.Float64, "category": pl.String, "boolean": pl.Boolean,
              "text": pl.String, "date": pl.Date}
    frame = pl.DataFrame({name: pl.Series(name, values, dtype=dtypes[kinds[name]])
                          for name, values in columns.items()})
    return Table(frame=frame, columns=[
        {"name": name, "kind": kinds[name], "role": roles.get(name, "attribute")}
        for name in columns])


def segment_and_rest(segment: dict[str, list], rest: dict[str, list], kinds: dict[str, str],
                     roles: dict[str, str] | None = None) -> Table:
    """A table whose rows with seg == "s" are `segment`, and "r" the `rest`."""
    size = len(next(iter(segment.values())))
    other = len(next(iter(rest.values())))
    columns = {"seg": ["s"] * size + ["r"] * other}
    columns.update({name: segment[name] + rest[name] for name in segment})
    return make_table(columns, {"seg": "category", **kinds}, roles)
