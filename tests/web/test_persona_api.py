"""The integration JSON API for personas, with a real document: reads, exports, limits, access."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import jsonschema_rs
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.helpers import add_note, add_research, first_persona, make_workshop, send
from workshop.reads.snapshot import snapshot
from workshop.services.rate_limit import OpRateLimiter


@pytest.fixture
def backend(app):
    """The app's own services; the set-up fires ops faster than any person could."""
    backend = app.extensions["workshop"]
    backend.rate_limiter = OpRateLimiter("10000/second")
    return backend


def joined(app, token: str, name: str, team: str = ""):
    """A browser (test client with its cookie) that joined through a link, and who it is."""
    client = app.test_client()
    answer = client.post("/api/join", json={"token": token, "name": name, "team": team})
    assert answer.status_code == 201, answer.get_json()
    return client, answer.get_json()["participant"]


@pytest.fixture
def room(app, backend):
    """Two teams' notes voted on, researched and accepted; the persona document created."""
    created = make_workshop(backend, teams=["Marketing", "Support"])
    wid = created.id
    maria_client, maria = joined(app, created.facilitator_token, "Maria")
    sam_client, sam = joined(app, created.invite_token, "Sam", "Support")
    _, lotte = joined(app, created.invite_token, "Lotte", "Marketing")
    pays = add_note(backend, wid, sam, "Pays every bill on her phone",
                    category="behaviours")["event"]["data"]["assumption"]["id"]
    forms = add_note(backend, wid, lotte, "Hates long forms",
                     category="fears")["event"]["data"]["assumption"]["id"]
    for voter, stance in ((sam, "agree"), (lotte, "disagree")):
        assert send(backend, wid, voter["id"], "vote.cast",
                    {"assumption_id": pays, "stance": stance})["ok"]
    assert send(backend, wid, lotte["id"], "vote.cast",
                {"assumption_id": forms, "stance": "agree", "dots": 2})["ok"]
    research = add_research(backend, wid, sam, body="Anna pays every bill on her phone.")
    assert send(backend, wid, sam["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": pays, "relation": "supports",
        "quote": "every bill on her phone"})["ok"]
    for target in (pays, forms):
        assert send(backend, wid, maria["id"], "decision.set", {
            "target_type": "assumption", "target_id": target, "decision": "accepted",
            "reason": ""})["ok"]
    assert send(backend, wid, maria["id"], "phase.set", {"phase": "merge"})["ok"]
    persona = first_persona(backend, wid, maria)
    assert send(backend, wid, maria["id"], "document.create", {"persona_id": persona})["ok"]
    return {"id": wid, "persona": persona, "maria": maria, "sam": sam, "lotte": lotte,
            "maria_client": maria_client, "sam_client": sam_client, "research": research,
            "items": {"pays": pays, "forms": forms}, "created": created}


def url(room, rest: str = "") -> str:
    return f"/api/workshops/{room['id']}/personas/{room['persona']}{rest}"


def seq(backend, room) -> int:
    return snapshot(backend, room["id"], room["maria"])["seq"]


# ---- the server's upload limit ---------------------------------------------------------------

