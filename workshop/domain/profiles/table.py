"""Loading the kept columns of a CSV into a table, and storing it compressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workshop.domain.profiles.reading import MAX_BYTES, Source
from workshop.domain.profiles.shapes import ColumnMeta, Kind, Role


@dataclass
class Table:
    """The kept columns of a dataset (a Polars DataFrame underneath) and their metadata."""

    frame: object  # polars.DataFrame; only this package reads it
    columns: list[ColumnMeta]

    @property
    def row_count(self) -> int:
        """Rows in the table."""
        raise NotImplementedError

    def column(self, name: str) -> ColumnMeta | None:
        """The metadata of a kept column, or None."""
        raise NotImplementedError


def load_table(source: Source, mapping: dict[str, Role], *,
               types: dict[str, Kind] | None = None, as_of: dt.date | None = None,
               max_bytes: int = MAX_BYTES) -> Table:
    """The columns mapped to attribute/sensitive (derived ones included), typed; raises
    ProfileDataError with every problem (unparsable values in a column typed number/date…)."""
    raise NotImplementedError


def table_to_bytes(table: Table) -> bytes:
    """The table as compressed bytes for storage (Parquet, zstd; column metadata inside)."""
    raise NotImplementedError


def table_from_bytes(data: bytes) -> Table:
    """A table back from table_to_bytes."""
    raise NotImplementedError
