"""HTML pages: start, join, board."""

import json
import re


def create_and_join(client, name="Sam", team="Support"):
    body = client.post("/api/workshops", json={"title": "Energy coach"}).get_json()
    token = body["invite_url"].rsplit("/join/", 1)[1]
    client.post("/api/join", json={"token": token, "name": name, "team": team})
    return body["id"], token


def test_the_start_page_offers_to_create_a_workshop(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="create-form"' in html and "<script>" not in html


def test_an_invalid_link_says_so(client):
    response = client.get("/join/abc.def")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


def test_the_join_page_lists_the_workshops_teams(client):
    body = client.post("/api/workshops", json={"title": "T", "teams": ["Sales", "Legal"]})
    token = body.get_json()["invite_url"].rsplit("/join/", 1)[1]
    html = client.get(f"/join/{token}").get_data(as_text=True)
    assert '<option value="Sales">' in html and '<option value="Legal">' in html


def test_reopening_the_invite_link_goes_straight_back_to_the_board(client):
    workshop_id, token = create_and_join(client)
    response = client.get(f"/join/{token}")
    assert response.status_code == 302 and response.location.endswith(f"/w/{workshop_id}")


def test_the_board_needs_membership(app, client):
    workshop_id, _ = create_and_join(client)
    assert app.test_client().get(f"/w/{workshop_id}").status_code == 403


def test_the_board_embeds_a_snapshot_that_hostile_text_cannot_break_out_of(client):
    workshop_id, _ = create_and_join(client)
    snapshot = client.get(f"/api/workshops/{workshop_id}").get_json()
    hostile = "</script><script>alert(1)</script>"
    client.post(f"/api/workshops/{workshop_id}/ops", json={
        "op_id": "x", "type": "assumption.add",
        "data": {"persona_id": snapshot["personas"][0]["id"], "category": "goals",
                 "text": hostile}})
    html = client.get(f"/w/{workshop_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    embedded = re.search(r'<script type="application/json" id="snapshot">(.*?)</script>', html,
                         re.S).group(1)
    assert json.loads(embedded)["assumptions"][0]["text"] == hostile


def test_the_join_screen_shows_the_invite_link_as_a_qr_code_to_the_facilitator_only(app, client):
    import segno

    body = client.post("/api/workshops", json={"title": "Energy coach"}).get_json()
    facilitator_token = body["facilitator_url"].rsplit("/join/", 1)[1]
    client.post("/api/join", json={"token": facilitator_token, "name": "Maria"})
    page = client.get(f"/w/{body['id']}/join-screen")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert body["invite_url"] in html and "<script" not in html.split("</main>")[0]
    # The SVG is exactly segno's drawing of the invite URL (no other data in the code).
    [svg] = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    expected = segno.make(body["invite_url"], error="m", micro=False)
    assert expected.svg_inline(scale=1, border=4, dark="#1f2430", light="#ffffff",
                               omitsize=True, svgclass="join-qr-code") == svg

    participant = app.test_client()
    token = body["invite_url"].rsplit("/join/", 1)[1]
    participant.post("/api/join", json={"token": token, "name": "Sam", "team": "Sales"})
    refused = participant.get(f"/w/{body['id']}/join-screen")
    assert refused.status_code == 403 and token not in refused.get_data(as_text=True)
    assert app.test_client().get(f"/w/{body['id']}/join-screen").status_code == 403


def test_the_presenter_view_is_the_board_in_present_mode(client):
    workshop_id, _ = create_and_join(client)
    html = client.get(f"/w/{workshop_id}?present").get_data(as_text=True)
    assert "present-mode" in html and 'id="present-banner"' in html
    assert "present-mode" not in client.get(f"/w/{workshop_id}").get_data(as_text=True)