def noise_png(side: int) -> bytes:
    """A real PNG that does not compress: random pixels, about 3 × side² bytes."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def picture_of(client, room) -> dict | None:
    return client.get(url(room)).get_json()["current"]["document"]["identity"]["picture"]


@pytest.mark.parametrize("side", [840, 870])  # just over 2 MiB, and over the schema's length
def test_an_image_over_2_mib_is_refused_as_too_large(backend, room, side):
    client, before = room["sam_client"], seq(backend, room)
    content = noise_png(side)
    assert 2 * 1024 * 1024 < len(content) < 3 * 1024 * 1024 * 3 // 4  # within the body limit
    response = client.post(url(room, "/picture"), json={
        "content_base64": base64.b64encode(content).decode(), "base_rev": 0, "op_id": "big"})
    assert response.status_code == 413
    assert response.get_json()["error"] == {"code": "too_large", "message":
                                            "picture: the image is larger than 2 MiB"}
    assert picture_of(client, room) is None and seq(backend, room) == before


def test_a_body_over_the_picture_endpoints_limit_is_refused_as_too_large(backend, room):
    client, before = room["sam_client"], seq(backend, room)
    content = base64.b64encode(b"\xff" * (2 * 1024 * 1024 + 600 * 1024)).decode()
    response = client.post(url(room, "/picture"), data=json.dumps({
        "content_base64": content, "base_rev": 0, "op_id": "huge"}),
        content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"] == {
        "code": "too_large", "message": "the request body is larger than 3,072 KiB"}
    assert picture_of(client, room) is None and seq(backend, room) == before


def test_an_image_within_the_limit_is_accepted(backend, room):
    content = noise_png(600)  # about 1 MiB
    response = room["sam_client"].post(url(room, "/picture"), json={
        "content_base64": base64.b64encode(content).decode(), "base_rev": 0, "op_id": "ok"})
    assert response.status_code == 201, response.get_json()
    picture = picture_of(room["sam_client"], room)
    # Random pixels do not compress: the stored picture is made to fit all the same.
    assert picture["media_type"] == "image/jpeg"
    assert len(base64.b64decode(picture["data"])) <= 150_000


def test_a_picture_for_an_agreed_version_starts_the_next_once_confirmed(backend, room):
    """The refusal says "send it again with reopen: true": the upload's body takes it."""
    op(room["maria_client"], room, "document.agree", {"persona_id": room["persona"],
                                                      "number": 1})
    body = {"content_base64": base64.b64encode(noise_png(40)).decode(), "base_rev": 0,
            "op_id": "agreed-picture"}
    refused = room["sam_client"].post(url(room, "/picture"), json=body)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["reason"] == "reopen_unconfirmed"
    started = room["sam_client"].post(url(room, "/picture"), json={**body, "reopen": True})
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["event"]["data"]["started"]["number"] == 2
    assert picture_of(room["sam_client"], room) is not None  # on version 2


# ---- reading the document, its versions and their diff ---------------------------------------

def op(client, room, type_: str, data: dict):
    """An op over HTTP (the same write path as the socket), asserting it was applied."""
    response = client.post(f"/api/workshops/{room['id']}/ops",
                           json={"op_id": os.urandom(8).hex(), "type": type_, "data": data})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def two_versions(room) -> None:
    """Name the persona, agree version 1, rename it: version 2 is the draft."""
    sam, maria = room["sam_client"], room["maria_client"]
    op(sam, room, "document.save", {"persona_id": room["persona"], "path": "identity.name",
                                    "value": "Anouk", "base_rev": 0})
    op(maria, room, "document.agree", {"persona_id": room["persona"], "number": 1})
    op(sam, room, "document.save", {"persona_id": room["persona"], "path": "identity.name",
                                    "value": "Anouk Bakker", "base_rev": 1, "reopen": True})


def test_the_current_document_carries_its_items_with_provenance(room):
    response = room["sam_client"].get(url(room))
    assert response.status_code == 200
    body = response.get_json()
    assert body["persona"] == {"id": room["persona"], "name": "Primary customer"}
    current = body["current"]
    assert (current["number"], current["status"]) == (1, "draft")
    assert [v["number"] for v in body["versions"]] == [1]
    items = {item["id"]: item for section in current["document"]["sections"]
             for item in section["items"]}
    pays = items[f"a:{room['items']['pays']}"]["provenance"]
    assert pays["evidence_state"] == "validated"
    assert pays["evidence"][0]["quote"] == "every bill on her phone"
    assert pays["votes"]["tally"] == {"Marketing": {"agree": 0, "disagree": 1, "unsure": 0},
                                      "Support": {"agree": 1, "disagree": 0, "unsure": 0}}
    assert f"a:{room['items']['forms']}" in items


def test_versions_are_read_by_number_and_diffed(room):
    two_versions(room)
    client = room["sam_client"]
    history = client.get(url(room)).get_json()
    assert [(v["number"], v["status"]) for v in history["versions"]] == [
        (1, "agreed"), (2, "draft")]
    first = client.get(url(room, "/versions/1"))
    assert first.status_code == 200
    assert (first.get_json()["status"], first.get_json()["document"]["identity"]["name"]) == (
        "agreed", "Anouk")
    second = client.get(url(room, "/versions/2")).get_json()
    assert (second["status"], second["document"]["identity"]["name"]) == (
        "draft", "Anouk Bakker")
    missing = client.get(url(room, "/versions/3"))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"

    diff = client.get(url(room, "/diff?from=1&to=2"))
    assert diff.status_code == 200
    rows = {row["path"]: row for row in diff.get_json()["rows"]}
    name = rows["identity.name"]
    assert (name["status"], name["old"], name["new"]) == ("changed", "Anouk", "Anouk Bakker")
    assert "<ins>" in name["new_html"]
    assert {row["status"] for path, row in rows.items() if path != "identity.name"} == {"same"}
    assert client.get(url(room, "/diff?from=1")).status_code == 400
    assert client.get(url(room, "/diff?from=1&to=x")).status_code == 400
    assert client.get(url(room, "/diff?from=1&to=9")).status_code == 404


