"""The integration JSON API for personas, with a real document: reads, exports, limits, access."""

from __future__ import annotations

import base64
import io
import json
import os

import pytest
from PIL import Image

from tests.helpers import add_note, add_research, first_persona, make_workshop, send
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
    from workshop.services import workshops
    return workshops.snapshot(backend, room["id"], room["maria"])["seq"]


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
