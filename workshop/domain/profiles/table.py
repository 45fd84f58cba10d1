"""Loading the kept columns of a CSV into a table, and storing it compressed.

Only columns mapped to `attribute` or `sensitive` are loaded; dropped columns (identifiers by
default) never leave `load_table`. The stored form is Parquet with zstd compression behind a
small JSON header with the columns' kinds and roles: one blob, so deleting it deletes the rows.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
from dataclasses import dataclass, field

import polars as pl

from workshop.domain.profiles import columns as cols
from workshop.domain.profiles.problems import MAX_PROBLEMS, ProfileDataError, problem
from workshop.domain.profiles.reading import MAX_BYTES, RawFile, Source, derive_columns, read_raw
from workshop.domain.profiles.shapes import ColumnMeta, Kind, Problem, Role

_MAGIC = b"PWPT1"  # Persona Workshop profile table, version 1
KEPT_ROLES = ("attribute", "sensitive")


@dataclass
class Table:
    """The kept columns of a dataset (a Polars DataFrame underneath) and their metadata."""

    frame: pl.DataFrame
    columns: list[ColumnMeta]
    headers: list[str] = field(default_factory=list)  # the file's, for header_fingerprint
    # Segment masks by rule (segments.segment_mask): a re-check of 100 claims on a few
    # segments computed each mask again, over a third of the time. The frame never changes.
    masks: dict[str, pl.Series] = field(default_factory=dict, repr=False, compare=False)

    @property
    def row_count(self) -> int:
        """Rows in the table."""
        return self.frame.height

    def column(self, name: str) -> ColumnMeta | None:
        """The metadata of a kept column, or None."""
        return next((c for c in self.columns if c["name"] == name), None)


def _typed(name: str, values: pl.Series, kind: Kind, raw: RawFile,
           problems: list[Problem]) -> pl.Series:
    """A text column converted to its kind; values that do not convert become problems."""
    if kind == "number":
        parsed = cols.parse_numbers(values)
        what, code = "a number", "not_a_number"
    elif kind == "date":
        parsed, _ = cols.parse_dates(values)
        what, code = "a date (like 2026-10-01 or 01-10-2026)", "not_a_date"
    elif kind == "boolean":
        parsed = cols.parse_booleans(values)
        what, code = "yes or no", "not_a_boolean"
    else:
        return values.alias(name)
    bad = (values.is_not_null() & parsed.is_null()).arg_true()
    for index in bad.head(MAX_PROBLEMS - len(problems)).to_list():
        line = raw.line_of(index)
        problems.append(problem(code, f"line {line}: {values[index]!r} in {name} is not {what}",
                                row=line, column=name))
    return parsed.alias(name)


def _check_request(raw: RawFile, mapping: dict[str, Role], types: dict[str, Kind],
                   derived: set[str]) -> list[Problem]:
    """Mapping and types that name unknown columns, roles or kinds."""
    known = set(raw.headers) | derived
    problems = []
    for name, role in mapping.items():
        if name not in known:
            problems.append(problem("unknown_column", f"the file has no column {name!r}",
                                    column=name))
        elif role not in cols.ROLES:
            problems.append(problem("bad_role", f"{role!r} is not a role (attribute, "
                                                f"sensitive or dropped)", column=name))
    for name, kind in types.items():
        if name not in known:
            problems.append(problem("unknown_column", f"the file has no column {name!r}",
                                    column=name))
        elif kind not in cols.KINDS:
            problems.append(problem("bad_type", f"{kind!r} is not a type ({', '.join(cols.KINDS)})",
                                    column=name))
    return problems


def load_table(source: Source, mapping: dict[str, Role], *,
               types: dict[str, Kind] | None = None, as_of: dt.date | None = None,
               max_bytes: int = MAX_BYTES) -> Table:
    """The columns mapped to attribute/sensitive (derived ones included), typed; raises
    ProfileDataError with every problem (unparsable values in a column typed number/date…)."""
    as_of = as_of or dt.date.today()
    types = dict(types or {})
    raw = read_raw(source, max_bytes)
    if raw.problems or raw.frame is None:
        raise ProfileDataError(raw.problems)
    # Kinds the caller gives (usually the inspection's) are not detected again.
    reports = {name: cols.classify_column(name, raw.frame[name], cleaned=True)
               for name in raw.headers if mapping.get(name) in KEPT_ROLES and name not in types}
    # A birth date yields its age even when the date itself is dropped (the default).
    births = [{"name": name, "kind": types.get(name) or cols.detect_kind(
                  raw.frame[name].drop_nulls())[0]}
              for name in raw.headers if cols.is_birth_date_name(name)]
    derived = {report["name"]: (report, values)
               for report, values in derive_columns(raw, births, as_of)}
    problems = _check_request(raw, mapping, types, set(derived))
    if problems:
        raise ProfileDataError(problems)
    kept_columns, metas = [], []
    for name in [*raw.headers, *derived]:
        role = mapping.get(name, "dropped")
        if role not in KEPT_ROLES:
            continue
        if name in derived:
            series, kind = derived[name][1], "number"
        else:
            kind = types.get(name) or reports[name]["kind"]
            series = _typed(name, raw.frame[name], kind, raw, problems)
        kept_columns.append(series.alias(name))
        metas.append({"name": name, "kind": kind, "role": role})
    if not kept_columns:
        problems.append(problem("no_columns", "every column is dropped: keep at least one "
                                              "as an attribute or a sensitive attribute"))
    if problems:
        raise ProfileDataError(problems)
    return Table(frame=pl.DataFrame(kept_columns), columns=metas, headers=raw.headers)


def table_to_bytes(table: Table) -> bytes:
    """The table as compressed bytes for storage (Parquet, zstd; column metadata in front)."""
    header = json.dumps({"columns": table.columns, "headers": table.headers}).encode()
    body = io.BytesIO()
    table.frame.write_parquet(body, compression="zstd", compression_level=6)
    return _MAGIC + struct.pack(">I", len(header)) + header + body.getvalue()


def table_from_bytes(data: bytes) -> Table:
    """A table back from table_to_bytes."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a stored profile table")
    (length,) = struct.unpack(">I", data[len(_MAGIC):len(_MAGIC) + 4])
    start = len(_MAGIC) + 4
    header = json.loads(data[start:start + length])
    frame = pl.read_parquet(io.BytesIO(data[start + length:]))
    return Table(frame=frame, columns=header["columns"], headers=header.get("headers", []))