# ---- exports --------------------------------------------------------------------------------

@pytest.mark.parametrize(("extension", "media_type"), [
    ("md", "text/markdown; charset=utf-8"), ("json", "application/json"),
    ("html", "text/html; charset=utf-8"), ("pdf", "application/pdf")])
def test_each_persona_export_has_its_content_type_and_a_file_name(room, extension, media_type):
    two_versions(room)
    response = room["sam_client"].get(url(room, f"/export.{extension}"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=anouk-bakker-v2-draft.{extension}; "
        f"filename*=UTF-8''anouk-bakker-v2-draft.{extension}")
    agreed = room["sam_client"].get(url(room, f"/export.{extension}?version=1"))
    assert file_names(agreed) == (f"anouk-v1.{extension}", f"anouk-v1.{extension}")
    if extension == "pdf":
        reader = PdfReader(io.BytesIO(response.data))
        box = reader.pages[0].mediabox
        assert len(reader.pages) == 1 and (round(box.width), round(box.height)) == (595, 842)
    elif extension == "json":
        exported = response.get_json()
        assert exported["schema_version"] == 2
        assert exported["meta"]["version"] == 2 and exported["meta"]["status"] == "draft"
        assert exported["persona"]["identity"]["name"] == "Anouk Bakker"
        assert agreed.get_json()["persona"]["identity"]["name"] == "Anouk"
    else:
        assert "Anouk Bakker" in response.get_data(as_text=True)
        assert "Pays every bill on her phone" in response.get_data(as_text=True)


def test_unknown_formats_and_versions_are_refused(room):
    client = room["sam_client"]
    unknown = client.get(url(room, "/export.docx"))
    assert unknown.status_code == 400 and unknown.get_json()["error"]["code"] == "invalid"
    assert client.get(url(room, "/export.md?version=7")).status_code == 404
    assert client.get(url(room, "/export.md?version=one")).status_code == 400


def test_the_assumptions_csv_has_votes_decisions_and_evidence_states(room):
    response = room["sam_client"].get(f"/api/workshops/{room['id']}/export/assumptions.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert file_names(response) == ("who-is-our-customer-assumptions.csv",) * 2
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2
    pays = next(row for row in rows if row["text"] == "Pays every bill on her phone")
    assert (pays["decision"], pays["evidence state"]) == ("accepted", "validated")


def file_names(response) -> tuple[str, str]:
    """(ASCII fallback, Unicode name) from an attachment's Content-Disposition header."""
    header = response.headers["Content-Disposition"]
    header.encode("ascii")  # a header outside ASCII is what made the server drop the line
    fallback = re.search(r'(?:^|; )filename="?([^";]+)"?(?:;|$)', header)
    encoded = re.search(r"filename\*=UTF-8''([^;]+)", header)
    assert header.startswith("attachment; ") and fallback and encoded, header
    assert re.fullmatch(r"[a-z0-9.-]+", fallback[1]) and "--" not in fallback[1], header
    return fallback[1], unquote(encoded[1])


NAMES = [  # (name, its Unicode slug, its ASCII fallback)
    ("Zoë van der Ĳssel", "zoë-van-der-ĳssel", "zoe-van-der-ijssel"),
    ("Ωmega Δέλτα", "ωmega-δέλτα", "mega"),
    ("李小龍 日本", "李小龍-日本", "persona"),
    ("ليلى الحسن", "ليلى-الحسن", "persona"),
    ("🚲 Lisa, the hybrid commuter 🚲", "lisa-the-hybrid-commuter", "lisa-the-hybrid-commuter"),
]


@pytest.mark.parametrize(("name", "unicode_slug", "ascii_slug"), NAMES)
def test_downloads_of_a_persona_named_in_any_script(room, name, unicode_slug, ascii_slug):
    op(room["sam_client"], room, "document.save", {
        "persona_id": room["persona"], "path": "identity.name", "value": name, "base_rev": 0})
    for extension in ("md", "json", "html", "pdf"):
        response = room["sam_client"].get(url(room, f"/export.{extension}"))
        assert response.status_code == 200
        assert file_names(response) == (f"{ascii_slug}-v1-draft.{extension}",
                                        f"{unicode_slug}-v1-draft.{extension}")
        if extension == "json":
            assert response.get_json()["persona"]["identity"]["name"] == name
        elif extension == "pdf":
            assert len(PdfReader(io.BytesIO(response.data)).pages) == 1
        else:
            assert name in response.get_data(as_text=True)


@pytest.mark.parametrize(("title", "unicode_slug", "ascii_slug"), NAMES)
def test_the_csv_of_a_workshop_titled_in_any_script(app, backend, title, unicode_slug,
                                                    ascii_slug):
    created = make_workshop(backend, title=title)
    client, _ = joined(app, created.facilitator_token, "Maria")
    response = client.get(f"/api/workshops/{created.id}/export/assumptions.csv")
    assert response.status_code == 200
    assert file_names(response) == (f"{ascii_slug.replace('persona', 'workshop')}-assumptions.csv",
                                    f"{unicode_slug}-assumptions.csv")


# ---- assumptions and research over the API ---------------------------------------------------

def test_assumptions_come_with_their_votes_and_evidence(room):
    state = room["sam_client"].get(f"/api/workshops/{room['id']}").get_json()
    notes = {note["id"]: note for note in state["assumptions"]}
    pays = notes[room["items"]["pays"]]
    assert (pays["decision"]["decision"], pays["decision"]["by"]) == ("accepted",
                                                                  room["maria"]["id"])
    assert pays["votes"] == {"voters": 2, "dots": 0, "tally": {
        "Marketing": {"agree": 0, "disagree": 1, "unsure": 0},
        "Support": {"agree": 1, "disagree": 0, "unsure": 0}}}
    assert pays["my_vote"] == {"stance": "agree", "dots": 0}
    assert notes[room["items"]["forms"]]["votes"]["dots"] == 2
    [link] = state["evidence"]
    assert (link["target_id"], link["relation"], link["note_id"]) == (
        room["items"]["pays"], "supports", room["research"]["id"])


def test_research_notes_are_listed_read_and_added(room):
    client, wid = room["sam_client"], room["id"]
    listed = client.get(f"/api/workshops/{wid}/notes")
    assert listed.status_code == 200
    assert [n["id"] for n in listed.get_json()["results"]] == [room["research"]["id"]]
    note = client.get(f"/api/workshops/{wid}/notes/{room['research']['id']}").get_json()
    assert note["body"] == "Anna pays every bill on her phone."
    assert note["body_html"] == "<p>Anna pays every bill on her phone.</p>"
    added = op(client, room, "research_note.add", {
        "title": "Survey of 40 customers", "source_type": "survey",
        "body": "Most of them <script>alert(1)</script>**read letters** late.",
        "tags": ["letters"]})
    new = added["event"]["data"]["note"]
    assert "<script>" not in new["body_html"] and "<strong>read letters</strong>" in \
        new["body_html"]
    found = client.get(f"/api/workshops/{wid}/notes?q=letters").get_json()["results"]
    assert [n["id"] for n in found] == [new["id"]]
    assert client.get(f"/api/workshops/{wid}/notes?tag=letters").get_json()["results"][0][
        "id"] == new["id"]


# ---- who may read it -------------------------------------------------------------------------

def reads(room) -> list[str]:
    """Every read of the persona API for this room."""
    wid = room["id"]
    return [url(room), url(room, "/versions/1"), url(room, "/diff?from=1&to=1"),
            url(room, "/fit"), *(url(room, f"/export.{ext}") for ext in ("md", "json", "html",
                                                                          "pdf")),
            f"/api/workshops/{wid}/export/assumptions.csv", f"/api/workshops/{wid}",
            f"/api/workshops/{wid}/notes", f"/api/workshops/{wid}/notes/{room['research']['id']}"]


def test_without_membership_every_read_and_the_note_add_is_401(app, room):
    stranger = app.test_client()
    for path in reads(room):
        response = stranger.get(path)
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthenticated", path
    response = stranger.post(f"/api/workshops/{room['id']}/ops", json={
        "op_id": "x1", "type": "research_note.add",
        "data": {"title": "t", "source_type": "interview", "body": "b"}})
    assert response.status_code == 401


def test_another_workshops_member_gets_401_here_and_404_through_their_own(app, backend, room):
    other = make_workshop(backend, "Another workshop")
    eve, _ = joined(app, other.facilitator_token, "Eve")
    # Membership is per workshop: a cookie for another workshop holds none of this one.
    for path in reads(room):
        assert eve.get(path).status_code == 401, path
    before = seq(backend, room)
    response = eve.post(f"/api/workshops/{room['id']}/ops", json={
        "op_id": "x2", "type": "research_note.add",
        "data": {"title": "t", "source_type": "interview", "body": "b"}})
    assert response.status_code == 401 and seq(backend, room) == before
    # Through the workshop they belong to, this room's persona and notes do not exist.
    foreign = {**room, "id": other.id}
    for path in reads(foreign):
        if path.startswith(f"/api/workshops/{other.id}/personas/") or "/notes/" in path:
            response = eve.get(path)
            assert response.status_code == 404, path
            assert response.get_json()["error"]["code"] == "not_found", path


# ---- the A4 check ----------------------------------------------------------------------------

LONG_STORY = "\n\n".join(
    f"Paragraph {n}: Anouk works nights at the hospital and pays every bill on her phone "
    "between two rounds, because the forms on paper never fit in her week." for n in range(30))


def test_a_typical_persona_fits_on_one_a4_page_and_a_long_one_does_not(room):
    client = room["sam_client"]
    typical = client.get(url(room, "/fit"))
    assert typical.status_code == 200 and typical.get_json() == {"pages": 1, "fits": True}
    assert len(LONG_STORY) <= 5000  # one save may carry it
    op(client, room, "document.save", {"persona_id": room["persona"], "path": "identity.story",
                                       "value": LONG_STORY, "base_rev": 0})
    long = client.get(url(room, "/fit")).get_json()
    assert long["fits"] is False and long["pages"] >= 2
    # The PDF of that document is what the warning is about: it too takes more than a page.
    pdf = PdfReader(io.BytesIO(client.get(url(room, "/export.pdf")).data))
    assert len(pdf.pages) == long["pages"]


# ---- a draft before the persona document exists ----------------------------------------------

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "persona.schema.json")
                    .read_text(encoding="utf-8"))


