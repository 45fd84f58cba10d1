"""Inspecting a CSV export: encoding, delimiter, types, roles, problems, a masked preview.

The file is read twice: Python's csv module (C) walks every record once to find the
structure's problems with their line numbers (ragged rows, duplicate headers), then Polars
reads the columns as text. Polars alone would fill a short row with nulls without a word.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from workshop.domain.profiles import columns as cols
from workshop.domain.profiles.problems import MAX_PROBLEMS, problem
from workshop.domain.profiles.shapes import ColumnReport, Inspection, Problem

# Larger files are refused before parsing (a customer export of 100,000 rows is ~20 MB).
MAX_BYTES = 200 * 1024 * 1024
PREVIEW_ROWS = 5
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
csv.field_size_limit(16 * 1024 * 1024)

Source = bytes | str | Path  # the file's bytes, or a path to it


@dataclass
class RawFile:
    """A file read as far as it could be: text columns, line numbers, problems."""

    sha256: str = ""
    size_bytes: int = 0
    encoding: str = ""
    delimiter: str = ","
    headers: list[str] = field(default_factory=list)
    frame: pl.DataFrame | None = None  # every column as trimmed text, "no value" as null
    lines: list[int] | None = None  # each record's first line, when not row index + 2
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, index: int) -> int:
        """The file line where the record at 0-based `index` starts (the header is line 1)."""
        return self.lines[index] if self.lines is not None else index + 2


def header_fingerprint(headers: Sequence[str]) -> str:
    """SHA-256 (hex) of the normalised header names, order ignored: the same source's key."""
    names = sorted(" ".join(h.replace("\ufeff", "").split()).lower() for h in headers)
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def _bytes_of(source: Source, max_bytes: int) -> tuple[bytes | None, int]:
    """The file's bytes (None when larger than max_bytes) and its size."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        return (data if len(data) <= max_bytes else None), len(data)
    path = Path(source)
    size = path.stat().st_size
    return (path.read_bytes() if size <= max_bytes else None), size


def _decode(data: bytes) -> tuple[str | None, str]:
    """The text and its encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith(_BOM):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data[:2] in _UTF16_BOMS:
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:65536]:
        return None, ""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Excel on Windows in Western European locales
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, equal, fields."""
    head = "\n".join(text.splitlines()[:_SNIFF_LINES])
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO(head), delimiter=delimiter)
                  if row]
        if not counts or counts[0] < 2:
            continue
        same = sum(1 for count in counts if count == counts[0])
        score = (same, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _structure(raw: RawFile, text: str) -> None:
    """Headers and ragged rows, with line numbers, from one pass of the csv module (or,
    in a file without quotes, of its lines: twice as fast)."""
    if '"' in text:
        return _structure_quoted(raw, text)
    # Split on "\n" only, as Polars does (str.splitlines also splits on \u2028 and kin).
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    raw.headers = [cell.replace("\ufeff", "").strip() for cell in lines[0].split(raw.delimiter)]
    if not any(raw.headers):
        raw.problems.append(problem("no_header", "the file has no header line"))
        return
    _check_headers(raw)
    width, numbers = len(raw.headers), []
    for number, line in enumerate(lines[1:], start=2):
        if not line.replace(raw.delimiter, ""):
            continue  # a blank line (or only delimiters) is no record; Polars skips it too
        numbers.append(number)
        fields = line.count(raw.delimiter) + 1
        if fields != width and len(raw.problems) < MAX_PROBLEMS:
            raw.problems.append(problem(
                "ragged_row", f"line {number} has {fields} field{'s' * (fields != 1)}, the "
                              f"header has {width}", row=number))
    raw.lines = numbers if numbers and numbers[-1] != len(numbers) + 1 else None
    if not numbers and not raw.problems:
        raw.problems.append(problem("no_rows", "the file has a header but no rows"))


def _structure_quoted(raw: RawFile, text: str) -> None:
    """_structure for a file with quotes: the csv module knows where a quoted value ends."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=raw.delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raw.problems.append(problem("bad_csv", f"line 1: {error}", row=1))
        return
    if header is None or not any(cell.strip() for cell in header):
        raw.problems.append(problem("no_header", "the file has no header line"))
        return
    raw.headers = [cell.replace("\ufeff", "").strip() for cell in header]
    _check_headers(raw)
    width, lines, previous_end = len(raw.headers), [], reader.line_num
    try:
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not any(row):
                continue  # a blank line (or only delimiters) is no record; Polars skips it too
            lines.append(start)
            if len(row) != width and len(raw.problems) < MAX_PROBLEMS:
                raw.problems.append(problem(
                    "ragged_row", f"line {start} has {len(row)} field{'s' * (len(row) != 1)}, the "
                    f"header has {width}",
                    row=start))
    except csv.Error as error:
        raw.problems.append(problem("bad_csv", f"line {reader.line_num}: {error}",
                                    row=reader.line_num))
    # Line numbers are kept only when they differ from row index + 2 (gaps, long values).
    raw.lines = lines if lines and lines[-1] != len(lines) + 1 else None
    if not lines and not raw.problems:
        raw.problems.append(problem("no_rows", "the file has a header but no rows"))


