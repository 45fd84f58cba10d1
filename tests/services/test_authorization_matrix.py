"""Every op type × every role is allowed or refused exactly as docs/protocol.md says.

The expected table is written out here on purpose (not derived from domain/permissions.py),
so a change to who may do what has to change the documentation and this table together.
"""

import base64
import json
import uuid

import pytest

from tests.helpers import add_note, add_research, make_member, make_workshop, send
from tests.profiles_data import AS_OF, customer_csv
from workshop.ops.catalogue import OPS
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import exports

ROLES = ("facilitator", "participant", "observer", "other_workshop", "no_session")

# Op type → the roles that may send it (facilitator and participant act on a participant's
# own note/comment here; everything else is refused).
ALLOWED = {
    "persona.add": {"facilitator"},
    "persona.rename": {"facilitator"},
    "persona.delete": {"facilitator"},
    "assumption.add": {"facilitator", "participant"},
    "assumption.edit": {"facilitator", "participant"},
    "assumption.delete": {"facilitator", "participant"},
    "vote.cast": {"facilitator", "participant"},
    "phase.set": {"facilitator"},
    "settings.update": {"facilitator"},
    "reveal": {"facilitator"},
    "timer.start": {"facilitator"},
    "timer.extend": {"facilitator"},
    "timer.stop": {"facilitator"},
    "group.add": {"facilitator"},
    "group.remove": {"facilitator"},
    "group.dissolve": {"facilitator"},
    "group.rename": {"facilitator"},
    "group.merge": {"facilitator"},
    "done.set": {"facilitator", "participant"},
    "decision.set": {"facilitator"},
    "comment.add": {"facilitator", "participant"},
    "comment.delete": {"facilitator", "participant"},
    "invite.rotate": {"facilitator"},
    "participant.remove": {"facilitator"},
    "research_note.add": {"facilitator", "participant"},
    "research_note.edit": {"facilitator", "participant"},
    "research_note.delete": {"facilitator", "participant"},
    "research_notes.import": {"facilitator", "participant"},
    "evidence.link": {"facilitator", "participant"},
    "evidence.unlink": {"facilitator", "participant"},
    "document.create": {"facilitator"},
    "document.save": {"facilitator", "participant"},
    "document.picture": {"facilitator", "participant"},
    "document.sign": {"facilitator", "participant"},
    "document.agree": {"facilitator"},
    "persona.import": {"facilitator"},
    "review.start": {"facilitator"},
    "usage.add": {"facilitator", "participant"},
    "usage.edit": {"facilitator", "participant"},
    "usage.remove": {"facilitator", "participant"},
    "question.add": {"facilitator", "participant"},
    "question.edit": {"facilitator", "participant"},
    "question.remove": {"facilitator"},
    "share.create": {"facilitator"},
    "share.rotate": {"facilitator"},
    "share.revoke": {"facilitator"},
    "api_token.create": {"facilitator"},
    "api_token.revoke": {"facilitator"},
    "webhook.set": {"facilitator"},
    "webhook.remove": {"facilitator"},
    "library.list": {"facilitator"},
    "dataset.import": {"facilitator"},
    "dataset.map": {"facilitator"},
    "dataset.weight": {"facilitator"},
    "dataset.delete": {"facilitator"},
    "segment.define": {"facilitator"},
    "segment.change": {"facilitator"},
    "segment.remove": {"facilitator"},
    "persona.tie": {"facilitator"},
    "claim.set": {"facilitator"},
    "claim.clear": {"facilitator"},
    "claims.recheck": {"facilitator"},
}

REFUSAL = {"observer": "forbidden", "participant": "forbidden",
           "other_workshop": "unauthenticated", "no_session": "unauthenticated"}


def test_the_table_covers_every_op_type():
    assert set(ALLOWED) == set(OPS)


