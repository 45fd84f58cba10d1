"""The JSON API other programs rely on, and the headers every response carries."""

import re

import pytest


def create(client, **body):
    return client.post("/api/workshops", json={"title": "Who is our customer?", **body})


def token_of(url):
    return url.rsplit("/join/", 1)[1]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_creating_a_workshop_answers_three_absolute_links(client):
    response = create(client, context="Launch planning", teams=["Sales", "Support"])
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "title", "facilitator_url", "invite_url", "observer_url"}
    for key in ("facilitator_url", "invite_url", "observer_url"):
        assert body[key].startswith("http://localhost/join/" + body["id"] + ".")


@pytest.mark.parametrize("body", [{"title": ""}, {"title": 5}, {"title": "x", "teams": [1]}])
def test_a_bad_workshop_body_gets_400_json(client, body):
    response = client.post("/api/workshops", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_a_body_that_is_not_json_is_refused(client):
    response = client.post("/api/workshops", data="title=x",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    response = client.post("/api/workshops", data="[1,2]", content_type="application/json")
    assert response.status_code == 400


def test_cross_origin_writes_are_refused(client):
    response = client.post("/api/workshops", json={"title": "x"},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


def test_joining_sets_a_cookie_and_rejoining_returns_the_same_participant(client):
    invite = token_of(create(client).get_json()["invite_url"])
    first = client.post("/api/join", json={"token": invite, "name": "Sam", "team": "Support"})
    assert first.status_code == 201
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = client.post("/api/join", json={"token": invite, "name": "Sam", "team": "Support"})
    assert again.status_code == 200
    assert again.get_json()["participant"]["id"] == first.get_json()["participant"]["id"]


def test_joining_with_a_bad_token_is_404_and_a_missing_team_is_400(client):
    invite = token_of(create(client).get_json()["invite_url"])
    bad = client.post("/api/join", json={"token": invite + "x", "name": "Sam", "team": "S"})
    assert bad.status_code == 404 and bad.get_json()["error"]["code"] == "not_found"
    no_team = client.post("/api/join", json={"token": invite, "name": "Sam"})
    assert no_team.status_code == 400 and "team" in no_team.get_json()["error"]["message"]


def test_the_snapshot_needs_membership(app, client):
    body = create(client).get_json()
    assert client.get(f"/api/workshops/{body['id']}").status_code == 401
    client.post("/api/join", json={"token": token_of(body["invite_url"]), "name": "Sam",
                                   "team": "Support"})
    snapshot = client.get(f"/api/workshops/{body['id']}").get_json()
    assert snapshot["me"]["name"] == "Sam" and snapshot["seq"] >= 3
    assert "facilitator_secret" not in str(snapshot) and "invite_secret" not in str(snapshot)


def test_ops_over_http_use_the_same_write_path_as_sockets(client):
    body = create(client).get_json()
    client.post("/api/join", json={"token": token_of(body["invite_url"]), "name": "Sam",
                                   "team": "Support"})
    snapshot = client.get(f"/api/workshops/{body['id']}").get_json()
    op = {"op_id": "http-1", "type": "assumption.add",
          "data": {"persona_id": snapshot["personas"][0]["id"], "category": "goals",
                   "text": "Saves money"}}
    first = client.post(f"/api/workshops/{body['id']}/ops", json=op)
    assert first.status_code == 201 and first.get_json()["seq"] == snapshot["seq"] + 1
    assert client.post(f"/api/workshops/{body['id']}/ops", json=op).status_code == 200
    refused = client.post(f"/api/workshops/{body['id']}/ops",
                          json={**op, "op_id": "http-2", "type": "persona.add",
                                "data": {"name": "x"}})
    assert refused.status_code == 403
    events = client.get(f"/api/workshops/{body['id']}/events?since={snapshot['seq']}")
    assert [e["type"] for e in events.get_json()["events"]] == ["assumption.added"]
    assert client.get(f"/api/workshops/{body['id']}/events?since=x").status_code == 400


def assert_security_headers(response, path):
    """The headers every response carries; script only from our own origin (or a nonce)."""
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script = directives.get("script-src", directives.get("default-src"))
    assert script and "'self'" in script, (path, csp)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, (path, csp)
    assert "frame-ancestors 'none'" in csp, path
    assert headers["Referrer-Policy"] == "no-referrer", path
    assert headers["X-Content-Type-Options"] == "nosniff", path


def op(client, workshop_id, type_, data, n=[0]):  # noqa: B006 - a counter for op ids
    n[0] += 1
    response = client.post(f"/api/workshops/{workshop_id}/ops",
                           json={"op_id": f"hdr-{n[0]}", "type": type_, "data": data})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_every_response_carries_the_security_headers(client, app):
    for path in ("/", "/healthz", "/join/nope.nope"):
        assert_security_headers(client.get(path), path)
    body = create(client).get_json()
    wid = body["id"]
    # Message pages: a stranger on the board, a missing persona, a missing one-pager.
    stranger = app.test_client()
    for path in (f"/w/{wid}", f"/w/{wid}/persona/nope", f"/w/{wid}/persona/nope/onepager"):
        response = stranger.get(path)
        assert response.status_code in (403, 404), path
        assert_security_headers(response, path)
    # A member's pages: the board (the research library is one of its views), the merge view,
    # the one-pager, and the library's JSON.
    client.post("/api/join", json={"token": token_of(body["facilitator_url"]), "name": "Maria",
                                   "team": ""})
    state = client.get(f"/api/workshops/{wid}").get_json()
    persona = state["personas"][0]["id"]
    item = op(client, wid, "assumption.add",
              {"persona_id": persona, "category": "goals", "text": "Pays by phone"})
    op(client, wid, "decision.set", {"target_type": "assumption", "decision": "accepted",
                                     "target_id": item["event"]["data"]["assumption"]["id"]})
    note = op(client, wid, "research_note.add", {
        "title": "Visit", "source_type": "interview",
        "body": "Pays by *phone*."})["event"]["data"]["note"]
    op(client, wid, "phase.set", {"phase": "merge"})
    op(client, wid, "document.create", {"persona_id": persona})
    pages = [f"/w/{wid}", f"/w/{wid}/persona/{persona}",
             f"/w/{wid}/persona/{persona}/onepager"]
    for path in [*pages, f"/api/workshops/{wid}/notes?q=phone",
                 f"/api/workshops/{wid}/notes/{note['id']}"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_security_headers(response, path)
    for path in pages:  # the pages need no inline script: every <script> is a file or data
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=", html), path  # no event-handler attributes


def test_odd_since_values_get_400_not_a_server_error(client):
    body = create(client).get_json()
    client.post("/api/join", json={"token": token_of(body["invite_url"]), "name": "Sam",
                                   "team": "Support"})
    for since in ("²", "-1", "1e3", ""):
        response = client.get(f"/api/workshops/{body['id']}/events?since={since}")
        assert response.status_code == 400, since


def test_a_write_without_a_json_content_type_names_the_problem(client):
    response = client.post("/api/join", data="{}", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_the_divergence_view_is_for_members(client):
    body = create(client).get_json()
    assert client.get(f"/api/workshops/{body['id']}/divergence").status_code == 401
    client.post("/api/join", json={"token": token_of(body["invite_url"]), "name": "Sam",
                                   "team": "Support"})
    view = client.get(f"/api/workshops/{body['id']}/divergence").get_json()
    assert view == {"blind": False, "teams": ["Support"], "items": []}


def test_a_body_over_64_kib_is_refused_with_json(client):
    response = client.post("/api/workshops", json={"title": "x" * 70_000})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
