"""Customer data imports over HTTP: the body goes to disk and a worker, and bad input is a
clear 4xx that stores nothing and leaves no file behind."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import pytest

from tests.profiles_data import AS_OF, customer_csv
from tests.web.test_api import create, token_of
from workshop.services import datasets

ROWS = 500


@pytest.fixture
def facilitator(client):
    """The facilitator's session in a fresh workshop; returns the workshop id."""
    created = create(client).get_json()
    client.post("/api/join", json={"token": token_of(created["facilitator_url"]),
                                   "name": "Maria", "team": "Research"})
    return created["id"]


@pytest.fixture
def uploads_left():
    """The upload folders in the temporary directory after the test, beyond those before."""
    def folders():
        return set(Path(tempfile.gettempdir()).glob("workshop-upload-*"))
    before = folders()
    return lambda: folders() - before


def body(**fields) -> dict:
    return {"name": "CRM export", "as_of": AS_OF.isoformat(),
            "content_base64": base64.b64encode(customer_csv(ROWS)).decode(), **fields}


def datasets_of(client, workshop_id) -> list:
    return client.get(f"/api/workshops/{workshop_id}").get_json()["datasets"]


def test_inspect_then_import_reads_the_file_in_a_worker(client, facilitator, uploads_left):
    inspected = client.post(f"/api/workshops/{facilitator}/datasets/inspect",
                            json={"content_base64": body()["content_base64"],
                                  "as_of": AS_OF.isoformat()})
    assert inspected.status_code == 200, inspected.get_json()
    roles = {c["name"]: c["suggested_role"]
             for c in inspected.get_json()["inspection"]["columns"]}
    assert roles["email"] == "dropped"
    imported = client.post(f"/api/workshops/{facilitator}/datasets",
                           json=body(op_id="import-1", roles={"city": "attribute"}))
    assert imported.status_code == 201, imported.get_json()
    dataset = imported.get_json()["event"]["data"]["dataset"]
    assert (dataset["name"], dataset["row_count"]) == ("CRM export", ROWS)
    assert [d["id"] for d in datasets_of(client, facilitator)] == [dataset["id"]]
    assert uploads_left() == set()  # the body and the decoded file are gone


NAMED = b'"name": "CRM export", "as_of": "2026-10-01", '


@pytest.mark.parametrize(("path", "sent", "message"), [
    ("datasets", b"[1, 2]", "the body must be a JSON object"),
    ("datasets/inspect", b'{"content_base64": ', "the body must be a JSON object"),
    ("datasets", b"{" + NAMED + b'"content_base64": "%%%"}', "content_base64: not valid base64"),
    ("datasets/inspect", b'{"content_base64": 7}', "content_base64: must be base64 text"),
    ("datasets", b"{" + NAMED[:-2] + b"}", "content_base64: Field required"),
    ("datasets/inspect", b'{"as_of": "2026-10-01"}', "content_base64: Field required"),
    ("datasets", b'{"name": "CRM export", "as_of": "2026-02-30", "content_base64": "YQ=="}',
     "as_of: not a calendar date (YYYY-MM-DD)"),
    ("datasets/inspect", b'{"as_of": "0000-01-01", "content_base64": "YQ=="}',
     "as_of: not a calendar date (YYYY-MM-DD)"),
])
def test_a_bad_body_is_400_and_stores_nothing(client, facilitator, uploads_left, path, sent,
                                              message):
    response = client.post(f"/api/workshops/{facilitator}/{path}", data=sent,
                           content_type="application/json")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"] == {"code": "invalid", "message": message}
    assert datasets_of(client, facilitator) == []
    assert uploads_left() == set()


def test_a_body_past_the_limit_is_413_and_no_file_is_left(client, facilitator, uploads_left,
                                                          monkeypatch):
    monkeypatch.setattr(datasets, "UPLOAD_MAX_BYTES", 64 * 1024)
    response = client.post(f"/api/workshops/{facilitator}/datasets", json=body())
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert datasets_of(client, facilitator) == [] and uploads_left() == set()


def test_a_participant_is_refused_before_anything_is_written(client, facilitator, uploads_left):
    invite = create(client).get_json()["invite_url"]
    joined = client.post("/api/join", json={"token": token_of(invite), "name": "Sam",
                                            "team": "Support"}).get_json()
    response = client.post(f"/api/workshops/{joined['workshop_id']}/datasets", json=body())
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert uploads_left() == set()
