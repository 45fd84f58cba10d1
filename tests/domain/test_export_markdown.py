"""Markdown export: sections, evidence footnotes, draft marker, dissent, escaping."""

from __future__ import annotations

import re

from tests.domain import persona_fixture as fx
from workshop.domain.export.markdown import to_markdown
from workshop.domain.merge import with_field


def test_headings_follow_the_document():
    md = to_markdown(fx.document(), fx.meta())
    assert md.startswith("# Anouk de Vries\n")
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert headings == ["Identity & character", "Goals", "Needs", "Contact & channels"]
    assert "**Role:** Owner, artisan bakery" in md
    assert "Anouk runs **De Korenbloem**" in md  # the story stays Markdown


def test_evidence_becomes_footnotes():
    md = to_markdown(fx.document(), fx.meta())
    assert "- Wants to get paid faster by business customers[^1]\n" in md
    assert "- Sees open invoices at a glance, also on the phone[^2]\n" in md
    assert "- Prefers e-mail over phone calls[^3]\n" in md
    definitions = re.findall(r"^\[\^(\d+)\]: (.+)$", md, flags=re.M)
    assert [n for n, _ in definitions] == ["1", "2", "3"]
    assert definitions[0][1] == ("**Interviews with 8 bakery owners** (interview, 2025-01-20), "
                                 "supports: “Six of eight wait more than 30 days for payment.”")
    assert "contradicts: “61% prefer a phone call" in definitions[2][1]
    assert md.rstrip().endswith(definitions[-1][1])  # definitions at the end


def test_draft_marker_only_on_drafts():
    assert "**DRAFT**" in to_markdown(fx.document(), fx.meta("draft"))
    agreed = to_markdown(fx.document(), fx.meta("agreed"))
    assert "DRAFT" not in agreed and "Agreed version 2, 2025-03-05" in agreed


def test_dissent_and_states_are_shown():
    md = to_markdown(fx.document(), fx.meta())
    assert ("- Needs a chat with a human within minutes\n"
            "  - **Written by:** Support\n"
            "  - **Votes:** Marketing 2 agree; Support 2 disagree; Product 2 agree · agreement "
            "67% · consensus 14% · 6 voters · 3 dots\n"
            "  - **Believed by:** Marketing, Product\n"
            "  - **Minority view:** Support (0 agree, 2 disagree, 0 unsure) disagreed\n"
            "  - **Decision:** Accepted by Fiona Facilitator (facilitator) on 2025-03-04\n"
            "  - **Facilitator's reason:** Product and Marketing saw it in interviews; Support "
            "keeps the concern about staffing\n") in md
    assert "**Evidence:** ✗ contradicted — 1 contradicting passage" in md
    assert "Accepted because" not in md
    assert "assumption debt: 5" in md and "2 of 7 traits" in md


def test_a_reworded_item_keeps_its_original_wording_and_says_what_was_voted_on():
    md = to_markdown(fx.document(), fx.meta())
    assert ("- Wants to open a second shop within two years\n"
            "  - **Original wording:** wants growth\n"
            "  - **Written by:** Product\n"
            "  - **Votes on the original wording:** Marketing 2 agree; Support 1 agree, 1 unsure;"
            " Product 2 agree") in md
    assert "  - **Decision:** Reworded by Fiona Facilitator (facilitator) on 2025-03-04\n" in md


def test_a_preview_before_the_document_says_it_is_one():
    md = to_markdown(fx.document(), fx.meta("draft", version=0))
    assert "> **DRAFT** — a preview from the board: the persona document is not created" in md


def test_item_text_cannot_forge_structure():
    doc = with_field(fx.document(), "items.a:a3", "# Heading [^1] <b>x</b>\nsecond line")
    md = to_markdown(doc, fx.meta())
    assert "- \\# Heading \\[^1\\] \\<b\\>x\\</b\\> second line\n" in md
