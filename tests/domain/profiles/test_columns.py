"""Column kinds, direct identifiers (by name and by value), sensitive columns, masking."""

from __future__ import annotations

import pytest

from workshop.domain.profiles.columns import (
    as_series,
    classify_column,
    identifier_by_name,
    identifier_by_values,
    mask_value,
    parse_numbers,
    sensitive_by_name,
)


def test_numbers_in_either_decimal_style_are_numbers():
    assert classify_column("revenue", ["12.50", "3", "1,234.00", "7"])["kind"] == "number"
    assert classify_column("omzet", ["12,50", "3", "1.234,00", "7"])["kind"] == "number"
    assert parse_numbers(as_series(["1.234,50", "12,5", "€ 3"])).to_list() == [1234.5, 12.5, 3.0]
    assert parse_numbers(as_series(["1,234.50", "12.5"])).to_list() == [1234.5, 12.5]


def test_dates_in_common_formats_are_dates():
    assert classify_column("signup", ["2026-10-01", "2025-01-31"])["kind"] == "date"
    assert classify_column("aangemeld", ["01-10-2026", "31-01-2025"])["kind"] == "date"
    assert classify_column("seen", ["2026-10-01T12:00:00", "2025-01-31 08:15"])["kind"] == "date"


def test_two_yes_no_values_are_a_boolean_and_missing_words_do_not_count():
    assert classify_column("newsletter", ["yes", "no", "yes", "n/a", ""])["kind"] == "boolean"
    assert classify_column("nieuwsbrief", ["ja", "nee"])["kind"] == "boolean"


def test_few_distinct_values_are_a_category_many_long_ones_free_text():
    assert classify_column("channel", ["app", "web", "phone"] * 50)["kind"] == "category"
    text = [f"Customer called about invoice number {i} and was unhappy" for i in range(300)]
    report = classify_column("remarks", text)
    assert (report["kind"], report["suggested_role"]) == ("text", "dropped")


def test_a_key_without_a_telling_header_is_an_identifier_by_its_values():
    report = classify_column("ref", [f"X{i:06d}" for i in range(500)])
    assert (report["kind"], report["suggested_role"], report["identifier"]) == (
        "identifier", "dropped", True)
    assert classify_column("ref", [str(100000 + i) for i in range(500)])["kind"] == "identifier"


@pytest.mark.parametrize("header", [
    "email", "E-mail", "E-mailadres", "emailAddress", "phone", "Telefoonnummer", "mobiel",
    "name", "Full name", "Voornaam", "Achternaam", "address", "Straat", "Huisnummer", "Postcode",
    "zip code", "customer_id", "Klantnummer", "klantnr", "Account number", "Rekeningnummer",
    "IBAN", "BSN", "IP address", "Relatienummer", "customerId",
])
def test_direct_identifiers_are_recognised_by_their_header(header):
    assert identifier_by_name(header) is not None
    assert classify_column(header, ["a", "b"] * 20)["suggested_role"] == "dropped"


@pytest.mark.parametrize("header", ["segment", "city", "Plaats", "revenue", "channel",
                                    "orders", "loyalty tier", "product name", "nps",
                                    "newsletter yes/no"])
def test_ordinary_headers_are_not_identifiers(header):
    assert identifier_by_name(header) is None


def test_an_id_column_is_a_record_number_only_when_its_values_differ():
    assert classify_column("order_id", [f"O{i}" for i in range(100)])["identifier"] is True
    product = classify_column("product_id", ["P1", "P2", "P3"] * 40)
    assert (product["kind"], product["suggested_role"]) == ("category", "attribute")
    store = classify_column("store number", ["12", "14"] * 50)
    assert (store["identifier"], store["suggested_role"]) == (False, "attribute")


@pytest.mark.parametrize(("values", "reason"), [
    ([f"user{i}@example.com" for i in range(100)], "e-mail"),
    ([f"06-{12345678 + i * 7}" for i in range(100)], "phone"),
    ([f"+31 6 {12345678 + i}" for i in range(100)], "phone"),
    ([f"NL{10 + i % 80}BANK0{123456789 + i}" for i in range(100)], "IBAN"),
    ([f"{1000 + i} AB" for i in range(100)], "postcode"),
    ([f"Kerkstraat {i + 1}" for i in range(100)], "street address"),
    ([f"{first} {last}" for first in ("Anouk", "Daan", "Sanne", "Bram", "Eva") for last in
      ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder")] * 3, "names"),
])
def test_direct_identifiers_are_recognised_by_their_values(values, reason):
    found = identifier_by_values(values)
    assert found is not None and reason.split()[0].lower() in found.lower()
    report = classify_column("contact", values)
    assert (report["identifier"], report["suggested_role"]) == (True, "dropped")


def test_cities_and_tiers_are_not_mistaken_for_names_or_addresses():
    assert identifier_by_values(["Den Haag", "Amsterdam", "Utrecht", "Den Bosch"] * 50) is None
    assert identifier_by_values(["Tier 1", "Tier 2", "Tier 3"] * 50) is None


@pytest.mark.parametrize("header", ["age", "Leeftijd", "gender", "Geslacht", "health status",
                                    "religion", "Etniciteit", "Geboortedatum", "income"])
def test_sensitive_attributes_are_recognised_by_their_header(header):
    assert sensitive_by_name(header) is not None


def test_a_sensitive_category_is_kept_as_sensitive():
    report = classify_column("gender", ["female", "male"] * 30 + ["non-binary"])
    assert (report["kind"], report["suggested_role"], report["sensitive"]) == (
        "category", "sensitive", True)


def test_a_birth_date_is_dropped_by_default_for_the_age_derived_from_it():
    report = classify_column("birth_date", ["1974-03-09", "1990-12-31"] * 10)
    assert (report["kind"], report["suggested_role"], report["sensitive"]) == (
        "date", "dropped", True)


def test_masking_hides_identifiers_and_digits():
    email = classify_column("email", ["jan@example.com"] * 3)
    assert mask_value("jan.jansen@example.com", email) == "j***@e***.com"
    phone = classify_column("phone", ["06-12345678"] * 3)
    assert mask_value("06-12345678", phone) == "##-########"
    name = classify_column("name", ["Anouk de Vries"] * 3)
    assert mask_value("Anouk de Vries", name) == "A**** d* V****"
    birth = classify_column("birth_date", ["1974-03-09"] * 3)
    assert mask_value("1974-03-09", birth) == "19**-**-**"
    city = classify_column("city", ["Utrecht"] * 3)
    assert mask_value("Utrecht", city) == "Utrecht"
