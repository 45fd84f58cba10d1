"""Inspecting a CSV: sniffing, kinds and roles, derived age, the masked preview, bad files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.profiles_data import AS_OF, customer_csv
from workshop.domain.profiles.reading import header_fingerprint, inspect_csv

SMALL = 400  # rows of the generated export used here (the full one is for the bench)


@pytest.fixture(scope="module")
def export() -> bytes:
    return customer_csv(SMALL)


@pytest.fixture(scope="module")
def inspected(export):
    return inspect_csv(export, as_of=AS_OF)


def test_the_generated_export_is_inspected_without_problems(inspected, export):
    assert inspected["ok"] and inspected["problems"] == []
    assert (inspected["delimiter"], inspected["encoding"]) == (",", "utf-8")
    assert inspected["row_count"] == SMALL and inspected["size_bytes"] == len(export)
    assert len(inspected["sha256"]) == 64


def test_every_direct_identifier_is_dropped_by_default(inspected):
    roles = {c["name"]: c["suggested_role"] for c in inspected["columns"]}
    for name in ("customer_id", "full_name", "email", "phone", "street", "postcode", "iban"):
        assert roles[name] == "dropped", name
    assert roles["birth_date"] == "dropped"
    assert roles["gender"] == "sensitive" and roles["age"] == "sensitive"
    for name in ("city", "segment", "revenue", "orders", "channel", "newsletter", "nps"):
        assert roles[name] == "attribute", name


def test_kinds_of_the_generated_columns(inspected):
    kinds = {c["name"]: c["kind"] for c in inspected["columns"]}
    assert kinds["revenue"] == kinds["orders"] == kinds["age"] == "number"
    assert kinds["signup_date"] == "date" and kinds["newsletter"] == "boolean"
    assert kinds["city"] == kinds["segment"] == kinds["channel"] == "category"
    assert kinds["email"] == kinds["customer_id"] == "identifier"


def test_age_is_derived_from_the_birth_date_at_the_as_of_date():
    data = b"id;Geboortedatum;plaats\n1;1974-10-01;Utrecht\n2;1974-10-02;Zwolle\n3;;Breda\n"
    inspected = inspect_csv(data, as_of=dt.date(2026, 10, 1))
    age = inspected["columns"][-1]
    assert (age["name"], age["derived_from"], age["kind"]) == ("age", "Geboortedatum", "number")
    assert [row["age"] for row in inspected["preview"]] == ["52", "51", ""]
    assert inspected["preview"][0]["Geboortedatum"] == "19**-**-**"


def test_the_preview_never_shows_an_identifier_in_clear(export, inspected):
    first = export.decode().splitlines()[1].split(",")
    shown = json.dumps(inspected)
    for value in (first[1], first[2], first[3], first[19]):  # name, e-mail, phone, IBAN
        assert value not in shown
    assert inspected["preview"][0]["email"].count("***") == 2


def test_semicolons_and_a_utf8_bom_are_sniffed():
    inspected = inspect_csv(customer_csv(60, delimiter=";", bom=True), as_of=AS_OF)
    assert inspected["ok"] and (inspected["delimiter"], inspected["encoding"]) == (
        ";", "utf-8-sig")
    assert inspected["headers"][0] == "customer_id"


def test_a_windows_1252_export_is_read():
    inspected = inspect_csv("naam;plaats\nJosé;Zürich\n".encode("cp1252"))
    assert inspected["ok"] and inspected["encoding"] == "cp1252"
    assert inspected["preview"][0]["plaats"] == "Zürich"


def test_the_fingerprint_ignores_column_order_case_and_spacing():
    assert header_fingerprint(["Email", "City "]) == header_fingerprint(["city", "email"])
    assert header_fingerprint(["email", "city"]) != header_fingerprint(["email", "town"])


@pytest.mark.parametrize(("data", "code", "row"), [
    (b"", "empty_file", None),
    (b"  \r\n", "empty_file", None),
    (b"a,b\n", "no_rows", None),
    (b"12,2026-01-01\n13,2026-01-02\n", "no_header", 1),
    (b"a,,c\n1,2,3\n", "no_header", 1),
    (b"city,City\nx,y\n", "duplicate_header", 1),
    (b"a,b\n1,2\n3\n", "ragged_row", 3),
    (b"a,b\n1,2\n3,4,5\n", "ragged_row", 3),
    (b'a,b\n"two\nlines",2\n3,4,5\n', "ragged_row", 4),
    (b"\x00\x01\x02binary", "not_text", None),
])
def test_bad_files_get_a_precise_report(data, code, row):
    inspected = inspect_csv(data)
    assert not inspected["ok"]
    first = inspected["problems"][0]
    assert (first["code"], first["row"]) == (code, row)
    assert first["reason"]


def test_a_file_over_the_limit_is_refused_before_reading():
    inspected = inspect_csv(b"a,b\n" + b"1,2\n" * 100, max_bytes=100)
    assert [p["code"] for p in inspected["problems"]] == ["too_large"]


def test_a_duplicate_header_names_its_column():
    problem = inspect_csv(b"city;revenue;City\nx;1;y\n")["problems"][0]
    assert problem["column"] == "City" and "columns 1 and 3" in problem["reason"]


def test_a_path_is_read_like_bytes(tmp_path, export):
    path = tmp_path / "export.csv"
    path.write_bytes(export)
    assert inspect_csv(path, as_of=AS_OF)["sha256"] == inspect_csv(export, as_of=AS_OF)["sha256"]


def test_windows_line_ends_and_unusual_separators_inside_values_are_read_as_written():
    inspected = inspect_csv("a,b\r\n1\u2028x,2\r\n3,4\r\n".encode())
    assert inspected["ok"] and inspected["row_count"] == 2
    assert inspected["preview"][1] == {"a": "3", "b": "4"}
