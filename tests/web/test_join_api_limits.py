"""POST /api/join under its limits: 429 with JSON, counted per client address (behind a
trusted proxy, the address it forwards)."""

from workshop import create_app
from workshop.config import Config


def app_with(sqlite_url, **settings):
    app = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                            async_mode="threading", **settings))
    app.testing = True  # an exception in a view reaches the test, not a 500 page
    return app


def invite_token(client) -> str:
    created = client.post("/api/workshops", json={"title": "Limits"}).get_json()
    return created["invite_url"].rsplit("/", 1)[1]


def join(app, token, name, **environ):
    """A fresh browser joins; returns the response."""
    return app.test_client().post("/api/join", json={"token": token, "name": name,
                                                     "team": "Support"},
                                  environ_base=environ)


def test_a_join_past_the_address_limit_is_answered_429_with_json(sqlite_url):
    app = app_with(sqlite_url, join_rate_per_address="2/minute")
    token = invite_token(app.test_client())
    assert [join(app, token, f"P{n}").status_code for n in range(2)] == [201, 201]
    refused = join(app, token, "P2")
    assert refused.status_code == 429
    assert refused.get_json() == {"error": {
        "code": "rate_limited", "reason": "joins_from_address",
        "message": "too many joins from your network at once: wait a minute and try again"}}
    assert refused.headers["Retry-After"] == "1"  # RFC 9110: seconds before trying again
    assert "workshop_session" not in refused.headers.get("Set-Cookie", "")
    assert join(app, token, "Elsewhere", REMOTE_ADDR="198.51.100.7").status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(sqlite_url):
    app = app_with(sqlite_url, join_rate_per_address="1/minute", trusted_proxies=1)
    token = invite_token(app.test_client())
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    assert join(app, token, "A", **first).status_code == 201
    assert join(app, token, "B", **first).status_code == 429
    # Same proxy (REMOTE_ADDR), another client behind it.
    assert join(app, token, "C", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 201


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(sqlite_url):
    app = app_with(sqlite_url, join_rate_per_address="1/minute")
    token = invite_token(app.test_client())
    assert join(app, token, "A", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 201
    assert join(app, token, "B", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_a_join_with_a_thirteenth_team_is_answered_422(sqlite_url):
    app = app_with(sqlite_url)
    client = app.test_client()
    created = client.post("/api/workshops", json={
        "title": "Twelve", "teams": [f"Team {n}" for n in range(12)]}).get_json()
    token = created["invite_url"].rsplit("/", 1)[1]
    response = app.test_client().post("/api/join", json={"token": token, "name": "Max",
                                                         "team": "Team 13"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "limit"
