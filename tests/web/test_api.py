"""The JSON API other programs rely on, and the headers every response carries."""

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


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/healthz", "/join/nope.nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


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
