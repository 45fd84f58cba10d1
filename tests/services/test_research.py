"""Research notes and evidence links through the one write path (SQLite and PostgreSQL)."""

import pytest

from tests.helpers import add_note, add_research, make_member, make_room, send
from workshop.ops import research
from workshop.reads.snapshot import snapshot
from workshop.rendering import render_markdown


@pytest.fixture
def room(backend):
    """A workshop with a facilitator and two participants of different teams."""
    return make_room(backend, "maria", "sam", "lotte")


def snap(backend, room, who="sam"):
    return snapshot(backend, room["id"], room[who])


def test_a_note_is_stored_raw_and_travels_rendered_and_sanitised(backend, room):
    note = add_research(backend, room["id"], room["sam"],
                        body="Said: **slow** <script>alert(1)</script>",
                        tags=["Mobile", "forms", "mobile "], date="2026-10-02",
                        respondents=1)
    assert note["body"] == "Said: **slow** <script>alert(1)</script>"
    assert "<strong>slow</strong>" in note["body_html"]
    assert "<script" not in note["body_html"]
    assert note["tags"] == ["Mobile", "forms"]  # duplicates differ only in case and space
    assert snap(backend, room, "lotte")["notes"] == [note]


LONG_BODY = "".join(f"- Point {i}: pays **every** bill <b>on her phone</b>\n" for i in range(120))


def test_long_markdown_is_rendered_in_a_worker_before_the_transaction(backend, room):
    assert len(LONG_BODY) > research.RENDER_ELSEWHERE_CHARS
    prepared = research.render_bodies(backend.offload, {"title": "t", "body": LONG_BODY})
    assert prepared == {LONG_BODY: render_markdown(LONG_BODY)}
    # From an import's notes too; whatever is not a body is left for validation to refuse.
    assert research.render_bodies(backend.offload, {"notes": [
        {"body": LONG_BODY}, {"body": 3}, "junk", {"body": LONG_BODY}]}) == prepared
    # Short bodies cost less to render than a trip to a worker.
    assert research.render_bodies(backend.offload, {"body": "short"}) == {}
    assert research.render_bodies(backend.offload, ["not", "a", "payload"]) == {}
    note = add_research(backend, room["id"], room["sam"], body=LONG_BODY)
    assert note["body_html"] == render_markdown(LONG_BODY)
    assert "<strong>every</strong>" in note["body_html"] and "<b>" not in note["body_html"]


def test_note_fields_are_validated_and_a_refusal_changes_nothing(backend, room):
    bad = [
        {"title": "", "source_type": "interview", "body": "x"},
        {"title": "T", "source_type": "gossip", "body": "x"},
        {"title": "T", "source_type": "survey", "body": "x", "date": "2026-02-30"},
        {"title": "T", "source_type": "survey", "body": "x", "respondents": -1},
        {"title": "T", "source_type": "survey", "body": "x" * 20_001},
        {"title": "T", "source_type": "survey", "body": "x", "tags": ["a"] * 21},
        {"title": "T", "source_type": "survey", "body": "nul \x00 byte"},
    ]
    before = snap(backend, room)
    for data in bad:
        ack = send(backend, room["id"], room["sam"]["id"], "research_note.add", data)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", data
    assert snap(backend, room)["seq"] == before["seq"]


def test_edit_changes_only_the_given_fields_and_keeps_what_they_were(backend, room):
    note = add_research(backend, room["id"], room["sam"], date="2026-10-02", respondents=3)
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
               {"id": note["id"], "body": "New *body*", "clear": ["respondents"]})
    assert ack["ok"], ack
    edited = ack["event"]["data"]
    assert edited["note"]["body_html"] == "<p>New <em>body</em></p>"
    assert edited["note"]["respondents"] is None and edited["note"]["date"] == "2026-10-02"
    assert edited["previous"] == {"body": note["body"], "respondents": 3}


