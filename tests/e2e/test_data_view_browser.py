"""The Data view in a browser, beyond the import (test_profiles_browser.py does that with
100,000 rows): weighing segment shares by revenue, the persona document's "Represents"
header kept live, segment definitions imported from a file (all or nothing), and axe on
the whole view at 1280 and 390 px."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.browsing import create_workshop, join, op
from tests.e2e.test_profiles_browser import shoot  # one screenshot helper for P27_SHOTS
from tests.profiles_data import AS_OF, customer_csv

pytestmark = [pytest.mark.live, pytest.mark.browser]
ROWS = 3000
REPRESENTS = re.compile(r"Represents: Established households, [\d,]+ customers \(\d+%\), "
                        r"CRM export as of 2026-10-01")


def by_segment(name: str) -> dict:
    return {"column": "segment", "test": "equals", "value": name}


@pytest.fixture
def data_room(person, live_server):
    """Maria (facilitator) and Sam, a 3,000-row CRM export with two segments, the first
    persona tied to "Established households" with an age claim."""
    links = create_workshop(live_server.url)
    maria = join(person, links["facilitator_url"], "Maria")
    sam = join(person, links["invite_url"], "Sam", "Support")
    workshop_id = maria.page.url.rstrip("/").split("/")[-1]
    response = maria.page.request.post(f"/api/workshops/{workshop_id}/datasets", data={
        "name": "CRM export", "source": "CRM export", "as_of": AS_OF.isoformat(),
        "content_base64": base64.b64encode(customer_csv(ROWS)).decode()})
    assert response.status == 201, response.text()
    dataset = response.json()["event"]["data"]["dataset"]["id"]
    segments = [op(maria, workshop_id, "segment.define", {
        "dataset_id": dataset, "name": name, "rule": by_segment(name)})
        ["event"]["data"]["segment"]["id"] for name in ("Established households",
                                                          "Urban families")]
    persona = maria.page.request.get(f"/api/workshops/{workshop_id}").json()["personas"][0]["id"]
    op(maria, workshop_id, "persona.tie", {"persona_id": persona, "segment_id": segments[0]})
    op(maria, workshop_id, "claim.set", {"persona_id": persona, "field": "identity.age_range",
                                         "column": "age", "text": "35–45"})
    return {"maria": maria, "sam": sam, "workshop_id": workshop_id, "dataset": dataset,
            "segments": segments, "persona": persona}


def open_data_view(page) -> None:
    page.get_by_role("button", name="Data", exact=True).click()
    page.locator(".data-seg").first.wait_for()


def test_weighing_shares_by_revenue_shows_both_shares_and_passes_axe(data_room):
    from playwright.sync_api import expect

    page, sam = data_room["maria"].page, data_room["sam"].page
    open_data_view(page)
    established = page.locator(".data-seg", has_text="Established households")
    expect(established.locator(".data-seg-size")).to_have_text(
        re.compile(r"^[\d,]+ customers · \d+%$"))
    page.get_by_label("Weigh shares by").select_option("revenue")
    page.get_by_role("button", name="Weigh", exact=True).click()
    weighted = re.compile(r"^[\d,]+ customers · \d+% of customers · \d+% of revenue$")
    expect(established.locator(".data-seg-size")).to_have_text(weighted)
    expect(page.get_by_label("Weigh shares by")).to_have_value("revenue")
    # Established households spend more than most: a larger share of revenue than of people.
    shares = [int(x) for x in re.findall(r"(\d+)%", established.locator(".data-seg-size")
                                         .inner_text())]
    assert shares[1] > shares[0], shares
    # Everyone sees the weighted line; only the facilitator chooses the weight.
    open_data_view(sam)
    expect(sam.locator(".data-seg", has_text="Established households")
           .locator(".data-seg-size")).to_have_text(weighted)
    expect(sam.get_by_label("Weigh shares by")).to_have_count(0)
    # The whole view, with a profile card and a checked claim, at both widths.
    page.locator(".data-seg-name", has_text="Established households").click()
    expect(page.locator(".data-profile")).to_contain_text("age")
    expect(page.locator(".data-badge-contradicted")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"the Data view at {width} px")
    sam.locator(".data-seg-name", has_text="Established households").click()
    for width in (1280, 390):
        sam.set_viewport_size({"width": width, "height": 900})
        assert_accessible(sam, f"a participant's Data view at {width} px")
    shoot(page, "data-view-weighted")


def test_the_persona_document_header_says_what_it_represents_live(data_room):
    from playwright.sync_api import expect

    maria, workshop_id = data_room["maria"], data_room["workshop_id"]
    op(maria, workshop_id, "phase.set", {"phase": "merge"})
    op(maria, workshop_id, "document.create", {"persona_id": data_room["persona"]})
    page = data_room["sam"].page
    page.goto(f"/w/{workshop_id}/persona/{data_room['persona']}")
    line = page.locator(".persona-hero #persona-represents")
    expect(line).to_have_text(REPRESENTS)
    # The board's line is the same words.
    board = maria.page
    expect(board.locator("#persona-represents")).to_have_text(REPRESENTS)
    shoot(page, "persona-header")
    # Tied to another segment: the open document follows without a reload.
    op(maria, workshop_id, "persona.tie", {"persona_id": data_room["persona"],
                                           "segment_id": data_room["segments"][1]})
    expect(line).to_contain_text("Represents: Urban families, ")
    op(maria, workshop_id, "persona.tie", {"persona_id": data_room["persona"],
                                           "segment_id": None})
    expect(line).to_be_hidden()


def test_segment_definitions_from_a_file_all_or_nothing(data_room, tmp_path):
    from playwright.sync_api import expect

    page = data_room["maria"].page
    open_data_view(page)
    block = page.locator(".data-defs")
    block.locator("summary").click()
    rule = by_segment("Retirees")
    bad = tmp_path / "bad-segments.json"
    bad.write_text(json.dumps({"schema_version": 1, "segments": [
        {"name": "Retirees", "rule": rule},
        {"name": "Phone people", "rule": {"column": "phone", "test": "is_empty"}}]}))
    block.get_by_label("Segment definitions (JSON)").set_input_files(str(bad))
    expect(block).to_contain_text("It will define 2 segments:")
    block.get_by_role("button", name="Define these segments").click()
    problems = block.locator(".data-defs-problems")
    expect(problems).to_contain_text("Nothing was defined")
    expect(problems).to_contain_text("Segment 2 (Phone people): the dataset keeps no column "
                                     "'phone'")
    expect(page.locator(".data-seg")).to_have_count(2)
    maria = data_room["maria"]  # the refusal's 400 is the answer this test expects
    maria.errors[:] = [e for e in maria.errors if "status of 400" not in e]

    not_json = tmp_path / "notes.json"
    not_json.write_text("not json at all")
    block.get_by_label("Segment definitions (JSON)").set_input_files(str(not_json))
    expect(block.locator(".data-defs-error")).to_contain_text(
        "This is not a segment definitions file")

    good = tmp_path / "segments.json"
    good.write_text(json.dumps({"schema_version": 1, "segments": [
        {"name": "Retirees", "rule": rule}, {"name": "Students", "rule": by_segment("Students")}]}))
    block.get_by_label("Segment definitions (JSON)").set_input_files(str(good))
    expect(block.locator(".data-defs-names li")).to_have_text(["Retirees", "Students"])
    block.get_by_role("button", name="Define these segments").click()
    expect(block.locator(".data-defs-done")).to_have_text("Defined 2 segments.")
    expect(page.locator(".data-seg")).to_have_count(4)
    retirees = page.locator(".data-seg", has_text="Retirees")
    expect(retirees.locator(".data-seg-size")).to_contain_text("customers")
    shoot(page, "data-view-definitions")


def test_a_half_filled_form_survives_what_others_do_meanwhile(data_room):
    # The view is redrawn on every event: what the facilitator is typing, the conditions
    # they added, their unsent choice of segment and the field they are in must stay.
    from playwright.sync_api import expect

    page = data_room["maria"].page
    open_data_view(page)
    page.get_by_text("Define a segment", exact=True).first.click()
    form = page.locator(".data-define-form").first
    form.get_by_label("Name", exact=True).fill("Big spenders in town")
    form.get_by_role("button", name="Add a condition").click()
    form.get_by_label("Value").nth(1).fill("1000 to 5000")
    page.get_by_label("Stands for").select_option(label="Urban families")
    value = form.get_by_label("Value").nth(0)
    value.click()
    value.type("Amster")
    persona = data_room["persona"]
    for n in range(3):  # Sam writes notes meanwhile: three events, three redraws
        op(data_room["sam"], data_room["workshop_id"], "assumption.add", {
            "persona_id": persona, "category": "goals", "text": f"Wants receipts by mail {n}"})
    # The claim form's list of traits follows the board while keeping the rest.
    expect(page.locator("#data-claim-target option", has_text="Wants receipts by mail 2")
           ).to_have_count(1)
    expect(page.locator("details.data-define").first).to_have_attribute("open", "")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Big spenders in town")
    expect(form.locator(".data-rule-row")).to_have_count(2)
    expect(form.get_by_label("Value").nth(1)).to_have_value("1000 to 5000")
    expect(page.get_by_label("Stands for")).to_have_value(data_room["segments"][1])
    expect(value).to_be_focused()
    value.type("dam")  # the caret stayed where it was
    expect(value).to_have_value("Amsterdam")
    # Opening a segment's card redraws the view too; the form stays as it was.
    page.locator(".data-seg-name", has_text="Established households").click()
    expect(page.locator(".data-profile")).to_be_visible()
    expect(form.get_by_label("Name", exact=True)).to_have_value("Big spenders in town")
    shoot(page, "data-view-form-and-card")
