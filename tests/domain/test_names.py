"""Persona tab names stay unique: an imported persona named like a tab gets a number."""

from workshop.domain.names import unique_name


def test_a_free_name_is_kept():
    assert unique_name("Anouk", ["Primary customer"]) == "Anouk"


def test_a_taken_name_gets_the_next_free_number_ignoring_case():
    assert unique_name("Anouk", ["anouk ", "Anouk (2)"]) == "Anouk (3)"


def test_the_number_fits_within_the_limit():
    name = unique_name("x" * 120, ["x" * 120])
    assert len(name) == 120 and name.endswith(" (2)")