def test_an_edit_from_a_stale_base_is_refused_with_both_versions(backend, room):
    note = add_research(backend, room["id"], room["sam"], title="Visit")
    base = note["updated_seq"]
    # Maria (facilitator) saves first; Sam's editor still rests on the note as it was.
    theirs = send(backend, room["id"], room["maria"]["id"], "research_note.edit",
                  {"id": note["id"], "title": "Home visit", "base_seq": base})
    assert theirs["ok"], theirs
    before = snap(backend, room)
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
               {"id": note["id"], "body": "My version", "clear": ["date"], "base_seq": base})
    assert ack["ok"] is False and ack["error"]["code"] == "conflict"
    assert ack["error"]["message"] == ("someone saved this note after you started editing: "
                                       "compare both versions and save again")
    details = ack["error"]["details"]
    assert details["current"] == theirs["event"]["data"]["note"]
    assert details["yours"] == {"body": "My version", "date": None}
    assert details["base_seq"] == base
    after = snap(backend, room)  # nothing changed
    assert after["seq"] == before["seq"] and after["notes"] == before["notes"]
    # Saving again on the current version goes through (and keeps their title).
    again = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
                 {"id": note["id"], "body": "My version",
                  "base_seq": details["current"]["updated_seq"]})
    assert again["ok"], again
    assert again["event"]["data"]["note"]["title"] == "Home visit"
    assert again["event"]["data"]["note"]["body"] == "My version"


def test_an_edit_without_a_base_is_last_writer_wins_as_before(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    send(backend, room["id"], room["sam"]["id"], "research_note.edit",
         {"id": note["id"], "title": "A"})
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
               {"id": note["id"], "title": "B"})
    assert ack["ok"] and ack["event"]["data"]["note"]["title"] == "B"
    refused = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
                   {"id": note["id"], "title": "C", "base_seq": -1})
    assert refused["error"]["code"] == "invalid"


