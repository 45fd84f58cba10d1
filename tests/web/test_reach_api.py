"""Share pages, read-only API tokens and the library over HTTP: what each reaches, what it
never reaches, and that a rotated or revoked token stops at once on every worker."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import send
from tests.reach_fixtures import agreed_room, share
from workshop import create_app
from workshop.config import Config
from workshop.models import ApiToken
from workshop.realtime import socketio
from workshop.services import sharing
from workshop.services.rate_limit import OpRateLimiter


@pytest.fixture
def backend(app):
    backend = app.extensions["workshop"]
    backend.rate_limiter = OpRateLimiter("10000/second")
    return backend


@pytest.fixture
def room(backend):
    return agreed_room(backend)


def share_token(backend, room, **data) -> str:
    share_id = share(backend, room, **data)
    shares = sharing.overview(backend, room["id"], room["maria"], True)["shares"]
    return next(s["token"] for s in shares if s["id"] == share_id)


def api_token(backend, room, label="Wiki") -> tuple[str, str]:
    ack = send(backend, room["id"], room["maria"]["id"], "api_token.create", {"label": label})
    assert ack["ok"], ack
    return ack["event"]["data"]["id"], ack["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# ---- the share page ------------------------------------------------------------------------

def test_the_share_page_is_the_one_pager_not_indexed_and_not_framed(app, backend, room):
    token = share_token(backend, room)
    page = app.test_client().get(f"/p/{token}")
    assert page.status_code == 200 and "Anouk" in page.text
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert "Set-Cookie" not in page.headers  # a reader gets no session
    assert room["id"] not in page.text  # the workshop's id (and so its board) stays unknown


def test_the_operator_chooses_who_may_frame_it(sqlite_url, worker_pool, backend, room):
    token = share_token(backend, room)
    other = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                              async_mode="threading",
                              share_frame_ancestors="https://intranet.example"))
    other.extensions["workshop"].offload = worker_pool
    page = other.test_client().get(f"/p/{token}")
    assert "frame-ancestors https://intranet.example" in page.headers["Content-Security-Policy"]
    # Every other page still refuses frames.
    assert other.test_client().get("/").headers["X-Frame-Options"] == "DENY"
    other.extensions["workshop"].db.dispose()


def test_the_json_form_has_the_document_and_its_provenance(app, backend, room):
    token = share_token(backend, room)
    answer = app.test_client().get(f"/p/{token}.json")
    assert answer.status_code == 200 and answer.headers["X-Robots-Tag"].startswith("noindex")
    body = answer.get_json()
    assert body["meta"]["version"] == 1 and body["document"]["identity"]["name"] == "Anouk"
    item = body["document"]["sections"][0]["items"][0]
    assert item["provenance"]["original"] == "Pays every bill on her phone"
    assert "by" not in item["provenance"]["decision"]


def test_a_rotated_or_revoked_link_is_not_found_at_once(app, backend, room):
    token = share_token(backend, room)
    share_id = token[3:].split(".")[0]
    assert send(backend, room["id"], room["maria"]["id"], "share.rotate", {"id": share_id})["ok"]
    for path in (f"/p/{token}", f"/p/{token}.json"):
        gone = app.test_client().get(path)
        assert gone.status_code == 404 and gone.headers["X-Robots-Tag"].startswith("noindex")


def test_from_a_share_token_nothing_else_is_reachable(app, backend, room):
    token = share_token(backend, room)
    reader = app.test_client()
    assert reader.get(f"/p/{token}").status_code == 200
    # The board, the API (as a bearer token, as a link token) and the socket all refuse it.
    assert reader.get(f"/w/{room['id']}").status_code == 403
    assert reader.get(f"/api/workshops/{room['id']}", headers=bearer(token)).status_code == 401
    assert reader.get(f"/join/{token}").status_code == 404
    assert reader.post("/api/join", json={"token": token, "name": "Eve"}).status_code in (
        400, 404)
    assert reader.get(f"/api/workshops/{room['id']}/sharing").status_code == 401
    socket = socketio.test_client(app, flask_test_client=reader,
                                  auth={"workshop": room["id"], "token": token})
    assert not socket.is_connected()


# ---- API tokens -----------------------------------------------------------------------------

def get_routes(app, room) -> list[str]:
    """Every GET route of the workshop's JSON API, with this room's ids filled in."""
    values = {"workshop_id": room["id"], "persona_id": room["persona"], "number": "1",
              "note_id": "nope"}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.rule.startswith("/api/workshops/<workshop_id>"):
            # Exports: the persona's JSON, the workshop's CSV.
            values["extension"] = "csv" if "assumptions" in rule.rule else "json"
            paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule))
    return paths


def test_an_api_token_reads_every_get_endpoint(app, backend, room):
    _, token = api_token(backend, room)
    tool = app.test_client()  # no cookie at all
    facilitator_only = {f"/api/workshops/{room['id']}/links",
                        f"/api/workshops/{room['id']}/sharing"}
    paths = get_routes(app, room)
    assert len(paths) >= 10
    for path in paths:
        url = path + ("?from=1&to=1" if path.endswith("/diff") else
                      f"?persona={room['persona']}" if path.endswith("/duplicates") else "")
        answer = tool.get(url, headers=bearer(token))
        if path in facilitator_only:
            assert answer.status_code == 403, path
        elif path.endswith("/notes/nope"):
            assert answer.status_code == 404, path
        else:
            assert answer.status_code == 200, (path, answer.status_code, answer.data[:200])
    assert tool.get(f"/api/workshops/{room['id']}/personas/{room['persona']}/export.md",
                    headers=bearer(token)).status_code == 200


def write_routes(app, room) -> list[tuple[str, str]]:
    values = {"workshop_id": room["id"], "persona_id": room["persona"]}
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("socketio"):
            continue  # Engine.IO answers there; the socket's refusal is tested on its own
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
            routes.append((method, path))
    return routes


def test_an_api_token_never_writes_on_any_route(app, backend, room):
    _, token = api_token(backend, room)
    routes = write_routes(app, room)
    assert ("POST", f"/api/workshops/{room['id']}/ops") in routes and len(routes) >= 6
    # A facilitator's own browser sending the token too: still refused, token first.
    facilitator = app.test_client()
    assert facilitator.post("/api/join", json={
        "token": room["created"].facilitator_token, "name": "Maria"}).status_code in (200, 201)
    seq = sharing_seq(backend, room)
    for client in (app.test_client(), facilitator):
        for method, path in routes:
            answer = client.open(path, method=method, headers=bearer(token), json={
                "op_id": "x1", "type": "persona.add", "data": {"name": "Eve"}})
            assert answer.status_code == 403, (method, path, answer.status_code)
            assert answer.get_json()["error"]["code"] == "forbidden"
    assert sharing_seq(backend, room) == seq  # nothing changed


def sharing_seq(backend, room) -> int:
    from workshop.reads.snapshot import snapshot
    return snapshot(backend, room["id"], room["maria"])["seq"]


def test_a_token_is_stored_hashed_and_shown_once(app, backend, room):
    token_id, token = api_token(backend, room)
    secret = token.split(".", 1)[1]
    with backend.db.reading() as session:
        row = session.scalars(select(ApiToken)).one()
        assert secret not in (row.secret_hash, row.label, row.id)
    listed = app.test_client()
    listed.post("/api/join", json={"token": room["created"].facilitator_token, "name": "Maria"})
    overview = listed.get(f"/api/workshops/{room['id']}/sharing").get_json()
    assert overview["api_tokens"] == [{"id": token_id, "label": "Wiki",
                                       "created_at": overview["api_tokens"][0]["created_at"]}]
    assert secret not in repr(overview)


def test_a_token_reads_its_own_workshop_only(app, backend, room):
    _, token = api_token(backend, room)
    other = agreed_room(backend)
    assert app.test_client().get(f"/api/workshops/{other['id']}",
                                 headers=bearer(token)).status_code == 401


def test_a_token_sees_what_an_observer_sees(app, backend, room):
    _, token = api_token(backend, room)
    snapshot = app.test_client().get(f"/api/workshops/{room['id']}",
                                     headers=bearer(token)).get_json()
    assert snapshot["seq"] >= 1 and snapshot["me"]["role"] == "observer"


@pytest.mark.parametrize("header", ["Bearer ", "Bearer nonsense", "Bearer pwa_a.b",
                                    "bearer pwa_" + "x" * 200])
def test_bad_tokens_are_refused(app, room, header):
    answer = app.test_client().get(f"/api/workshops/{room['id']}",
                                   headers={"Authorization": header})
    assert answer.status_code == 401


def test_revocation_is_immediate_on_every_worker(sqlite_url, worker_pool, app, backend, room):
    """Two app instances on one database stand for two worker processes: a token revoked
    through one is refused by the other on its very next request (no cache to expire)."""
    token_id, token = api_token(backend, room)
    share = share_token(backend, room)
    second = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                               async_mode="threading"))
    second.extensions["workshop"].offload = worker_pool
    path = f"/api/workshops/{room['id']}"
    assert second.test_client().get(path, headers=bearer(token)).status_code == 200
    assert second.test_client().get(f"/p/{share}.json").status_code == 200
    assert send(backend, room["id"], room["maria"]["id"], "api_token.revoke",
                {"id": token_id})["ok"]
    assert send(backend, room["id"], room["maria"]["id"], "share.revoke",
                {"id": share[3:].split(".")[0]})["ok"]
    assert second.test_client().get(path, headers=bearer(token)).status_code == 401
    assert second.test_client().get(f"/p/{share}.json").status_code == 404
    second.extensions["workshop"].db.dispose()


# ---- the library ----------------------------------------------------------------------------

def test_the_library_lists_only_listed_workshops_and_searches(app, backend, room):
    hidden = agreed_room(backend)
    token = share_token(backend, room)
    assert send(backend, room["id"], room["maria"]["id"], "library.list", {"listed": True})["ok"]
    listed = app.test_client().get("/api/library").get_json()["personas"]
    assert [p["persona_id"] for p in listed] == [room["persona"]]
    assert listed[0]["share_path"] == f"/p/{token}" and listed[0]["last_reviewed"]
    assert hidden["persona"] not in repr(listed)
    page = app.test_client().get("/library?q=anouk")
    assert page.status_code == 200 and "Anouk" in page.text and f"/p/{token}" in page.text
    assert page.headers["X-Robots-Tag"].startswith("noindex")
    assert "Anouk" not in app.test_client().get("/library?q=ruben").text


def test_the_operator_can_turn_the_library_off(sqlite_url, worker_pool):
    off = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                            async_mode="threading", library=False))
    assert off.test_client().get("/library").status_code == 404
    assert off.test_client().get("/api/library").status_code == 404
    off.extensions["workshop"].db.dispose()


def test_the_share_page_says_when_the_persona_is_due_for_review(app, backend, room):
    from datetime import date, timedelta

    from workshop.domain.review import ReviewSettings
    token = share_token(backend, room)
    review_by = (date.today() + timedelta(days=180)).isoformat()
    assert f"Review by {review_by}" in app.test_client().get(f"/p/{token}").text
    backend.review = ReviewSettings(after_days=0)  # agreed today: due today
    page = app.test_client().get(f"/p/{token}").text
    assert f"Review due (review by {date.today().isoformat()})" in page


def test_the_answers_match_the_openapi_document(app, backend, room):
    from tests.web.test_openapi import conforms, documented

    token = share_token(backend, room)
    _, api = api_token(backend, room)
    assert send(backend, room["id"], room["maria"]["id"], "webhook.set",
                {"url": "https://hooks.example.org/p"})["ok"]
    assert send(backend, room["id"], room["maria"]["id"], "library.list", {"listed": True})["ok"]
    client = app.test_client()
    document = documented(client)
    conforms(document, "/p/{token}.json", "get", client.get(f"/p/{token}.json"))
    conforms(document, "/p/{token}.json", "get", client.get("/p/ps_nope.nope.json"))
    conforms(document, "/api/library", "get", client.get("/api/library?q=anouk"))
    conforms(document, "/api/workshops/{workshop_id}", "get",
             client.get(f"/api/workshops/{room['id']}", headers=bearer(api)))
    conforms(document, "/api/workshops/{workshop_id}", "get",
             client.get(f"/api/workshops/{room['id']}", headers=bearer(api + "x")))
    maria = app.test_client()
    maria.post("/api/join", json={"token": room["created"].facilitator_token, "name": "Maria"})
    conforms(document, "/api/workshops/{workshop_id}/sharing", "get",
             maria.get(f"/api/workshops/{room['id']}/sharing"))
    conforms(document, "/api/workshops/{workshop_id}/sharing", "get",
             client.get(f"/api/workshops/{room['id']}/sharing", headers=bearer(api)))
    assert set(document["webhooks"]) == {"document.agreed", "review.due", "usage.added"}
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
