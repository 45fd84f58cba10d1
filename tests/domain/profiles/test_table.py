"""Loading the kept columns, typed, with precise problems; storing and loading back."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.profiles_data import AS_OF, customer_csv
from workshop.domain.profiles.problems import ProfileDataError
from workshop.domain.profiles.reading import inspect_csv
from workshop.domain.profiles.table import load_table, table_from_bytes, table_to_bytes


@pytest.fixture(scope="module")
def export() -> bytes:
    return customer_csv(300)


@pytest.fixture(scope="module")
def suggested(export) -> dict:
    return {c["name"]: c["suggested_role"] for c in inspect_csv(export, as_of=AS_OF)["columns"]}


def test_only_the_kept_columns_are_loaded(export, suggested):
    table = load_table(export, suggested, as_of=AS_OF)
    names = {c["name"] for c in table.columns}
    assert names == {"city", "gender", "segment", "revenue", "orders", "channel", "signup_date",
                     "newsletter", "loyalty_tier", "last_order_date", "nps", "support_tickets",
                     "age"}
    assert set(table.frame.columns) == names and table.row_count == 300
    assert table.column("age") == {"name": "age", "kind": "number", "role": "sensitive"}
    assert table.frame["newsletter"].dtype.is_(__import__("polars").Boolean)


def test_derived_age_is_the_age_at_the_as_of_date():
    data = b"birth_date,city\n1974-10-01,A\n1974-10-02,B\n2030-01-01,C\n"
    table = load_table(data, {"age": "sensitive", "city": "attribute"},
                       as_of=dt.date(2026, 10, 1))
    assert table.frame["age"].to_list() == [52.0, 51.0, None]  # born after as_of: no age


def test_a_value_that_does_not_parse_in_a_typed_column_names_its_line_and_column():
    data = b'city,revenue,since\nA,12.5,2026-01-01\n"B\nC",12x,2026-02-30\nD,,2026-03-01\n'
    with pytest.raises(ProfileDataError) as error:
        load_table(data, {"city": "attribute", "revenue": "attribute", "since": "attribute"},
                   types={"revenue": "number", "since": "date"})
    problems = [(p["code"], p["row"], p["column"]) for p in error.value.problems]
    assert problems == [("not_a_number", 3, "revenue"), ("not_a_date", 3, "since")]


def test_a_mapping_naming_an_unknown_column_or_role_is_refused(export):
    with pytest.raises(ProfileDataError) as error:
        load_table(export, {"nope": "attribute", "city": "owner"}, types={"orders": "money"})
    assert [p["code"] for p in error.value.problems] == ["unknown_column", "bad_role",
                                                         "bad_type"]


def test_dropping_every_column_is_refused(export):
    with pytest.raises(ProfileDataError) as error:
        load_table(export, {})
    assert error.value.problems[0]["code"] == "no_columns"


def test_a_bad_file_is_refused_with_the_inspection_problems():
    with pytest.raises(ProfileDataError) as error:
        load_table(b"a,b\n1\n", {"a": "attribute"})
    assert error.value.problems[0]["code"] == "ragged_row"


def test_the_stored_form_round_trips_and_is_compressed(export, suggested):
    table = load_table(export, suggested, as_of=AS_OF)
    data = table_to_bytes(table)
    back = table_from_bytes(data)
    assert back.columns == table.columns and back.frame.equals(table.frame)
    assert len(data) < len(export) / 5
    with pytest.raises(ValueError):
        table_from_bytes(b"not a table")


@pytest.mark.parametrize("data", [
    b"a,b\n1,2\n\n,\nx,3\n",  # no quotes: the fast path
    b'a,b\n"1",2\n\n,\nx,3\n',  # quotes: the csv module's path
])
def test_blank_lines_are_no_rows_and_later_lines_keep_their_numbers(data):
    with pytest.raises(ProfileDataError) as error:
        load_table(data, {"a": "attribute", "b": "attribute"}, types={"a": "number"})
    assert [(p["row"], p["column"]) for p in error.value.problems] == [(5, "a")]
    table = load_table(data, {"a": "attribute", "b": "attribute"})
    assert table.row_count == 2
