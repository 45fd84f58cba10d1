"""The socket is for members: a read-only API token or a share link never opens one, even
beside a member's cookie."""

from __future__ import annotations

import pytest

from tests.helpers import send
from tests.reach_fixtures import agreed_room, share
from workshop.realtime import socketio
from workshop.services import sharing
from workshop.services.rate_limit import OpRateLimiter


@pytest.fixture
def room(app):
    backend = app.extensions["workshop"]
    backend.rate_limiter = OpRateLimiter("10000/second")
    return agreed_room(backend)


def member_browser(app, room):
    browser = app.test_client()
    assert browser.post("/api/join", json={"token": room["created"].facilitator_token,
                                           "name": "Maria"}).status_code in (200, 201)
    return browser


def test_a_member_connects(app, room):
    client = socketio.test_client(app, flask_test_client=member_browser(app, room),
                                  auth={"workshop": room["id"]})
    assert client.is_connected()
    client.disconnect()


def test_an_api_token_is_refused_even_beside_a_cookie(app, room):
    backend = app.extensions["workshop"]
    token = send(backend, room["id"], room["maria"]["id"], "api_token.create",
                 {"label": "Tool"})["token"]
    for browser in (app.test_client(), member_browser(app, room)):
        client = socketio.test_client(app, flask_test_client=browser,
                                      auth={"workshop": room["id"]},
                                      headers={"Authorization": f"Bearer {token}"})
        assert not client.is_connected()


def test_a_share_token_is_refused(app, room):
    backend = app.extensions["workshop"]
    share_id = share(backend, room)
    token = next(s["token"] for s in sharing.overview(backend, room["id"], room["maria"],
                                                      True)["shares"] if s["id"] == share_id)
    for auth in ({"workshop": room["id"], "token": token}, {"token": token}):
        client = socketio.test_client(app, flask_test_client=app.test_client(), auth=auth)
        assert not client.is_connected()
