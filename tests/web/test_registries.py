"""One registry of export formats and one list of phases, read by every adapter.

A format registered once in `workshop/domain/export/formats.py` is served by the API, offered
by the CLI, documented in the OpenAPI document and linked from the page; the phases of
`workshop/domain/phases.py` are the OpenAPI enum and what the page's scripts read.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.web.test_pages import create_and_join
from workshop.config import ROOT
from workshop.domain import phases
from workshop.domain.export import formats
from workshop.domain.export.formats import ExportFormat


def plain_text(document: dict, meta: dict) -> bytes:
    """A persona format made on the spot: its name and the export's status."""
    return f"{document['identity']['name'] or meta['persona_name']} ({meta['status']})\n".encode()


def note_count(snapshot: dict, notes: list[dict], links: list[dict]) -> bytes:
    """A workshop format made on the spot: how many assumptions the board has."""
    return f"{len(snapshot['assumptions'])}\n".encode()


NEW = {
    formats.PERSONA: ExportFormat("txt", "Text", "merge.export.md", "text/plain; charset=utf-8",
                                  formats.PERSONA, plain_text, offload=False),
    formats.WORKSHOP: ExportFormat("count", "Count", "merge.export.csv", "text/x-count",
                                   formats.WORKSHOP, note_count, offload=False),
}


@pytest.fixture(params=sorted(NEW))
def registered(request, monkeypatch):
    """A new format of each scope registered once, and an app made after it was."""
    fmt = NEW[request.param]
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, fmt))
    return fmt, request.getfixturevalue("app")


def _embedded(html: str, block: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', html,
                      re.S)
    assert found, block
    return json.loads(found[1])


def test_a_format_registered_once_reaches_the_api_cli_openapi_and_page(registered, tmp_path):
    fmt, app = registered
    client = app.test_client()
    workshop_id, _ = create_and_join(client)
    snapshot = client.get(f"/api/workshops/{workshop_id}").get_json()
    persona_id = snapshot["personas"][0]["id"]
    path = (f"/api/workshops/{workshop_id}/personas/{persona_id}/export.{fmt.extension}"
            if fmt.scope == formats.PERSONA
            else f"/api/workshops/{workshop_id}/export/assumptions.{fmt.extension}")

    # The API serves it, made by its function, in its media type and under its extension.
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Type"] == fmt.media_type
    assert response.data == (b"Primary customer (draft)\n" if fmt.scope == formats.PERSONA
                             else b"0\n")
    assert response.headers["Content-Disposition"].endswith(f".{fmt.extension}")

    # The CLI offers it and writes the same file.
    runner = app.test_cli_runner()
    choices = re.search(r"--format \[([\w.|]+)\]", runner.invoke(args=["export", "--help"]).output)
    assert fmt.extension in choices[1].split("|")
    result = runner.invoke(args=["export", workshop_id, "--format", fmt.extension, "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == response.data

    # The OpenAPI document lists it in its path's enum and answers in its media type.
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"][re.sub(r"\.\w+$", ".{extension}", path).replace(
        workshop_id, "{workshop_id}").replace(persona_id, "{persona_id}")]["get"]
    extension = next(p for p in operation["parameters"] if p["name"] == "extension")
    assert fmt.extension in extension["schema"]["enum"]
    assert fmt.media_type.split(";")[0] in operation["responses"]["200"]["content"]

    # The persona page embeds it for its export panel (static/js/merge/exports.js).
    html = client.get(f"/w/{workshop_id}/persona/{persona_id}").get_data(as_text=True)
    embedded = _embedded(html, "registry")["exports"]
    assert embedded[-1] == {"extension": fmt.extension, "label": fmt.label, "link": fmt.link,
                            "scope": fmt.scope, "viewed": False}
    assert [e["extension"] for e in embedded] == [f.extension for f in formats.FORMATS]


def test_an_unregistered_format_is_refused_with_the_registrys_choices(client):
    workshop_id, _ = create_and_join(client)
    persona_id = client.get(f"/api/workshops/{workshop_id}").get_json()["personas"][0]["id"]
    response = client.get(f"/api/workshops/{workshop_id}/personas/{persona_id}/export.csv")
    assert response.status_code == 400
    persona_formats = ", ".join(f.extension for f in formats.of_scope(formats.PERSONA))
    assert response.get_json()["error"]["message"] == f"format: choose one of {persona_formats}"
    assert persona_formats.startswith("md, json, html, pdf")
    response = client.get(f"/api/workshops/{workshop_id}/export/assumptions.md")
    assert response.status_code == 400
    workshop_formats = ", ".join(f.extension for f in formats.of_scope(formats.WORKSHOP))
    assert response.get_json()["error"]["message"] == f"format: choose one of {workshop_formats}"
    assert workshop_formats.startswith("csv")


def test_the_phases_are_one_list_read_by_openapi_and_the_pages(client):
    document = client.get("/api/openapi.json").get_json()
    phase_set = document["components"]["schemas"]["PhaseSet"]["properties"]["phase"]
    assert phase_set["enum"] == list(phases.KEYS)
    workshop_id, _ = create_and_join(client)
    persona_id = client.get(f"/api/workshops/{workshop_id}").get_json()["personas"][0]["id"]
    for page in (f"/w/{workshop_id}", f"/w/{workshop_id}/persona/{persona_id}"):
        embedded = _embedded(client.get(page).get_data(as_text=True), "registry")["phases"]
        assert [p["key"] for p in embedded] == list(phases.KEYS)
        assert [p["key"] for p in embedded if p["voting"]] == ["vote", "reconcile"]
        assert [p["key"] for p in embedded if p["document"]] == list(phases.DOCUMENT_PHASES)


def test_the_browser_code_keeps_no_list_of_phases_or_formats():
    # The first phase and the one-pager's print view are named only in a list of them, so
    # a page script or template that names them keeps a second list.
    sources = [*(ROOT / "static/js").rglob("*.js"), *(ROOT / "templates").rglob("*.html")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert '"collect"' not in text, path
        assert not re.search(r"export\.(md|json|pdf)|assumptions\.csv", text), path
