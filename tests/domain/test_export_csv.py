"""CSV export: every assumption of every persona, with votes, decisions and evidence."""

from __future__ import annotations

import csv
import io

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
    assert reworded["reworded text"] == "Wants to open a second shop within two years"


def test_grouped_notes_show_their_group_and_its_decision():
    row = by_text("Overview of open invoices on the phone")
    assert row["group"] == "Sees open invoices at a glance, also on the phone"
    assert row["decision"] == "accepted" and row["reason"].startswith("Seen in every")
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
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