@pytest.fixture
def world(sqlite_url, worker_pool):
    """A workshop with something of everything to act on, and a second workshop."""
    from tests.fakes import CollectingPublisher
    from workshop.db import Database
    from workshop.services.backend import Backend, PresenceRegistry

    backend = Backend(Database(sqlite_url), CollectingPublisher(), PresenceRegistry(),
                      offload=worker_pool)
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "Marketing")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    lotte = make_member(backend, created.invite_token, "Lotte", "Marketing")
    observer = make_member(backend, created.observer_token, "Olga", "")
    other = make_workshop(backend, "Another company")
    stranger = make_member(backend, other.invite_token, "Eve", "Sales")
    notes = [add_note(backend, created.id, sam, f"note {i}")["event"]["data"]["assumption"]["id"]
             for i in range(5)]
    group = send(backend, created.id, facilitator["id"], "group.add",
                 {"assumption_id": notes[3], "onto_id": notes[4]})["event"]["data"]["groups"][0]
    extra = [add_note(backend, created.id, sam, f"pair {i}")["event"]["data"]["assumption"]["id"]
             for i in range(2)]
    pair = send(backend, created.id, facilitator["id"], "group.add",
                {"assumption_id": extra[0], "onto_id": extra[1]})["event"]["data"]["groups"][0]
    comment = send(backend, created.id, sam["id"], "comment.add",
                   {"target_type": "assumption", "target_id": notes[0], "text": "hm"})
    send(backend, created.id, facilitator["id"], "timer.start", {"seconds": 300})
    persona = snapshot(backend, created.id, sam)["personas"][0]["id"]
    research = add_research(backend, created.id, sam)
    link = send(backend, created.id, sam["id"], "evidence.link", {
        "note_id": research["id"], "assumption_id": notes[0], "relation": "supports",
        "quote": "far too long"})["event"]["data"]["link"]
    send(backend, created.id, facilitator["id"], "phase.set", {"phase": "merge"})
    assert send(backend, created.id, facilitator["id"], "document.create",
                {"persona_id": persona})["ok"]
    exported = json.loads(exports.export_persona(backend, created.id, facilitator, persona,
                                                 "json").content)
    # After the workshop: an agreed third persona with a usage (Sam's) and a question.
    third = send(backend, created.id, facilitator["id"], "persona.add",
                 {"name": "Third"})["event"]["data"]["persona"]["id"]
    note = add_note(backend, created.id, sam, "Agreed on", persona_id=third)
    note = note["event"]["data"]["assumption"]["id"]
    send(backend, created.id, facilitator["id"], "decision.set", {
        "target_type": "assumption", "target_id": note, "decision": "accepted"})
    assert send(backend, created.id, facilitator["id"], "document.create",
                {"persona_id": third})["ok"]
    assert send(backend, created.id, facilitator["id"], "document.agree",
                {"persona_id": third, "number": 1})["ok"]
    usage = {"title": "Roadmap", "date": "2026-11-30", "traits": [f"a:{note}"]}
    used = send(backend, created.id, sam["id"], "usage.add", {"persona_id": third, **usage})
    asked = send(backend, created.id, sam["id"], "question.add", {
        "persona_id": third, "trait": f"a:{note}", "question": "Really?", "owner": "Sam",
        "method": "Interviews", "due": "2027-01-31"})
    question = {"question": "Really?", "owner": "Lotte", "method": "Survey",
                "due": "2027-02-28"}
    second = send(backend, created.id, facilitator["id"], "persona.add",
                  {"name": "Second"})["event"]["data"]["persona"]["id"]
    # Profiles: a small dataset, two segments, the first persona tied, one claim.
    csv = base64.b64encode(customer_csv(300)).decode()
    dataset_data = {"name": "CRM", "as_of": AS_OF.isoformat(), "content_base64": csv}
    dataset = send(backend, created.id, facilitator["id"], "dataset.import",
                   dataset_data)["event"]["data"]["dataset"]["id"]
    segments = [send(backend, created.id, facilitator["id"], "segment.define", {
        "dataset_id": dataset, "name": name,
        "rule": {"column": "segment", "test": "equals", "value": name}})
        ["event"]["data"]["segment"]["id"] for name in ("Students", "Retirees")]
    send(backend, created.id, facilitator["id"], "persona.tie",
         {"persona_id": persona, "segment_id": segments[0]})
    claim = send(backend, created.id, facilitator["id"], "claim.set", {
        "persona_id": persona, "field": "identity.age_range", "column": "age",
        "text": "18 to 25"})["event"]["data"]["claim"]["id"]
    actors = {"facilitator": facilitator["id"], "participant": sam["id"],
              "observer": observer["id"], "other_workshop": stranger["id"], "no_session": None}
    share_id = send(backend, created.id, facilitator["id"], "share.create",
                    {"persona_id": persona})["event"]["data"]["id"]
    token_id = send(backend, created.id, facilitator["id"], "api_token.create",
                    {"label": "Tracker"})["event"]["data"]["id"]
    assert send(backend, created.id, facilitator["id"], "webhook.set",
                {"url": "https://hooks.example.org/first"})["ok"]
    payloads = {
        "persona.add": {"name": "Ruben"},
        "persona.rename": {"id": persona, "name": "Anouk"},
        "persona.delete": {"id": second, "confirm": True},
        "assumption.add": {"persona_id": persona, "category": "goals", "text": "new"},
        "assumption.edit": {"id": notes[0], "text": "edited"},
        "assumption.delete": {"id": notes[1]},
        "vote.cast": {"assumption_id": notes[0], "stance": "agree", "dots": 1},
        "phase.set": {"phase": "vote"},
        "settings.update": {"dot_budget": 4},
        "reveal": {"what": "votes"},
        "timer.start": {"seconds": 60},
        "timer.extend": {"seconds": 60},
        "timer.stop": {},
        "group.add": {"assumption_id": notes[2], "onto_id": notes[0]},
        "group.remove": {"assumption_id": notes[3]},
        "group.dissolve": {"id": group["id"]},
        "group.rename": {"id": group["id"], "title": "Renamed"},
        "group.merge": {"id": pair["id"], "onto_id": group["id"]},
        "done.set": {"done": True},
        "decision.set": {"target_type": "assumption", "target_id": notes[0],
                         "decision": "accepted"},
        "comment.add": {"target_type": "assumption", "target_id": notes[0], "text": "yes"},
        "comment.delete": {"id": comment["event"]["data"]["comment"]["id"]},
        "invite.rotate": {"role": "observer"},
        "participant.remove": {"id": lotte["id"]},
        "research_note.add": {"title": "Survey", "source_type": "survey",
                              "body": "62% pay by phone"},
        "research_note.edit": {"id": research["id"], "title": "Interview with Anna (2)"},
        "research_note.delete": {"id": research["id"]},
        "research_notes.import": {"notes": [{"title": "T", "source_type": "other", "body": "b"}]},
        "evidence.link": {"note_id": research["id"], "assumption_id": notes[2],
                          "relation": "contradicts", "quote": "on her phone"},
        "evidence.unlink": {"id": link["id"]},
        "document.create": {"persona_id": second},
        "document.save": {"persona_id": persona, "path": "identity.name", "value": "Anouk",
                          "base_rev": 0},
        "document.picture": {"persona_id": persona, "picture": None, "base_rev": 0},
        "document.sign": {"persona_id": persona, "number": 1},
        "document.agree": {"persona_id": persona, "number": 1},
        "persona.import": {"export": exported},
        "review.start": {"persona_id": third},
        "usage.add": {"persona_id": third, **usage},
        "usage.edit": {"id": used["event"]["data"]["usage"]["id"], **usage},
        "usage.remove": {"id": used["event"]["data"]["usage"]["id"]},
        "question.add": {"persona_id": third, "trait": f"a:{note}", "question": "How?",
                         "owner": "Sam", "method": "Interviews", "due": "2027-01-31"},
        "question.edit": {"id": asked["event"]["data"]["question"]["id"], **question},
        "question.remove": {"id": asked["event"]["data"]["question"]["id"]},
        "share.create": {"persona_id": persona},
        "share.rotate": {"id": share_id},
        "share.revoke": {"id": share_id},
        "api_token.create": {"label": "Wiki"},
        "api_token.revoke": {"id": token_id},
        "webhook.set": {"url": "https://hooks.example.org/personas"},
        "webhook.remove": {},
        "library.list": {"listed": True},
        "dataset.import": {**dataset_data, "name": "CRM again"},
        "dataset.map": {"id": dataset, "roles": {"gender": "attribute"}},
        "dataset.weight": {"id": dataset, "column": "revenue"},
        "dataset.delete": {"id": dataset},
        "segment.define": {"dataset_id": dataset, "name": "Urban",
                           "rule": {"column": "segment", "test": "equals",
                                    "value": "Urban families"}},
        "segment.change": {"id": segments[1], "name": "Over 65"},
        "segment.remove": {"id": segments[1]},
        "persona.tie": {"persona_id": second, "segment_id": segments[1]},
        "claim.set": {"persona_id": persona, "field": "identity.location", "column": "city",
                      "kind": "most_common", "text": "Amsterdam"},
        "claim.clear": {"id": claim},
        "claims.recheck": {},
    }
    yield {"backend": backend, "id": created.id, "actors": actors, "payloads": payloads,
           "viewer": facilitator}
    backend.db.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op_type", sorted(ALLOWED))
def test_each_role_may_do_exactly_what_is_documented(world, op_type, role):
    backend = world["backend"]
    before = sync(backend, world["id"], world["viewer"], 0)["seq"]
    ack = send(backend, world["id"], world["actors"][role], op_type,
               world["payloads"][op_type], op_id=uuid.uuid4().hex)
    after = sync(backend, world["id"], world["viewer"], 0)["seq"]
    if role in ALLOWED[op_type]:
        assert ack["ok"], ack
        assert after == before + 1
    else:
        assert ack["ok"] is False and ack["error"]["code"] == REFUSAL[role], ack
        assert after == before  # nothing unauthorised changed anything
