"""Hostile research notes in a real browser: XSS vectors in titles, bodies, tags and quotes are
shown in the library, the reader, search results, the editor's preview, evidence badges and
the import preview, and nothing runs: no dialog, no sentinel, no CSP violation. Every page is
served with a Content-Security-Policy that forbids inline script, and works under it."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from tests.e2e.browsing import BOARD_URL, create_workshop, note

pytestmark = [pytest.mark.live, pytest.mark.browser]

SENTINEL = "window.__pwned"
TITLE = "<img src=x onerror=\"window.__pwned='title'\"> hostile interview"
TAGS = ["<svg onload=alert('tag')>", "\"><script>alert(1)</script>"]
IMG = "<img src=x onerror=\"window.__pwned='img'\">"
BODY = "\n\n".join([
    "Hostile interview notes.",
    "<script>window.__pwned='script'; alert('script')</script>",
    IMG,
    "<svg onload=\"window.__pwned='svg'\"><circle r=5></circle></svg>",
    "[click me](javascript:window.__pwned='md-link')",
    "<a href=\"javascript:window.__pwned='raw-link'\">raw link</a>",
    "<a href=\"jav&#x09;ascript:window.__pwned='entity'\">entity link</a>",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<div onmouseover=\"window.__pwned='hover'\" style=\"position:fixed;inset:0\">hover</div>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned='mxss'>\"></noscript>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned='math'>",
    "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
    "<form><button formaction=\"javascript:window.__pwned='form'\">go</button></form>",
    "<details open ontoggle=\"window.__pwned='toggle'\">details</details>",
    "![img](x\" onerror=\"window.__pwned='md-img')",
])
ASSUMPTION = "Trusts \"<b>bold</b>\" claims <img src=x onerror=alert(1)>"

HOSTILE_MD = (
    b"---\ntitle: \"<img src=x onerror=window.__pwned='import-title'>\"\n"
    b"tags: [\"<svg onload=alert(2)>\"]\n---\n"
    b"<script>window.__pwned='import-body'</script> imported hostile body\n")
HOSTILE_CSV = (b"title,type,body\n"
               b"\"<img src=x onerror=window.__pwned='csv'>\",gossip,"
               b"\"<script>alert(3)</script>\"\n"
               )

# Recorded in every page before its own scripts run: CSP violations and the sentinel.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def member(base: str, link: str, name: str, team: str = "") -> requests.Session:
    token = link.rsplit("/join/", 1)[1]
    session = requests.Session()
    answer = session.post(base + "/api/join", json={"token": token, "name": name, "team": team},
                          timeout=10)
    assert answer.status_code in (200, 201), answer.text
    session.workshop = answer.json()["workshop_id"]
    return session


def op(base: str, session: requests.Session, type_: str, data: dict) -> dict:
    answer = session.post(f"{base}/api/workshops/{session.workshop}/ops", timeout=10,
                          json={"op_id": uuid.uuid4().hex, "type": type_, "data": data})
    assert answer.status_code == 201, answer.text
    return answer.json()["event"]["data"]


def join_watched(person, link: str, name: str, team: str, documents: list):
    """Join in a browser that records dialogs, CSP violations and every page's headers."""
    from playwright.sync_api import expect

    someone = person(name)
    page = someone.page
    page.add_init_script(WATCH)
    someone.dialogs = []
    page.on("dialog", lambda dialog: (someone.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("response", lambda response: documents.append(
        (response.url, response.headers.get("content-security-policy", "")))
        if response.request.resource_type == "document" else None)
    page.goto(link)
    page.fill("#name", name)
    page.fill("#team", team)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(BOARD_URL)
    expect(page.locator("#conn-status")).to_have_attribute("data-state", "live")
    return someone


def close_popups(page) -> None:
    """Links in notes open in new tabs (a sanitised relative href may 403 there): close them."""
    for other in page.context.pages:
        if other is not page:
            other.close()
    assert BOARD_URL.search(page.url), page.url  # the board itself never navigated away


def assert_nothing_ran(someone) -> None:
    page = someone.page
    assert page.evaluate(f"typeof {SENTINEL}") == "undefined", page.evaluate(SENTINEL)
    assert someone.dialogs == []
    assert page.evaluate("window.__violations") == []
    # A payload may survive as an inert <img src="x">: its 404 is not a script running.
    someone.errors[:] = [e for e in someone.errors if "Failed to load resource" not in e]
    assert not [e for e in someone.errors if "Content Security Policy" in e], someone.errors


def test_hostile_notes_render_inert_everywhere(person, live_server):
    from playwright.sync_api import expect

    base = live_server.url
    links = create_workshop(base)
    sam = member(base, links["invite_url"], "Sam <script>alert('name')</script>", "Support")
    persona = requests.get(f"{base}/api/workshops/{sam.workshop}", cookies=sam.cookies,
                           timeout=10).json()["personas"][0]["id"]
    target = op(base, sam, "assumption.add", {"persona_id": persona, "category": "goals",
                                              "text": ASSUMPTION})["assumption"]["id"]
    hostile = op(base, sam, "research_note.add", {"title": TITLE, "source_type": "interview",
                                                  "body": BODY, "tags": TAGS})["note"]
    op(base, sam, "evidence.link", {"note_id": hostile["id"], "assumption_id": target,
                                    "relation": "contradicts", "quote": IMG})

    documents: list = []
    pat = join_watched(person, links["invite_url"], "Pat", "Marketing", documents)
    page = pat.page

    # The board: the badge and the passage list show the quote and title as text.
    badge = note(page, ASSUMPTION).locator(".ev-badge")
    expect(badge).to_have_attribute("data-state", "contradicted")
    badge.click()
    panel = note(page, ASSUMPTION).locator(".ev-panel")
    expect(panel.locator(".ev-quote")).to_have_text(IMG)
    expect(panel.locator(".ev-open")).to_have_text(TITLE)

    # The reader, opened from the badge: sanitised HTML, with the passage found or not.
    panel.locator(".ev-open").click()
    reader = page.locator(".lib-reader")
    expect(reader.locator(".lib-reader-title")).to_have_text(TITLE)
    expect(reader.locator(".lib-tag")).to_have_text([f"#{tag}" for tag in TAGS])
    body = reader.locator("#lib-body")
    expect(body).to_contain_text("Hostile interview notes.")
    assert body.locator("script, iframe, svg, math, form, img[onerror], [onload], [onmouseover]"
                        ", [ontoggle]").count() == 0
    hrefs = body.locator("a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
    for anchor in body.locator("a").all():
        anchor.click()
    close_popups(page)
    body.locator("div, details, p").first.hover()
    expect(reader.locator(".lib-link-quote")).to_have_text(IMG)

    # The library list and search results (title_html and snippet_html with <mark>).
    expect(page.locator(".lib-item-title")).to_have_text([TITLE])
    page.locator("#lib-search").fill("hostile")
    expect(page.locator(".lib-item-title mark")).to_have_text(["hostile"])
    assert page.locator(".lib-list img, .lib-list script, .lib-list svg").count() == 0
    page.locator("#lib-search").fill("")

    # The editor's live preview of the same hostile Markdown.
    page.locator("#lib-new").click()
    page.locator("#lib-ed-title").fill(TITLE)
    page.locator("#lib-ed-body").fill(BODY)
    preview = page.locator("#lib-ed-preview")
    expect(preview).to_contain_text("Hostile interview notes.")
    assert preview.locator("script, iframe, svg, math, form, img[onerror], [onload]").count() == 0
    for anchor in preview.locator("a").all():
        anchor.click()
    close_popups(page)
    page.get_by_role("button", name="Cancel").click()

    # The import preview: hostile front matter and a hostile bad CSV row.
    page.locator("#lib-import-open").click()
    dialog = page.locator("dialog.imp-dialog")
    dialog.locator("#imp-files").set_input_files([
        {"name": "<img src=x onerror=alert(4)>.md", "mimeType": "text/markdown",
         "buffer": HOSTILE_MD},
        {"name": "rows.csv", "mimeType": "text/csv", "buffer": HOSTILE_CSV}])
    expect(dialog.locator(".imp-problems li")).not_to_have_count(0)
    expect(dialog.locator(".imp-table tbody .imp-note-title")).to_have_text(
        ["<img src=x onerror=window.__pwned='import-title'>"])
    expect(dialog.locator("#imp-submit")).to_be_disabled()
    assert dialog.locator("img, script, svg").count() == 0
    pat.errors[:] = [e for e in pat.errors if "status of 422" not in e]  # the dry run's answer
    dialog.get_by_role("button", name="Cancel").click()

    assert_nothing_ran(pat)

    # Every page came with a CSP that forbids inline script.
    assert documents
    for url, policy in documents:
        directives = dict((part.strip().split(" ", 1) + [""])[:2]
                          for part in policy.split(";") if part.strip())
        script = directives.get("script-src", directives.get("default-src", ""))
        assert script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, (
            url, policy)
        assert "'self'" in script, (url, policy)
