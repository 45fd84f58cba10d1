"""A trait's record in labelled parts, and every export saying exactly that (issue: the record
tells the truth). The finding: a contested note reworded by the facilitator with a reason."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.domain import persona_fixture as fx
from workshop.domain import provenance
from workshop.domain.export import csv_format, json_format, markdown, onepager
from workshop.domain.merge import build_document, with_field

ORIGINAL = "Playful, energetic, lifestyle-driven"
REWORDED = "Warm and light, never childish"
TEAMS = ["Marketing", "Sales", "Support"]
MESSAGES = Path(__file__).resolve().parents[2] / "workshop" / "messages" / "en.json"


def finding() -> dict:
    """Marketing agrees, Sales and Support disagree; the facilitator rewords it anyway."""
    snap = fx.snapshot()
    snap["workshop"]["teams"] = list(TEAMS)
    snap["participants"] = [fx.PARTICIPANTS[0]] + [
        {"id": f"u{n}", "name": f"Person {n}", "team": team, "role": "participant",
         "removed": False} for n, team in enumerate(TEAMS)]
    snap["assumptions"] = [fx.note(
        "t1", "tone", ORIGINAL, 10, "u0",
        fx.votes(0, Marketing=(1, 0, 0), Sales=(0, 1, 0), Support=(0, 1, 0)),
        fx.decision("reworded", "Brand guideline", REWORDED))]
    snap["groups"] = []
    return snap


def document() -> dict:
    return build_document(finding(), "p1", [], [])


def item() -> dict:
    return document()["sections"][0]["items"][0]


def parts(it: dict | None = None) -> dict[str, provenance.Part]:
    return {part.key: part for part in provenance.describe(it or item())}


def test_each_part_is_labelled_for_what_it_is():
    got = parts()
    assert list(got) == ["original", "author", "votes", "believers", "dissent", "decision",
                         "reason", "evidence"]
    assert (got["author"].label, got["author"].text) == ("Written by", "Marketing")
    assert (got["original"].label, got["original"].text) == ("Original wording", ORIGINAL)
    assert got["votes"].label == "Votes on the original wording"
    assert got["votes"].text.startswith("Marketing 1 agree; Sales 1 disagree; Support 1 "
                                        "disagree · agreement 33%")
    assert got["dissent"].text == ("Sales (0 agree, 1 disagree, 0 unsure), Support (0 agree, "
                                   "1 disagree, 0 unsure) disagreed with the original wording")
    assert got["decision"].text == "Reworded by Fiona Facilitator (facilitator) on 2025-03-04"
    assert (got["reason"].label, got["reason"].text) == ("Facilitator's reason",
                                                         "Brand guideline")


def test_the_reason_is_never_part_of_the_minority_view():
    got = parts()
    assert "Brand guideline" not in got["dissent"].text + (got["dissent"].brief or "")


def test_a_later_edit_keeps_the_facilitators_rewording_in_view():
    edited = with_field(document(), "items.a:t1", "Warm, light and grown-up")
    got = parts(edited["sections"][0]["items"][0])
    assert got["original"].text == ORIGINAL
    assert (got["rewording"].label, got["rewording"].text) == ("Facilitator's rewording",
                                                               REWORDED)


def test_an_item_accepted_as_voted_has_no_original_or_rewording_part():
    got = parts(fx.document()["sections"][1]["items"][0])
    assert "original" not in got and "rewording" not in got and "sources" not in got
    assert got["votes"].label == "Votes" and got["decision"].text.startswith("Accepted by")


def test_a_group_says_its_votes_were_cast_on_its_notes():
    needs = next(s for s in fx.document()["sections"] if s["category"] == "needs")
    got = parts(needs["items"][0])
    assert got["votes"].label == "Votes on the grouped notes" and "author" not in got
    assert got["sources"].text.startswith("Needs to see at a glance who still owes her money "
                                          "(Support); Overview")


def test_the_apps_panel_uses_the_same_labels():
    # static/js/merge/provenance.js labels the provenance panel with these messages.
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    for key, label in provenance.LABELS.items():
        assert messages[f"merge.provenance.part.{key}"] == label
    assert messages["merge.provenance.research_pending"] == provenance.RESEARCH_PENDING
    assert messages["merge.provenance.no_team"] == provenance.NO_TEAM


# ---- every format says it ---------------------------------------------------------------------

def meta() -> dict:
    return {**fx.meta(), "teams": list(TEAMS)}


def test_markdown_says_it():
    md = markdown.to_markdown(document(), meta())
    assert (f"- {REWORDED}\n"
            f"  - **Original wording:** {ORIGINAL}\n"
            "  - **Written by:** Marketing\n"
            "  - **Votes on the original wording:** Marketing 1 agree; Sales 1 disagree; "
            "Support 1 disagree") in md
    assert "  - **Facilitator's reason:** Brand guideline\n" in md
    assert "Accepted because" not in md


def test_json_says_it():
    data = json_format.to_json(document(), meta())
    record = data["persona"]["sections"][0]["items"][0]["record"]
    assert record == [{"part": p.key, "label": p.label, "text": p.text}
                      for p in provenance.describe(item())]
    assert "reason" not in data["persona"]["sections"][0]["items"][0]["provenance"]["dissent"]


def _onepager_text() -> str:
    page = onepager.onepager_html(document(), meta(), stylesheet_href="")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_one_pager_says_it():
    text = _onepager_text()
    assert f"Original wording: {ORIGINAL}" in text
    assert "Votes on the original wording: Marketing · 33% agree" in text
    assert "Minority view: Sales, Support disagreed with the original wording" in text
    assert "Decision: Reworded by Fiona Facilitator (facilitator)" in text
    assert "Facilitator's reason: Brand guideline" in text
    assert "— Brand guideline" not in text


def test_the_one_pager_gives_the_facilitators_reason_for_a_plain_acceptance_too():
    """The finding's first version: "Accepted – Brand guideline" on a note every team liked.
    Only contested or reworded items show their decision, but a reason given is on record."""
    snap = finding()
    snap["assumptions"] = [fx.note("t1", "tone", ORIGINAL, 10, "u0",
                                   fx.votes(0, Marketing=(1, 0, 0), Sales=(1, 0, 0)),
                                   fx.decision("accepted", "Brand guideline"))]
    page = onepager.onepager_html(build_document(snap, "p1", [], []), meta(),
                                  stylesheet_href="")
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert "Facilitator's reason: Brand guideline" in text
    assert "Decision:" not in text  # every trait on the page is accepted: no line for that


def test_the_one_pager_says_plainly_when_nobody_voted():
    snap = finding()
    snap["assumptions"] = [fx.note("t1", "tone", ORIGINAL, 10, "u0", fx.votes(0),
                                   fx.decision("accepted"))]
    [part] = [p for p in provenance.describe(build_document(snap, "p1", [], [])["sections"][0][
        "items"][0]) if p.key == "votes"]
    assert part.brief == "no votes cast"  # not "no team leaned agree · – agree"


def test_the_pdf_says_it():
    reader = PdfReader(io.BytesIO(onepager.to_pdf(document(), meta())))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for said in (f"Original wording: {ORIGINAL}", "Votes on the original wording:",
                 "Minority view: Sales, Support disagreed with the original wording",
                 "Facilitator's reason: Brand guideline"):
        assert said in text


def test_the_csv_says_it():
    text = csv_format.assumptions_csv(finding(), [], [])
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["text"] == ORIGINAL and row["decision"] == "reworded"
    assert row["facilitator's rewording"] == REWORDED
    assert row["facilitator's reason"] == "Brand guideline"
    assert row["minority view"] == parts()["dissent"].text


@pytest.mark.parametrize("status", ["draft", "agreed"])
def test_an_older_document_with_the_reason_in_its_dissent_is_read_right(status):
    # Documents merged before this rule copied the reason into `dissent.reason`.
    old = document()
    old["sections"][0]["items"][0]["provenance"]["dissent"]["reason"] = "Brand guideline"
    del old["sections"][0]["items"][0]["provenance"]["research_pending"]
    assert "— Brand guideline" not in onepager.onepager_html(old, fx.meta(status),
                                                              stylesheet_href="")
    exported = json_format.to_json(old, fx.meta(status))
    assert exported == json_format.to_json(document(), fx.meta(status))
