"""Setting up a workshop over HTTP, as people would: create it, join it, add the seed notes."""

from __future__ import annotations

import concurrent.futures
import time

import requests

TEAMS = ["Marketing", "Sales", "Support", "Product"]
SEED_NOTES = 20


def token(link: str) -> str:
    """The token at the end of an invite or facilitator link."""
    return link.rsplit("/", 1)[-1]


def join(base: str, token: str, name: str, team: str) -> str:
    """POST /api/join; returns the session cookie header value."""
    http = requests.Session()
    response = http.post(base + "/api/join", json={"token": token, "name": name, "team": team},
                         timeout=30)
    response.raise_for_status()
    return f"workshop_session={http.cookies['workshop_session']}"


def setup_workshop(bases: list[str], participants: int, notes: int = SEED_NOTES,
                   joining_at_once: int = 4) -> dict:
    """A workshop, a facilitator with `notes` seed notes, and `participants` members
    (joined round-robin through `bases`, `joining_at_once` at a time, each member's cookie
    for its worker); `join_s` is how long the members' joins took."""
    base = bases[0]
    created = requests.post(base + "/api/workshops", timeout=30,
                            json={"title": "Bench session", "teams": TEAMS}).json()
    facilitator = join(base, token(created["facilitator_url"]), "Facilitator", "Product")
    headers = {"Cookie": facilitator}
    snap = requests.get(f"{base}/api/workshops/{created['id']}", headers=headers,
                        timeout=30).json()
    persona_id = snap["personas"][0]["id"]
    note_ids = []
    for n in range(notes):
        ack = requests.post(f"{base}/api/workshops/{created['id']}/ops", headers=headers,
                            timeout=30, json={"op_id": f"seed-{n}", "type": "assumption.add",
                                              "data": {"persona_id": persona_id,
                                                       "category": "needs",
                                                       "text": f"Seed note {n}"}}).json()
        note_ids.append(ack["event"]["data"]["assumption"]["id"])
    invite = token(created["invite_url"])

    def one(i: int) -> dict:
        url = bases[i % len(bases)]
        return {"url": url, "cookie": join(url, invite, f"Person {i}", TEAMS[i % len(TEAMS)])}

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(joining_at_once) as pool:
        clients = list(pool.map(one, range(participants)))
    return {"workshop": created["id"], "persona_id": persona_id, "note_ids": note_ids,
            "clients": clients, "facilitator": facilitator,
            "join_s": round(time.monotonic() - started, 2)}

