"""Helpers for the browser tests: a workshop made over HTTP, people who join it in Chromium,
ops sent with a person's own cookie, and the board's notes and the document's fields found
the way a person finds them (by their text and their labels)."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import requests

BOARD_URL = re.compile(r"/w/[^/?#]+$")


def create_workshop(base_url: str) -> dict:
    """A workshop for Marketing and Support, made over HTTP: its links."""
    response = requests.post(base_url + "/api/workshops", timeout=10, json={
        "title": "Who rides our e-bikes?", "teams": ["Marketing", "Support"]})
    assert response.status_code == 201, response.text
    return response.json()


def join(person, link: str, name: str, team: str | None = None):
    """Open a link, join with a name (and team), and wait until the board is live."""
    from playwright.sync_api import expect

    someone = person(name)
    page = someone.page
    page.goto(link)
    page.fill("#name", name)
    if team is not None:
        page.fill("#team", team)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(BOARD_URL)
    page.wait_for_selector("#columns section.column")
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")
    return someone


def note(page, text: str):
    """The board's sticky note whose whole text is `text`."""
    return page.locator("li.note", has=page.locator(".note-text", has_text=re.compile(
        "^" + re.escape(text) + "$")))


def op(someone, workshop_id: str, type_: str, data: dict) -> dict:
    """An op over HTTP with this person's cookie (the browser context's own)."""
    body = {"op_id": uuid.uuid4().hex, "type": type_, "data": data}
    for _ in range(20):  # the rate limit (20 ops a second each) answers 429: the same op again
        response = someone.page.request.post(f"/api/workshops/{workshop_id}/ops", data=body)
        if response.status != 429:
            break
        time.sleep(0.25)
    assert response.status in (200, 201), response.text()
    return response.json()


def field(page, label: str):
    """The document field with exactly this label."""
    return page.get_by_label(label, exact=True)


def edit(page, label: str):
    """Open the document field with this label as a person does, by clicking its text (a
    field reads as text until then), and return its text box."""
    box = field(page, label)
    if not box.is_visible():
        page.locator(".field").filter(has=box).locator(".field-read").click()
    return box


@dataclass
class Room:
    """A workshop with a facilitator (Maria) and two participants of two teams, in browsers."""

    workshop_id: str
    persona_id: str
    links: dict
    maria: object
    sam: object
    lotte: object


def three_people(person, live_server) -> Room:
    """Maria facilitates; Sam (Support) and Lotte (Marketing) join; the first persona's id."""
    links = create_workshop(live_server.url)
    maria = join(person, links["facilitator_url"], "Maria")
    sam = join(person, links["invite_url"], "Sam", "Support")
    lotte = join(person, links["invite_url"], "Lotte", "Marketing")
    workshop_id = links["id"]
    persona = maria.page.request.get(f"/api/workshops/{workshop_id}").json()["personas"][0]["id"]
    return Room(workshop_id, persona, links, maria, sam, lotte)


class Member:
    """Someone who joined over HTTP, without a browser: enough to fill a board quickly."""

    def __init__(self, link: str, name: str, team: str | None = None):
        base, token = link.split("?")[0].rsplit("/join/", 1)
        self.base_url = base
        self.http = requests.Session()
        response = self.http.post(f"{base}/api/join", timeout=10,
                                  json={"token": token, "name": name, "team": team or ""})
        assert response.status_code in (200, 201), response.text
        self.workshop_id = response.json()["workshop_id"]

    def op(self, type_: str, data: dict) -> dict:
        """An op with this member's cookie, sent again while the rate limit answers 429."""
        body = {"op_id": uuid.uuid4().hex, "type": type_, "data": data}
        for _ in range(20):
            response = self.http.post(f"{self.base_url}/api/workshops/{self.workshop_id}/ops",
                                      json=body, timeout=10)
            if response.status_code != 429:
                break
            time.sleep(0.25)
        assert response.status_code in (200, 201), response.text
        return response.json()
