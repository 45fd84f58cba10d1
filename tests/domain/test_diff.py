"""Version diff: one row per field, word-level marks, everything escaped."""

from __future__ import annotations

import copy

from tests.domain import persona_fixture as fx
from workshop.domain.diff import diff_documents, word_diff
from workshop.domain.merge import with_field, with_picture


def by_path(rows: list[dict]) -> dict:
    """Rows keyed by path."""
    return {row["path"]: row for row in rows}


def test_identical_versions_give_only_same_rows_in_document_order():
    doc = fx.document()
    rows = diff_documents(doc, copy.deepcopy(doc))
    assert {row["status"] for row in rows} == {"same"}
    assert [row["path"] for row in rows][:8] == [
        "identity.name", "identity.quote", "identity.story", "identity.role",
        "identity.age_range", "identity.location", "identity.picture", "items.a:a1"]
    assert rows[0]["label"] == "Name" and rows[4]["label"] == "Age range"
    assert by_path(rows)["items.a:a3"]["label"] == (
        "Goals · Wants her books done without an …")


def test_word_level_changes_are_marked():
    old, new = word_diff("Prefers e-mail over phone calls", "Prefers phone calls over e-mail")
    assert old == "Prefers e-mail<del> over phone calls</del>"
    assert new == "Prefers<ins> phone calls over</ins> e-mail"


def test_a_changed_field():
    old = fx.document()
    new = with_field(old, "identity.quote", "I bake bread, not invoices.")
    row = by_path(diff_documents(old, new))["identity.quote"]
    assert row["status"] == "changed"
    assert row["old"] == "I bake bread, not spreadsheets."
    assert row["old_html"] == "I bake bread, not <del>spreadsheets</del>."
    assert row["new_html"] == "I bake bread, not <ins>invoices</ins>."


def test_everything_is_escaped():
    old = fx.document()
    new = with_field(old, "identity.role", "<b>Owner</b> & <script>x</script>")
    row = by_path(diff_documents(old, new))["identity.role"]
    assert "<script>" not in row["new_html"] and "<b>" not in row["new_html"]
    assert "&lt;script&gt;" in row["new_html"] and "&amp;" in row["new_html"]
    same = by_path(diff_documents(new, new))["identity.role"]
    assert same["old_html"] == same["new_html"] == html_of("<b>Owner</b> & <script>x</script>")


def html_of(text: str) -> str:
    """What html.escape makes of text."""
    import html

    return html.escape(text)


def test_added_and_removed_items_keep_their_place():
    old = fx.document()
    new = copy.deepcopy(old)
    goals = new["sections"][1]["items"]
    removed = goals.pop(1)  # a:a2, between a:a3 and a:a4
    new["sections"][-1]["items"].append({"id": "a:new", "text": "Likes SMS reminders",
                                         "provenance": removed["provenance"]})
    rows = diff_documents(old, new)
    paths = [row["path"] for row in rows]
    assert paths.index("items.a:a2") == paths.index("items.a:a3") + 1
    assert paths[-1] == "items.a:new"
    gone, added = by_path(rows)["items.a:a2"], by_path(rows)["items.a:new"]
    assert gone["status"] == "removed" and gone["new"] is None and gone["new_html"] == ""
    assert added["status"] == "added" and added["old"] is None
    assert added["label"] == "Contact & channels · Likes SMS reminders"


def test_picture_change_is_one_row():
    old = fx.document()
    new = with_picture(old, {"kind": "upload", "media_type": "image/png", "data": "AAAA"})
    row = by_path(diff_documents(old, new))["identity.picture"]
    assert row["status"] == "changed" and row["old"] == "generated avatar"
    assert row["new"].startswith("uploaded image/png")


def test_a_decision_that_relied_on_a_changed_or_dropped_trait_is_listed():
    from workshop.domain.diff import affected_usages
    old = fx.document()
    new = with_field(old, "items.a:a3", "Wants her books done in ten minutes a week")
    new["sections"] = [dict(s, items=[i for i in s["items"] if i["id"] != "a:a2"])
                       for s in new["sections"]]
    usages = [{"id": "u1", "title": "Invoice app roadmap", "link": "https://x.test/1",
               "date": "2026-11-02", "team": "Product", "traits": ["a:a3", "a:a1"]},
              {"id": "u2", "title": "Spring campaign", "link": "", "date": "2026-10-01",
               "team": "Marketing", "traits": ["a:a1"]},
              {"id": "u3", "title": "Pricing", "link": "", "date": "2026-09-09", "team": "",
               "traits": ["a:a2"]}]
    affected = affected_usages(diff_documents(old, new), usages)
    assert [u["id"] for u in affected] == ["u1", "u3"]
    assert affected[0]["traits"] == [{"id": "a:a3", "status": "changed", "label":
                                      by_path(diff_documents(old, new))["items.a:a3"]["label"]}]
    assert affected[1]["traits"][0]["status"] == "removed"
    assert affected_usages(diff_documents(old, copy.deepcopy(old)), usages) == []
