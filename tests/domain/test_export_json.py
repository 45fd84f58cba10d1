"""JSON export: the versioned schema, the exact round trip and readable errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema_rs
import pytest

from tests.domain import persona_fixture as fx
from workshop.domain.export.json_format import (
    SCHEMA_URL,
    from_json,
    json_schema,
    to_json,
)
from workshop.domain.merge import with_picture

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "persona.schema.json"


def export() -> dict:
    """The fixture persona exported."""
    return to_json(fx.document(), fx.meta())


def test_export_carries_schema_provenance_and_evidence():
    data = export()
    assert data["schema"] == SCHEMA_URL and data["schema_version"] == 2
    assert data["meta"]["status"] == "draft"
    item = data["persona"]["sections"][1]["items"][1]
    assert item["id"] == "a:a2"
    assert item["provenance"]["evidence"][0]["quote"].startswith("Six of eight")
    json.dumps(data)  # JSON-ready


def test_export_validates_against_the_published_schema():
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text()))
    validator.validate(export())
    pic = with_picture(fx.document(), {"kind": "upload", "media_type": "image/webp",
                                       "data": "UklGRg=="})
    validator.validate(to_json(pic, fx.meta("agreed")))
    bad = export()
    bad["persona"]["sections"][0]["items"][0]["provenance"]["evidence_state"] = "maybe"
    assert not validator.is_valid(bad)


def test_published_schema_is_up_to_date():
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema()


def test_round_trip_is_exact():
    first = export()
    document, meta = from_json(json.loads(json.dumps(first)))
    assert to_json(document, meta) == first
    assert document == fx.document()


def test_a_rich_persona_round_trips():
    first = to_json(fx.rich_document(), fx.meta("agreed", version=3))
    assert to_json(*from_json(first)) == first


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(schema_version=3), "schema_version 3 is not supported"),
    (lambda d: d.pop("meta"), "meta: Field required"),
    (lambda d: d["meta"].update(status="final"), "meta.status"),
    (lambda d: d["persona"]["identity"].update(name=""), "persona.identity.name"),
    (lambda d: d["persona"]["identity"].update(quote=5), "persona.identity.quote"),
    (lambda d: d["persona"].update(colour="red"), "persona.colour: Extra inputs"),
    (lambda d: d["persona"]["sections"][0]["items"][0].update(id="x1"),
     "persona.sections.0.items.0.id"),
    (lambda d: d["persona"]["sections"][1]["items"].append(
        copy.deepcopy(d["persona"]["sections"][1]["items"][0])), "item id appears twice"),
    (lambda d: d["persona"]["identity"].update(
        picture={"kind": "upload", "media_type": "image/svg+xml", "data": ""}),
     "persona.identity.picture"),
    (lambda d: d["persona"]["sections"][0]["items"][0]["provenance"]["votes"].update(
        agreement=1.5), "agreement"),
])
def test_bad_input_gives_readable_errors(change, message):
    data = export()
    change(data)
    with pytest.raises(ValueError, match="not a valid persona export") as error:
        from_json(data)
    assert message in str(error.value)


def test_not_an_object_is_refused():
    with pytest.raises(ValueError, match="expected a JSON object"):
        from_json([1, 2])


def test_a_preview_before_the_document_is_version_0_and_only_a_draft():
    data = to_json(fx.document(), fx.meta("draft", version=0))
    jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text())).validate(data)
    assert from_json(data)[1]["version"] == 0
    with pytest.raises(ValueError, match="version 0 is a preview draft"):
        to_json(fx.document(), fx.meta("agreed", version=0))


def test_the_record_is_written_on_export_and_ignored_on_import():
    data = export()
    item = data["persona"]["sections"][1]["items"][2]
    assert item["record"][0] == {"part": "original", "label": "Original wording",
                                 "text": "wants growth"}
    item["record"] = [{"part": "reason", "label": "Facilitator's reason", "text": "forged"}]
    document, _ = from_json(data)
    assert "record" not in document["sections"][1]["items"][2]
    assert to_json(document, fx.meta()) == export()


def test_an_older_export_with_the_reason_in_its_dissent_still_imports():
    data = export()
    needs = next(s for s in data["persona"]["sections"] if s["category"] == "needs")
    contested = next(i for i in needs["items"] if i["provenance"]["dissent"])
    contested["provenance"]["dissent"]["reason"] = contested["provenance"]["decision"]["reason"]
    del contested["provenance"]["research_pending"]
    for item in (i for s in data["persona"]["sections"] for i in s["items"]):
        del item["record"]
    document, _ = from_json(data)
    assert to_json(document, fx.meta()) == export()
