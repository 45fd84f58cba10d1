"""CSV export: every assumption of every persona, with votes, decisions and evidence."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest

from tests.domain import persona_fixture as fx
from workshop.domain.export.csv_format import assumptions_csv, safe_cell


def rows() -> list[dict]:
    """The fixture's CSV, parsed."""
    text = assumptions_csv(fx.snapshot(), fx.research_notes(), fx.evidence_links())
    return list(csv.DictReader(io.StringIO(text)))


def by_text(text: str) -> dict:
    """The row of one assumption."""
    return next(r for r in rows() if r["text"].endswith(text))


def test_every_assumption_of_every_persona_is_a_row():
    got = rows()
    assert len(got) == len(fx.snapshot()["assumptions"]) == 13
    assert {r["persona"] for r in got} == {"Anouk the baker", "Other"}


def test_votes_measures_and_decision():
    row = by_text("Needs a chat with a human within minutes")
    assert (row["Support agree"], row["Support disagree"], row["Support unsure"]) == (
        "0", "2", "0")
    assert row["agreement"] == "0.6667" and row["GAC"] == "0.1406"
    assert row["contested"] == "yes" and row["decision"] == "accepted"
    assert row["author team"] == "Support" and row["dots"] == "3" and row["voters"] == "6"
    assert row["category"] == "Needs"
    reworded = by_text("wants growth")
    assert reworded["decision"] == "reworded"
    assert reworded["facilitator's rewording"] == "Wants to open a second shop within two years"
    assert reworded["facilitator's reason"] == "Too vague as written"


def test_grouped_notes_show_their_group_and_its_decision():
    row = by_text("Overview of open invoices on the phone")
    assert row["group"] == "Sees open invoices at a glance, also on the phone"
    assert row["decision"] == "accepted" and row["facilitator's reason"].startswith("Seen in every")
    assert row["evidence state"] == "validated" and row["supporting"] == "1"


def test_evidence_counts():
    row = by_text("Prefers e-mail over phone calls")
    assert (row["evidence state"], row["supporting"], row["contradicting"]) == (
        "contradicted", "0", "1")
    assert by_text("hidden fees")["evidence state"] == "untested"


def test_formula_cells_are_neutralised():
    row = next(r for r in rows() if "HYPERLINK" in r["text"])
    assert row["text"].startswith("'=HYPERLINK")
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("plain") == "plain" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_every_cell_is_safe():
    text = assumptions_csv(fx.snapshot(), fx.research_notes(), fx.evidence_links())
    for row in csv.reader(io.StringIO(text)):
        assert not any(_formula(cell) for cell in row)


# The payloads of OWASP's "CSV Injection" page, and the ways around a first-character check.
OWASP = ["=cmd|' /C calc'!A0", "=1+1", "+1+1", "-1+1", "@SUM(1+1)*cmd|' /C calc'!A0",
         "-2+3+cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"click\")",
         "\t=1+1", "\r=1+1", "\n-3+3"]


@pytest.mark.parametrize("value", OWASP)
def test_owasp_payloads_get_an_apostrophe(value):
    assert safe_cell(value).startswith("'")
    assert _neutral(safe_cell(value)) and safe_cell(value).replace("'", "") == \
        value.replace("'", "")


@pytest.mark.parametrize(("value", "safe"), [
    ("x;=1+1", "x;'=1+1"), ("x,=1+1", "x,'=1+1"), ("a; +1", "a;' +1"),
    ("ok;@SUM(A1)", "ok;'@SUM(A1)"), ("x\n=1+1", "x\n'=1+1"), ("=1;=2", "'=1;'=2")])
def test_a_formula_after_a_separator_is_neutralised_too(value, safe):
    # A semicolon-locale spreadsheet that splits "x;=1+1" there must find text, not a formula.
    assert safe_cell(value) == safe and _neutral(safe)


@pytest.mark.parametrize(("value", "safe"), [
    ("＝1+1", "'＝1+1"), ("＋1", "'＋1"), ("－1", "'－1"), ("＠SUM(A1)", "'＠SUM(A1)"),
    ("  =1+1", "'  =1+1"), ("\"=1+1", "'\"=1+1"), ("x;＝1+1", "x;'＝1+1")])
def test_fullwidth_signs_and_leading_spaces_do_not_slip_through(value, safe):
    assert safe_cell(value) == safe and _neutral(safe)


@pytest.mark.parametrize("value", ["plain", "Needs a chat, within minutes", "3 – 5 days",
                                   "e-mail", "a;b", "", "'quoted"])
def test_harmless_cells_stay_as_they_are(value):
    assert safe_cell(value) == value


def test_a_hostile_team_name_in_the_header_is_neutralised():
    snap = fx.snapshot()
    snap["workshop"]["teams"][0] = "=cmd|' /C calc'!A0"
    for person in snap["participants"]:
        if person["team"] == "Marketing":
            person["team"] = "=cmd|' /C calc'!A0"
    for note in snap["assumptions"]:
        tally = note["votes"]["tally"]
        if "Marketing" in tally:
            tally["=cmd|' /C calc'!A0"] = tally.pop("Marketing")
    text = assumptions_csv(snap, fx.research_notes(), fx.evidence_links())
    header = next(csv.reader(io.StringIO(text)))
    assert "'=cmd|' /C calc'!A0 agree" in header
    assert not any(_formula(cell) for cell in header)


def test_every_cell_is_quoted_and_no_split_finds_a_formula():
    snap = fx.snapshot()
    snap["assumptions"][0]["text"] = "x;=1+1"
    text = assumptions_csv(snap, fx.research_notes(), fx.evidence_links())
    assert '"x;\'=1+1"' in text
    for line in text.splitlines():
        assert line.startswith('"') and line.endswith('"')  # every cell quoted
        # Split as a semicolon-locale spreadsheet might, quotes or not: never a formula.
        for cell in line.split(";"):
            assert not _formula(cell.lstrip('"'))


def test_record_columns_say_what_the_record_says():
    row = by_text("Needs a chat with a human within minutes")
    assert row["minority view"] == "Support (0 agree, 2 disagree, 0 unsure) disagreed"
    assert row["facilitator's reason"].startswith("Product and Marketing saw it")
    assert row["needs research"] == ""


def _formula(cell: str) -> bool:
    return unicodedata.normalize("NFKC", cell).lstrip(" \"").startswith(("=", "+", "-", "@"))


def _neutral(cell: str) -> bool:
    """No formula where the cell starts, nor after any separator or line break in it."""
    return not cell.startswith(("\t", "\r", "\n")) and not any(
        _formula(piece) for piece in re.split(r"[,;\t\r\n]", cell))