def test_only_the_author_or_the_facilitator_changes_a_note(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    refused = send(backend, room["id"], room["lotte"]["id"], "research_note.delete",
                   {"id": note["id"]})
    assert refused["error"]["code"] == "forbidden"
    assert send(backend, room["id"], room["maria"]["id"], "research_note.delete",
                {"id": note["id"]})["ok"]


def test_observers_cannot_add_notes(backend, room):
    watcher = make_member(backend, room["created"].observer_token, "Obi", "")
    ack = send(backend, room["id"], watcher["id"], "research_note.add",
               {"title": "T", "source_type": "other", "body": ""})
    assert ack["error"]["code"] == "forbidden"


def link(backend, room, who, note, target, relation="supports", quote="far too long",
         kind="assumption_id"):
    return send(backend, room["id"], room[who]["id"], "evidence.link",
                {"note_id": note["id"], kind: target, "relation": relation, "quote": quote})


def test_a_passage_links_to_an_assumption_and_everyone_sees_it(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    item = add_note(backend, room["id"], room["lotte"], "Finds our forms slow")
    target = item["event"]["data"]["assumption"]["id"]
    ack = link(backend, room, "lotte", note, target, quote="far  too LONG on her")
    assert ack["ok"], ack
    assert ack["event"]["type"] == "evidence.linked"
    assert snap(backend, room, "maria")["evidence"] == [ack["event"]["data"]["link"]]


def test_a_quote_must_be_a_passage_of_the_note(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    item = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    ack = link(backend, room, "sam", note, item, quote="loves long forms")
    assert ack["error"] == {"code": "invalid",
                            "message": "quote: the passage is not in this research note"}


FORMATTED = ("Anna **pays every bill on her phone**, usually on the *tram*. "
             "She reads [the bank's app](https://bank.example)'s messages.\n\n"
             "- never opens letters\n- wants a push message instead\n")


@pytest.mark.parametrize(("quote", "found"), [
    ("pays every bill on her phone, usually", True),       # across bold
    ("usually on the tram.", True),                         # across italic
    ("the bank's app's messages", True),                    # across a link
    ("never opens letters wants a push", True),             # across list items
    ("Instead", True),                                      # case does not matter
    ("phone , usually", False),                             # a space formatting did not add
    ("the tram . She", False),
    ("app 's messages", False),
    ("letterswants", False),                                # list items never run together
])
def test_a_quote_is_matched_as_a_reader_sees_the_note(backend, room, quote, found):
    note = add_research(backend, room["id"], room["sam"], body=FORMATTED)
    item = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    ack = link(backend, room, "sam", note, item, quote=quote)
    assert ack["ok"] is found, ack


def test_an_edit_that_removes_a_quoted_passage_is_refused_and_names_the_links(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    item = add_note(backend, room["id"], room["lotte"], "Finds our forms slow")
    target = item["event"]["data"]["assumption"]["id"]
    made = link(backend, room, "lotte", note, target, quote="far too long")["event"]["data"]
    before = snap(backend, room)
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
               {"id": note["id"], "body": "Anna says the forms are fine.", "title": "New"})
    assert ack["ok"] is False and ack["error"]["code"] == "conflict"
    assert ack["error"]["message"] == (
        "this edit removes 1 passage quoted as evidence (“far too long” supports “Finds our "
        "forms slow”): keep the quoted text in the note, or remove the link first")
    assert ack["error"]["details"]["links"] == [
        made["link"] | {"target_text": "Finds our forms slow"}]
    after = snap(backend, room)  # nothing changed, not even the title given with the body
    assert after["seq"] == before["seq"] and after["notes"] == before["notes"]
    assert after["evidence"] == before["evidence"]


def test_an_edit_that_keeps_the_quoted_passages_goes_through(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    target = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    link(backend, room, "sam", note, target, quote="far too long")
    # Formatting and white space around the passage may change; so may the rest of the note.
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.edit",
               {"id": note["id"], "body": "Update: the forms take *far   too long*, she says."})
    assert ack["ok"], ack
    assert len(snap(backend, room)["evidence"]) == 1
    # Without a body, the passages are not in question.
    assert send(backend, room["id"], room["sam"]["id"], "research_note.edit",
                {"id": note["id"], "title": "Renamed"})["ok"]


def test_removing_the_link_first_lets_the_edit_through(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    group_a = add_note(backend, room["id"], room["sam"], "A")["event"]["data"]["assumption"]["id"]
    group_b = add_note(backend, room["id"], room["sam"], "B")["event"]["data"]["assumption"]["id"]
    group = send(backend, room["id"], room["maria"]["id"], "group.add",
                 {"assumption_id": group_a, "onto_id": group_b})["event"]["data"]["groups"][0]
    on_group = link(backend, room, "sam", note, group["id"], kind="group_id",
                    relation="contradicts", quote="on her phone")["event"]["data"]["link"]
    kept = link(backend, room, "sam", note, group_a, quote="the forms")["event"]["data"]["link"]
    edit = {"id": note["id"], "body": "Anna says the forms take a while."}
    refused = send(backend, room["id"], room["sam"]["id"], "research_note.edit", edit)
    assert [made["id"] for made in refused["error"]["details"]["links"]] == [on_group["id"]]
    assert refused["error"]["details"]["links"][0]["target_text"] == group["title"]
    assert send(backend, room["id"], room["sam"]["id"], "evidence.unlink",
                {"id": on_group["id"]})["ok"]
    assert send(backend, room["id"], room["sam"]["id"], "research_note.edit", edit)["ok"]
    assert [made["id"] for made in snap(backend, room)["evidence"]] == [kept["id"]]


def test_give_exactly_one_target(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    ack = send(backend, room["id"], room["sam"]["id"], "evidence.link",
               {"note_id": note["id"], "relation": "supports", "quote": "far"})
    assert ack["error"]["code"] == "invalid"


def test_private_notes_take_evidence_only_after_reveal(backend, room):
    send(backend, room["id"], room["maria"]["id"], "settings.update", {"private_collect": True})
    note = add_research(backend, room["id"], room["sam"])
    hidden = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    assert link(backend, room, "sam", note, hidden)["error"]["code"] == "conflict"
    # Nobody else even learns that it exists.
    assert link(backend, room, "lotte", note, hidden)["error"]["code"] == "not_found"


def test_removing_a_note_removes_its_links_and_the_event_says_which(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    item = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    made = link(backend, room, "sam", note, item)["event"]["data"]["link"]
    ack = send(backend, room["id"], room["sam"]["id"], "research_note.delete", {"id": note["id"]})
    assert ack["event"]["data"]["links"] == [made["id"]]
    assert snap(backend, room)["evidence"] == []


def test_deleting_an_assumption_or_dissolving_a_group_drops_their_links(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    a = add_note(backend, room["id"], room["sam"], "A")["event"]["data"]["assumption"]["id"]
    b = add_note(backend, room["id"], room["sam"], "B")["event"]["data"]["assumption"]["id"]
    group = send(backend, room["id"], room["maria"]["id"], "group.add",
                 {"assumption_id": a, "onto_id": b})["event"]["data"]["groups"][0]["id"]
    on_group = link(backend, room, "sam", note, group, kind="group_id")["event"]["data"]
    dissolved = send(backend, room["id"], room["maria"]["id"], "group.dissolve", {"id": group})
    assert dissolved["event"]["data"]["links"] == [on_group["link"]["id"]]
    link(backend, room, "sam", note, a)
    deleted = send(backend, room["id"], room["sam"]["id"], "assumption.delete", {"id": a})
    assert len(deleted["event"]["data"]["links"]) == 1
    assert snap(backend, room)["evidence"] == []


def test_unlink_by_its_maker_or_the_facilitator(backend, room):
    note = add_research(backend, room["id"], room["sam"])
    item = add_note(backend, room["id"], room["sam"])["event"]["data"]["assumption"]["id"]
    made = link(backend, room, "sam", note, item)["event"]["data"]["link"]
    refused = send(backend, room["id"], room["lotte"]["id"], "evidence.unlink", {"id": made["id"]})
    assert refused["error"]["code"] == "forbidden"
    assert send(backend, room["id"], room["sam"]["id"], "evidence.unlink", {"id": made["id"]})["ok"]


def test_required_evidence_blocks_accepting_until_research_supports_it(backend, room):
    maria = room["maria"]["id"]
    assert send(backend, room["id"], maria, "settings.update",
                {"require_evidence": ["identity", "identity", "goals"]})["ok"]
    assert snap(backend, room)["workshop"]["settings"]["require_evidence"] == [
        "identity", "goals"]
    item = add_note(backend, room["id"], room["sam"], "Is in her forties",
                    category="identity")["event"]["data"]["assumption"]["id"]
    accept = {"target_type": "assumption", "target_id": item, "decision": "accepted"}
    refused = send(backend, room["id"], maria, "decision.set", accept)
    assert refused["error"]["code"] == "conflict"
    assert "Identity & character items need supporting research" in refused["error"]["message"]
    # Contradicting research is not support; rejecting and parking stay possible.
    note = add_research(backend, room["id"], room["sam"])
    link(backend, room, "sam", note, item, relation="contradicts")
    assert send(backend, room["id"], maria, "decision.set", accept)["error"]["code"] == "conflict"
    assert send(backend, room["id"], maria, "decision.set",
                {**accept, "decision": "parked"})["ok"]
    link(backend, room, "sam", note, item, relation="supports")
    assert send(backend, room["id"], maria, "decision.set", accept)["ok"]


def test_a_group_is_supported_by_research_on_any_of_its_notes(backend, room):
    maria = room["maria"]["id"]
    send(backend, room["id"], maria, "settings.update", {"require_evidence": ["goals"]})
    a = add_note(backend, room["id"], room["sam"], "A")["event"]["data"]["assumption"]["id"]
    b = add_note(backend, room["id"], room["sam"], "B")["event"]["data"]["assumption"]["id"]
    group = send(backend, room["id"], maria, "group.add",
                 {"assumption_id": a, "onto_id": b})["event"]["data"]["groups"][0]["id"]
    link(backend, room, "sam", add_research(backend, room["id"], room["sam"]), b)
    assert send(backend, room["id"], maria, "decision.set", {
        "target_type": "group", "target_id": group, "decision": "accepted"})["ok"]


def test_unknown_categories_cannot_require_evidence(backend, room):
    ack = send(backend, room["id"], room["maria"]["id"], "settings.update",
               {"require_evidence": ["horoscope"]})
    assert ack["error"] == {"code": "invalid",
                            "message": "require_evidence: unknown category 'horoscope'"}


def test_the_old_op_names_still_work(backend, room):
    """Ops a browser kept unsent across the rename (docs/protocol.md, Aliases) are applied as
    the ops they now name, and their events carry the new names."""
    sam = room["sam"]["id"]
    added = send(backend, room["id"], sam, "note.add",
                 {"title": "Visit", "source_type": "interview", "body": "Pays by phone"})
    assert added["ok"] and added["event"]["type"] == "research_note.added"
    note = added["event"]["data"]["note"]["id"]
    edited = send(backend, room["id"], sam, "note.edit", {"id": note, "title": "Home visit"})
    assert edited["ok"] and edited["event"]["type"] == "research_note.edited"
    imported = send(backend, room["id"], sam, "notes.import", {"notes": [
        {"title": "Survey", "source_type": "survey", "body": "62% pay by phone"}]})
    assert imported["ok"] and imported["event"]["type"] == "research_notes.imported"
    deleted = send(backend, room["id"], sam, "note.delete", {"id": note})
    assert deleted["ok"] and deleted["event"]["type"] == "research_note.deleted"
    # The same rules as under the new names: an observer may not send them.
    watcher = make_member(backend, room["created"].observer_token, "Olga", "")
    refused = send(backend, room["id"], watcher["id"], "note.add",
                   {"title": "T", "source_type": "other", "body": ""})
    assert refused["error"]["code"] == "forbidden"
    assert [n["title"] for n in snap(backend, room)["notes"]] == ["Survey"]
