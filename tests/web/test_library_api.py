"""The research library over HTTP: notes, search, preview and the all-or-nothing import."""

import base64

import pytest

from tests.web.test_api import create, token_of


@pytest.fixture
def member(client):
    """A participant's session in a fresh workshop; returns the workshop id."""
    invite = token_of(create(client).get_json()["invite_url"])
    joined = client.post("/api/join", json={"token": invite, "name": "Sam", "team": "Support"})
    return joined.get_json()["workshop_id"]


def add(client, workshop_id, op_id="n1", **data):
    body = {"title": "Interview with Anna", "source_type": "interview",
            "body": "Anna pays her bills **on her phone**.", **data}
    return client.post(f"/api/workshops/{workshop_id}/ops",
                       json={"op_id": op_id, "type": "research_note.add", "data": body})


def test_a_note_added_over_http_is_listed_searched_and_read(client, member):
    assert add(client, member).status_code == 201
    listed = client.get(f"/api/workshops/{member}/notes").get_json()["results"]
    assert [n["title"] for n in listed] == ["Interview with Anna"]
    found = client.get(f"/api/workshops/{member}/notes?q=phon").get_json()["results"]
    assert "<mark>phone</mark>" in found[0]["snippet_html"]
    note = client.get(f"/api/workshops/{member}/notes/{found[0]['id']}").get_json()
    assert note["body_html"] == "<p>Anna pays her bills <strong>on her phone</strong>.</p>"


def test_the_library_is_for_members_only(client, member):
    add(client, member)
    client.delete_cookie("workshop_session")
    assert client.get(f"/api/workshops/{member}/notes").status_code == 401
    assert client.post(f"/api/workshops/{member}/preview", json={"body": "x"}).status_code == 401


def test_an_unknown_note_is_404_json(client, member):
    response = client.get(f"/api/workshops/{member}/notes/nope")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_the_preview_renders_like_the_library_and_sanitises(client, member):
    response = client.post(f"/api/workshops/{member}/preview",
                           json={"body": "# Hi\n<img src=x onerror=alert(1)>"})
    html = response.get_json()["html"]
    assert "<h4>Hi</h4>" in html
    assert "<img" not in html  # raw HTML shows as text, never as an element


def encoded(name, content: bytes):
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


def test_an_import_with_a_bad_row_is_422_with_the_plan_and_imports_nothing(client, member):
    csv = b"title,source_type,body\nGood,survey,fine\nBad,gossip,nope\n"
    response = client.post(f"/api/workshops/{member}/notes/import",
                           json={"files": [encoded("rows.csv", csv)], "op_id": "imp"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False and body["imported"] == 0
    assert [p["source"] for p in body["plan"]["problems"]] == ["rows.csv row 3"]
    assert client.get(f"/api/workshops/{member}/notes").get_json()["results"] == []


def test_a_good_import_is_201_and_a_dry_run_200(client, member):
    files = [encoded("a.md", b"# Visit to Bram\nHe banks on his phone.")]
    preview = client.post(f"/api/workshops/{member}/notes/import",
                          json={"files": files, "dry_run": True})
    assert preview.status_code == 200 and preview.get_json()["imported"] == 0
    done = client.post(f"/api/workshops/{member}/notes/import",
                       json={"files": files, "op_id": "imp-ok"})
    assert done.status_code == 201 and done.get_json()["imported"] == 1


def test_imports_may_be_larger_than_other_requests_but_not_without_limit(client, member):
    files = [encoded(f"n{i}.md", b"# Big\n" + b"word " * 3_900) for i in range(5)]
    assert len(str(files)) > 100 * 1024  # over the 64 KiB every other request is held to
    assert client.post(f"/api/workshops/{member}/notes/import",
                       json={"files": files, "dry_run": True}).status_code == 200
    huge = {"files": [{"name": "x.md", "content_base64": "A" * (9 * 1024 * 1024)}]}
    response = client.post(f"/api/workshops/{member}/notes/import", json=huge)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_unknown_api_paths_and_methods_answer_json(client, member):
    missing = client.get(f"/api/workshops/{member}/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    wrong = client.put(f"/api/workshops/{member}/notes", json={})
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "invalid"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and not page.is_json