def _check_headers(raw: RawFile) -> None:
    """Empty, duplicate and data-like header names."""
    seen: dict[str, int] = {}
    for index, name in enumerate(raw.headers):
        if not name:
            raw.problems.append(problem("no_header", f"column {index + 1} has no name", row=1))
            continue
        key = name.lower()
        if key in seen:
            raw.problems.append(problem(
                "duplicate_header", f"the header names {name!r} twice (columns "
                f"{seen[key] + 1} and {index + 1})", row=1, column=name))
        seen.setdefault(key, index)
    looks_like_data = cols.as_series(raw.headers).drop_nulls()
    as_data = (cols.parse_numbers(looks_like_data).is_not_null()
               | cols.parse_dates(looks_like_data)[0].is_not_null())
    if looks_like_data.len() and as_data.all():
        raw.problems.insert(0, problem(
            "no_header", "the first line holds numbers or dates, not column names: the file "
                         "needs a header line", row=1))


def read_raw(source: Source, max_bytes: int = MAX_BYTES) -> RawFile:
    """Read a CSV as text columns, with every structural problem found (see RawFile)."""
    data, size = _bytes_of(source, max_bytes)
    raw = RawFile(size_bytes=size)
    if data is None:
        raw.problems.append(problem("too_large", f"the file has {size:,} bytes; at most "
                                                 f"{max_bytes:,} can be imported"))
        return raw
    raw.sha256 = hashlib.sha256(data).hexdigest()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raw.problems.append(problem("empty_file", "the file is empty"))
        return raw
    text, raw.encoding = _decode(data)
    if text is None:
        raw.problems.append(problem("not_text", "the file is not text (CSV expected)"))
        return raw
    raw.delimiter = _sniff_delimiter(text)
    _structure(raw, text)
    if raw.problems:
        return raw
    try:
        frame = pl.read_csv(io.BytesIO(text.encode()), separator=raw.delimiter,
                            infer_schema=False, has_header=True, new_columns=raw.headers,
                            raise_if_empty=False)
    except pl.exceptions.PolarsError as error:  # what the structure check did not foresee
        raw.problems.append(problem("bad_csv", f"the file could not be read as CSV: "
                                               f"{str(error).splitlines()[0]}"))
        return raw
    # Rows of empty fields only are no records (see _structure); one select cleans the
    # columns side by side.
    frame = frame.filter(~pl.all_horizontal(pl.all().is_null()))
    raw.frame = frame.select(cols.cleaned(name) for name in raw.headers)
    return raw


def age_at(birth: pl.Series, as_of: dt.date) -> pl.Series:
    """Whole years from each birth date to as_of (null after it)."""
    frame = birth.to_frame("b")
    age = frame.select(
        pl.lit(as_of.year) - pl.col("b").dt.year()
         - ((pl.col("b").dt.month().cast(pl.Int32) * 100 + pl.col("b").dt.day())
            > as_of.month * 100 + as_of.day).cast(pl.Int32)).to_series()
    return age.set(age < 0, None).cast(pl.Float64)


def derived_name(source: str, headers: Sequence[str], births: int) -> str:
    """The derived age column's name: "age", or "age (from <source>)" when that is taken."""
    plain = "age"
    if births == 1 and plain not in {h.lower() for h in headers}:
        return plain
    return f"age (from {source})"


def derive_columns(raw: RawFile, reports: list[ColumnReport],
                   as_of: dt.date) -> list[tuple[ColumnReport, pl.Series]]:
    """Derived columns: the age at as_of of each birth-date column."""
    births = [r for r in reports if r["kind"] == "date" and cols.is_birth_date_name(r["name"])]
    derived = []
    for report in births:
        dates, _ = cols.parse_dates(raw.frame[report["name"]])
        age = age_at(dates, as_of)
        name = derived_name(report["name"], raw.headers, len(births))
        derived.append(({
            "name": name, "kind": "number", "suggested_role": "sensitive",
            "reason": f"age at {as_of.isoformat()}, derived from {report['name']}",
            "identifier": False, "sensitive": True, "filled": age.is_not_null().sum(),
            "distinct": min(cols.DISTINCT_CAP, age.drop_nulls().n_unique()),
            "derived_from": report["name"]}, age.alias(name)))
    return derived


def inspect_csv(source: Source, *, as_of: dt.date | None = None,
                max_bytes: int = MAX_BYTES) -> Inspection:
    """Inspect a CSV: problems (ok False when any), columns with kinds and roles, preview."""
    as_of = as_of or dt.date.today()
    raw = read_raw(source, max_bytes)
    answer: Inspection = {
        "ok": not raw.problems, "problems": raw.problems[:MAX_PROBLEMS],
        "encoding": raw.encoding, "delimiter": raw.delimiter, "headers": raw.headers,
        "fingerprint": header_fingerprint(raw.headers) if raw.headers else "",
        "sha256": raw.sha256, "size_bytes": raw.size_bytes,
        "row_count": raw.frame.height if raw.frame is not None else 0,
        "as_of": as_of.isoformat(), "columns": [], "preview": []}
    if raw.frame is None:
        return answer
    reports = [cols.classify_column(name, raw.frame[name], cleaned=True) for name in raw.headers]
    derived = derive_columns(raw, reports, as_of)
    answer["columns"] = reports + [report for report, _ in derived]
    head = raw.frame.head(PREVIEW_ROWS)
    for index in range(head.height):
        row = {r["name"]: cols.mask_value(head[r["name"]][index], r) for r in reports}
        for report, values in derived:
            value = values[index]
            row[report["name"]] = "" if value is None else f"{value:g}"
        answer["preview"].append(row)
    return answer
