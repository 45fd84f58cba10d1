"""The session cookie stays bounded: a browser that joins 200 workshops keeps a cookie under
4 KB, holding its most recent memberships; the oldest expire first."""

from workshop import create_app
from workshop.config import Config
from workshop.web.sessions import MAX_MEMBERSHIPS

WORKSHOPS = 200


def cookie_value(client) -> str:
    return client.get_cookie("workshop_session").value


def test_a_browser_in_200_workshops_keeps_a_small_cookie_with_its_latest_memberships(
        sqlite_url):
    app = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                            async_mode="threading",
                            join_rate_per_address="1000/second"))
    app.testing = True
    browser, creator = app.test_client(), app.test_client()
    joined = []
    for n in range(WORKSHOPS):
        created = creator.post("/api/workshops", json={"title": f"Workshop {n}"}).get_json()
        token = created["invite_url"].rsplit("/", 1)[1]
        answer = browser.post("/api/join", json={"token": token, "name": "Sam",
                                                 "team": "Support"})
        assert answer.status_code == 201
        joined.append(created["id"])
        # A browser drops a cookie over 4,096 bytes (name, value and attributes together).
        assert len("workshop_session=" + cookie_value(browser)) < 3500, n

    def member_of(workshop_id):
        return browser.get(f"/api/workshops/{workshop_id}").status_code == 200

    recent, forgotten = joined[-MAX_MEMBERSHIPS:], joined[:-MAX_MEMBERSHIPS]
    assert all(member_of(w) for w in recent)
    assert not any(member_of(w) for w in forgotten)

    # Opening a board makes it the most recent, so it outlives those joined after it.
    oldest_kept = recent[0]
    assert browser.get(f"/w/{oldest_kept}").status_code == 200
    created = creator.post("/api/workshops", json={"title": "One more"}).get_json()
    browser.post("/api/join", json={"token": created["invite_url"].rsplit("/", 1)[1],
                                    "name": "Sam", "team": "Support"})
    assert member_of(oldest_kept) and member_of(created["id"])
    assert not member_of(recent[1])  # now the oldest, it went first
