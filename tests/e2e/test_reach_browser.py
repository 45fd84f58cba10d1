"""Reach in real browsers: the facilitator shares an agreed persona, makes an API token and a
webhook on the sharing page; a reader with no cookie opens the share link and can reach
nothing else of the workshop with it (board, API, socket); the webhook's loopback receiver
gets a signed delivery that the history shows; rotating the link retires the old one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.axe import audit
from tests.e2e.browsing import create_workshop, join, op
from tests.e2e.conftest import LiveServer
from tests.webhook_receiver import Receiver

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = Path("/tmp/shots-p28-reach")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The served app, with webhooks to loopback allowed (the receiver runs here)."""
    server = LiveServer(tmp_path_factory.mktemp("reach"))
    server.env["WORKSHOP_WEBHOOK_ALLOW_PRIVATE"] = "1"
    server.env["WORKSHOP_WEBHOOK_RETRY_BASE"] = "1"
    with server.serving():
        yield server


def agreed_persona(maria, sam, workshop_id: str, notes: int = 1) -> str:
    """Sam's notes accepted, merged and agreed as version 1 named Anouk; the persona id."""
    persona = op(maria, workshop_id, "persona.rename", {
        "id": maria.page.evaluate("() => JSON.parse(document.getElementById('snapshot')"
                                  ".textContent).personas[0].id"), "name": "Anouk"})
    persona_id = persona["event"]["data"]["id"]
    texts = ["Pays every bill on her phone", "Reads reviews in the evening",
             "Prefers WhatsApp over phone calls", "Wants to cut the bill before winter"]
    categories = ["behaviours", "behaviours", "channels", "goals"]
    for text, category in list(zip(texts, categories, strict=True))[:notes]:
        note = op(sam, workshop_id, "assumption.add",
                  {"persona_id": persona_id, "category": category, "text": text})
        op(maria, workshop_id, "decision.set", {
            "target_type": "assumption", "target_id": note["event"]["data"]["assumption"]["id"],
            "decision": "accepted"})
    op(maria, workshop_id, "phase.set", {"phase": "merge"})
    op(maria, workshop_id, "document.create", {"persona_id": persona_id})
    for path, value in (("identity.name", "Anouk"), ("identity.role", "Home owner, 38"),
                        ("identity.quote", "Tell me what pays back first."),
                        ("identity.location", "Utrecht")):
        op(sam, workshop_id, "document.save",
           {"persona_id": persona_id, "path": path, "value": value, "base_rev": 0})
    op(maria, workshop_id, "document.agree", {"persona_id": persona_id, "number": 1})
    return persona_id


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # the sticky top bar where it belongs
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_share_a_persona_and_nothing_else_is_reachable(person, browser, live_server):
    from playwright.sync_api import expect

    created = create_workshop(live_server.url)
    workshop_id = created["id"]
    maria = join(person, created["facilitator_url"], "Maria")
    sam = join(person, created["invite_url"], "Sam", "Support")
    persona_id = agreed_persona(maria, sam, workshop_id, notes=4)

    # The facilitator finds the sharing page from the board and makes a share link.
    page = maria.page
    page.reload()
    page.get_by_role("link", name="Share and connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share and connect")
    page.get_by_label("Persona", exact=True).select_option(persona_id)
    page.get_by_role("button", name="Create share link").click()
    link_input = page.get_by_label("Share link for Anouk")
    expect(link_input).to_have_value(re.compile(r"/p/ps_"))
    share_url = link_input.input_value()

    # An API token, shown once.
    page.get_by_label("What is it for?").fill("Intranet wiki")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("The new API token")
    expect(token).to_have_value(re.compile(r"^pwa_"))
    api_token = token.input_value()
    expect(page.get_by_text("Intranet wiki", exact=True)).to_be_visible()

    with Receiver() as receiver:
        # A webhook to a loopback receiver; the next agreement reaches it, signed.
        page.get_by_label("Receiver URL").fill(receiver.url)
        page.get_by_role("button", name="Turn on").click()
        secret = page.get_by_label("Signing secret")
        expect(secret).not_to_have_value("")
        receiver.secret = secret.input_value()
        reopened = op(sam, workshop_id, "document.save", {
            "persona_id": persona_id, "path": "identity.role", "value": "Home owner, 39",
            "base_rev": 1, "reopen": True})
        number = reopened["event"]["data"]["started"]["number"]
        op(maria, workshop_id, "document.agree", {"persona_id": persona_id, "number": number})
        delivered = receiver.wait_for(1)
    assert delivered and delivered[0]["verified"], delivered
    page.reload()
    history = page.get_by_role("table", name="Delivery history")
    expect(history).to_contain_text("document.agreed")
    expect(history).to_contain_text("Delivered")

    # A reader in a fresh context, without any cookie, opens the share link.
    reader_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        reader = reader_context.new_page()
        answer = reader.goto(share_url)
        assert answer.status == 200
        assert answer.headers["x-robots-tag"] == "noindex, nofollow"
        expect(reader.get_by_role("heading", level=1)).to_have_text("Anouk")
        expect(reader.locator("body")).to_contain_text("Pays every bill on her phone")
        assert reader_context.cookies() == []
        share_token = share_url.rsplit("/p/", 1)[1]
        base = live_server.url
        # The board refuses, the API refuses the share token as a bearer and as a link token,
        # and the socket refuses it.
        board = reader.request.get(f"{base}/w/{workshop_id}")
        assert board.status == 403
        api = reader.request.get(f"{base}/api/workshops/{workshop_id}",
                                 headers={"Authorization": f"Bearer {share_token}"})
        assert api.status == 401
        assert reader.request.get(f"{base}/api/workshops/{workshop_id}").status == 401
        assert reader.request.get(f"{base}/join/{share_token}").status == 404
        refusal = reader.evaluate("""async ([workshop, token]) => {
            const { io } = await import("/static/vendor/socket.io.esm.min.js");
            return await new Promise((resolve) => {
              const socket = io({ auth: { workshop, token }, reconnection: false,
                                  transports: ["websocket"] });
              socket.on("connect", () => { socket.close(); resolve("connected"); });
              socket.on("connect_error", (error) => { socket.close();
                resolve(error.data?.code ?? error.message); });
            });
        }""", [workshop_id, share_token])
        assert refusal == "forbidden"
        # The same API token reads the workshop but never writes.
        snapshot = reader.request.get(f"{base}/api/workshops/{workshop_id}",
                                      headers={"Authorization": f"Bearer {api_token}"})
        assert snapshot.status == 200 and snapshot.json()["me"]["role"] == "observer"
        write = reader.request.post(f"{base}/api/workshops/{workshop_id}/ops",
                                    headers={"Authorization": f"Bearer {api_token}"},
                                    data={"op_id": "w1", "type": "persona.add",
                                          "data": {"name": "Eve"}})
        assert write.status == 403
        reader.goto(share_url)
        assert audit(reader) == []
        shot(reader, "share-1280")
        reader.set_viewport_size({"width": 390, "height": 844})
        shot(reader, "share-390")

        # Rotating asks first; then the old link is gone at once.
        page.get_by_role("button", name="New link").click()
        page.get_by_role("group").get_by_role("button", name="New link").click()
        expect(page.get_by_label("Share link for Anouk")).not_to_have_value(share_url)
        assert reader.goto(share_url).status == 404
        expect(reader.get_by_role("heading", level=1)).to_have_text("This link does not work")
    finally:
        reader_context.close()

    # The facilitator lists the workshop in the library.
    page.get_by_label("List this workshop's agreed personas in the library").check()
    expect(page.get_by_label("List this workshop's agreed personas in the library")).to_be_checked()
    assert audit(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "sharing-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "sharing-390")
    assert audit(page) == []
    page.goto("/library?q=utrecht")
    expect(page.get_by_role("heading", name="Anouk")).to_be_visible()
    assert audit(page) == []
    shot(page, "library-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "library-1280")
    page.goto(f"/w/{workshop_id}/sharing?lang=nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delen en koppelen")
    assert audit(page) == []
    shot(page, "sharing-nl-1280")
