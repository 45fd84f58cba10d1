"""Profiles in a real browser: import the generated 100,000-row export, map it (the e-mail
column dropped by default), define two segments, tie the persona, claim "35–45" on the age
range, and see it contradicted with its figures on the board and in the PDF."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.browsing import create_workshop, join, op
from tests.profiles_data import AS_OF, write_customer_csv

pytestmark = [pytest.mark.live, pytest.mark.browser]
SHOTS = os.environ.get("P27_SHOTS")  # a folder: screenshots at 1280 and 390 px


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def define(page, name: str, value: str) -> None:
    form = page.locator(".data-define")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    form.locator(".data-seg-new-name").fill(name)
    row = form.locator(".data-rule-row").first
    row.locator(".data-rule-column").select_option("segment")
    row.locator(".data-rule-test").select_option("equals")
    row.locator(".data-rule-value").fill(value)
    form.get_by_role("button", name="Define segment").click()
    page.locator(".data-seg-name", has_text=name).wait_for()


def test_import_map_segment_tie_and_a_contradicted_age_claim(person, live_server, tmp_path):
    from playwright.sync_api import expect

    links = create_workshop(live_server.url)
    maria = join(person, links["facilitator_url"], "Maria")
    sam = join(person, links["invite_url"], "Sam", "Support")
    page = maria.page
    workshop_id = page.url.rstrip("/").split("/")[-1]
    csv = write_customer_csv(tmp_path / "customers.csv")  # 100,000 rows, about 15 MB

    page.get_by_role("button", name="Data", exact=True).click()
    page.get_by_role("button", name="Import a data export").click()
    dialog = page.locator("#data-import")
    dialog.locator("#data-file").set_input_files(str(csv))
    dialog.locator("#data-name").fill("CRM export")
    dialog.locator("#data-source").fill("CRM export")
    dialog.locator("#data-as-of").fill(AS_OF.isoformat())
    dialog.get_by_role("button", name="Read the file").click()
    role = dialog.get_by_label("Role of email")
    expect(role).to_have_value("dropped", timeout=60_000)  # dropped by default
    expect(dialog.get_by_label("Role of full_name")).to_have_value("dropped")
    expect(dialog.locator(".data-mapping")).to_contain_text("100,000 rows")
    assert "@" not in dialog.locator(".data-table").inner_text().replace("*@", "")
    shoot(page, "import-mapping")
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog).to_be_hidden(timeout=90_000)
    card = page.locator(".data-card")
    expect(card).to_contain_text("100,000 rows")
    expect(card.locator(".data-dropped")).to_contain_text("email")

    define(page, "Established households", "Established households")
    define(page, "Urban families", "Urban families")
    expect(page.locator(".data-seg")).to_have_count(2)
    expect(page.locator(".data-overlaps")).to_contain_text("Unassigned")
    page.locator(".data-seg-name", has_text="Established households").click()
    expect(page.locator(".data-profile")).to_contain_text("age")

    page.locator("#data-tie").select_option(label="Established households")
    page.locator("#data-tie-submit").click()
    expect(page.locator(".data-represents")).to_contain_text(
        re.compile(r"Represents: Established households, [\d,]+ customers \(\d+%\), CRM export "
                   r"as of 2026-10-01"))
    page.locator("#data-claim-target").select_option("field:identity.age_range")
    page.locator("#data-claim-column").select_option("age")
    page.locator("#data-claim-text").fill("35–45")
    page.locator("#data-claim-submit").click()
    claim = page.locator(".data-claim", has=page.locator(".data-badge-contradicted"))
    expect(claim).to_contain_text("Contradicted")
    expect(claim.locator(".data-claim-figures")).to_contain_text(re.compile(r"median 5[12]"))
    shoot(page, "data-view")

    # A note's data check counts as evidence, and the divergence view shows it beside the
    # teams once the note has votes.
    state = page.request.get(f"/api/workshops/{workshop_id}").json()
    persona_id = state["personas"][0]["id"]
    added = op(sam, workshop_id, "assumption.add", {"persona_id": persona_id,
                                                    "category": "behaviours",
                                                    "text": "Phones the shop"})
    note_id = added["event"]["data"]["assumption"]["id"]
    op(maria, workshop_id, "claim.set", {"persona_id": persona_id, "assumption_id": note_id,
                                         "column": "channel", "kind": "more_likely",
                                         "text": "phone"})
    op(sam, workshop_id, "vote.cast", {"assumption_id": note_id, "stance": "agree"})
    page.get_by_role("button", name="Divergence", exact=True).click()
    expect(page.locator(".dv-col-data")).to_have_text("Data")
    expect(page.locator(f'tr[data-id="{note_id}"] .dv-data')).to_contain_text("Consistent")
    shoot(page, "divergence")

    # On the board: what the persona represents, above the columns, for everyone.
    page.get_by_role("button", name="Board", exact=True).click()
    expect(page.locator("#persona-represents")).to_contain_text("Established households")
    expect(sam.page.locator("#persona-represents")).to_contain_text("Established households")
    shoot(page, "board")

    # The PDF says it too, read back from the file.
    persona = page.evaluate("() => document.querySelector('[role=tab][aria-selected=true]')"
                            "?.dataset.persona || null")
    if persona is None:
        state = page.request.get(f"/api/workshops/{workshop_id}").json()
        persona = state["personas"][0]["id"]
    op(maria, workshop_id, "phase.set", {"phase": "merge"})
    op(maria, workshop_id, "document.create", {"persona_id": persona})
    pdf = page.request.get(f"/api/workshops/{workshop_id}/personas/{persona}/export.pdf")
    assert pdf.status == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "1 trait contradicted by data" in text
    assert re.search(r"Age range “35–45”: contradicted — median 5[12]", text), text[:1500]