def test_before_the_document_json_gives_the_same_draft_and_imports(app, backend):
    created = make_workshop(backend, teams=["Marketing", "Support"])
    maria_client, maria = joined(app, created.facilitator_token, "Maria")
    _, sam = joined(app, created.invite_token, "Sam", "Support")
    note = add_note(backend, created.id, sam, "Pays every bill on her phone",
                    category="behaviours")["event"]["data"]["assumption"]["id"]
    assert send(backend, created.id, maria["id"], "decision.set", {
        "target_type": "assumption", "target_id": note, "decision": "reworded",
        "text": "Pays her bills on the phone", "reason": "Plainer"})["ok"]
    base = f"/api/workshops/{created.id}/personas/{first_persona(backend, created.id, maria)}"
    response = maria_client.get(f"{base}/export.json")
    assert response.status_code == 200
    assert file_names(response)[1] == "primary-customer-draft.json"
    exported = response.get_json()
    jsonschema_rs.validator_for(SCHEMA).validate(exported)
    assert (exported["meta"]["version"], exported["meta"]["status"]) == (0, "draft")
    [section] = exported["persona"]["sections"]
    [item] = section["items"]
    assert item["text"] == "Pays her bills on the phone"
    assert {"part": "original", "label": "Original wording",
            "text": "Pays every bill on her phone"} in item["record"]
    markdown = maria_client.get(f"{base}/export.md").get_data(as_text=True)
    assert "**DRAFT** — a preview from the board" in markdown
    assert ("- Pays her bills on the phone\n  - **Original wording:** Pays every bill on her "
            "phone\n  - **Written by:** Support\n") in markdown
    # It imports like any other export: into another workshop, as a draft version 1.
    other = make_workshop(backend, title="Elsewhere")
    other_client, _ = joined(app, other.facilitator_token, "Femke")
    answer = other_client.post(f"/api/workshops/{other.id}/personas/import",
                               json={"export": exported, "op_id": "draft-import"})
    assert answer.status_code == 201, answer.get_json()
    imported = answer.get_json()["event"]["data"]["version"]
    assert imported["number"] == 1 and imported["status"] == "draft"
    assert imported["document"]["sections"][0]["items"][0]["text"] == \
        "Pays her bills on the phone"
