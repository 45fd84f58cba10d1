"""Importing research notes from files, all or nothing, and the Markdown preview."""

import base64
import dataclasses

import pytest

from tests.helpers import add_research, make_member, make_room, send
from workshop.ops import research
from workshop.reads.snapshot import snapshot
from workshop.rendering import render_markdown
from workshop.services import library
from workshop.services.errors import ServiceError
from workshop.services.rate_limit import OpRateLimiter


@pytest.fixture
def room(backend):
    return make_room(backend, "maria", "sam")


# ---- imports -----------------------------------------------------------------------------

def upload(name: str, content: bytes) -> dict:
    return {"name": name, "content_base64": base64.b64encode(content).decode()}


GOOD_MD = b"---\ntitle: Interview with Bram\nsource_type: interview\ndate: 2026-09-14\n" \
          b"tags: [students, mobile]\n---\nBram checks his balance daily.\n"
CSV = (b"title,source_type,body,tags\n"
       b"Ticket digest,support,Customers ask for paper invoices,invoices\n"
       b"App reviews,analytics,Ratings dropped after the redesign,app\n")


def notes_of(backend, room):
    return snapshot(backend, room["id"], room["sam"])["notes"]


def test_a_dry_run_previews_without_writing(backend, room):
    answer = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [upload("bram.md", GOOD_MD), upload("digest.csv", CSV)], "dry_run": True})
    assert answer["ok"] and answer["imported"] == 0
    assert [n["title"] for n in answer["plan"]["notes"]] == [
        "Interview with Bram", "Ticket digest", "App reviews"]
    assert notes_of(backend, room) == []


def test_an_import_adds_every_note_in_one_event(backend, room):
    answer = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [upload("bram.md", GOOD_MD), upload("digest.csv", CSV)], "op_id": "imp-1"})
    assert answer["ok"] and answer["imported"] == 3
    notes = notes_of(backend, room)
    assert [n["title"] for n in notes] == ["Interview with Bram", "Ticket digest", "App reviews"]
    assert notes[0]["date"] == "2026-09-14" and notes[0]["tags"] == ["students", "mobile"]
    assert {n["seq"] for n in notes} == {answer["seq"]}
    again = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [upload("bram.md", GOOD_MD), upload("digest.csv", CSV)], "op_id": "imp-1"})
    assert again["seq"] == answer["seq"] and len(notes_of(backend, room)) == 3  # applied once


@pytest.mark.parametrize("bad", [
    upload("broken.md", b"---\ntitle: [unclosed\n---\nbody\n"),
    upload("rows.csv", b"title,source_type,body\nOK,survey,fine\nBad,gossip,nope\n"),
    upload("notes.pdf", b"%PDF-1.7"),
    upload("huge.md", b"x" * (2 * 1024 * 1024 + 1)),
])
def test_any_problem_imports_nothing_and_says_why(backend, room, bad):
    answer = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [upload("bram.md", GOOD_MD), bad], "op_id": "imp-2"})
    assert answer["ok"] is False
    assert answer["error"]["message"].startswith("nothing was imported")
    assert answer["plan"]["problems"] and all(p["message"] for p in answer["plan"]["problems"])
    assert notes_of(backend, room) == []


def test_the_first_problem_is_named_in_the_error(backend, room):
    deep = upload("deep.md", b"---\ntitle: " + b"[" * 20_000 + b"\n---\nx")
    answer = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [deep, deep], "dry_run": True})
    assert answer["error"] == {
        "code": "invalid",
        "message": "nothing was imported: 2 problems to fix first (deep.md: front matter is "
                   "20,007 characters long; at most 4,096 (title, source_type, date, "
                   "respondents and tags): put longer text in the body; …)"}


def test_imports_and_dry_runs_count_against_the_op_rate_limit(backend, room):
    limited = dataclasses.replace(backend, rate_limiter=OpRateLimiter("4/minute"))
    sam = room["sam"]["id"]
    files = [upload("bram.md", GOOD_MD)]
    library.import_notes(limited, room["id"], sam, {"files": files, "dry_run": True})
    library.import_notes(limited, room["id"], sam, {"files": [upload("x.pdf", b"%PDF")],
                                                    "dry_run": True})  # refused, yet counted
    assert library.import_notes(limited, room["id"], sam, {"files": files, "op_id": "i1"})["ok"]
    # That import counted twice (reading its files, then its op): the minute's budget is spent.
    with pytest.raises(ServiceError) as raised:
        library.import_notes(limited, room["id"], sam, {"files": files, "dry_run": True})
    assert raised.value.code == "rate_limited"
    assert send(limited, room["id"], sam, "research_note.add", {
        "title": "t", "source_type": "other", "body": "b"})["error"]["code"] == "rate_limited"
    # Another participant has a budget of their own.
    maria = room["maria"]["id"]
    assert library.import_notes(limited, room["id"], maria, {"files": files,
                                                             "dry_run": True})["ok"]


THREE_MD = [upload(f"{name}.md", f"---\ntitle: {name}\nsource_type: interview\n---\n"
                                 f"Notes of {name}.\n".encode())
            for name in ("Ann", "Bo", "Cas")]


def test_a_later_note_refused_on_write_stores_none_and_says_which(backend, room):
    before = snapshot(backend, room["id"], room["sam"])["seq"]
    notes = [{"title": "Ann", "source_type": "interview", "body": "a", "date": "2026-02-01"},
             {"title": "Bo", "source_type": "interview", "body": "b"},
             {"title": "Cas", "source_type": "interview", "body": "c", "date": "2026-02-30"}]
    ack = send(backend, room["id"], room["sam"]["id"], "research_notes.import", {"notes": notes})
    assert ack["ok"] is False
    assert ack["error"] == {"code": "invalid", "message": "notes.2.date: not a calendar date "
                                                          "(YYYY-MM-DD) (note 3, “Cas”)"}
    assert notes_of(backend, room) == []
    assert snapshot(backend, room["id"], room["sam"])["seq"] == before


def planned_with_a_bad_third_date(*args):
    """library.planned, but its third note has a date the writer refuses.

    At module level, so the worker process that plans the import can import it by name.
    """
    plan = library.planned(*args)
    plan.notes[2] = dataclasses.replace(plan.notes[2], date="2026-02-30")
    return plan


def test_an_import_that_plans_but_fails_on_write_stores_nothing(backend, room, monkeypatch):
    # The planner and the writer disagree about the third note (as if a rule changed in one
    # of them): the first two are written in the same transaction and must go as well.
    monkeypatch.setattr(library, "planned", planned_with_a_bad_third_date)
    answer = library.import_notes(backend, room["id"], room["sam"]["id"],
                                  {"files": THREE_MD, "op_id": "imp-w1"})
    assert answer["ok"] is False and answer["imported"] == 0
    assert answer["plan"]["problems"] == [] and len(answer["plan"]["notes"]) == 3
    assert answer["error"]["code"] == "invalid"
    assert answer["error"]["message"] == ("nothing was imported: notes.2.date: not a calendar "
                                          "date (YYYY-MM-DD) (note 3, “Cas”)")
    assert notes_of(backend, room) == []


def test_an_import_over_the_library_limit_stores_nothing(backend, room, monkeypatch):
    monkeypatch.setattr(research, "MAX_NOTES", 4)  # a small limit keeps the test fast
    add_research(backend, room["id"], room["sam"], "Already there", "one")
    add_research(backend, room["id"], room["sam"], "Also there", "two")
    answer = library.import_notes(backend, room["id"], room["sam"]["id"],
                                  {"files": THREE_MD, "op_id": "imp-w2"})
    assert answer["ok"] is False and answer["plan"]["problems"] == []
    assert answer["error"] == {"code": "limit", "message": "nothing was imported: a workshop "
                                                           "holds at most 4 research notes"}
    assert [n["title"] for n in notes_of(backend, room)] == ["Already there", "Also there"]


def test_an_import_over_the_size_limit_stores_nothing(backend, room, monkeypatch):
    monkeypatch.setattr(research, "MAX_IMPORT_CHARS", 20)  # each body is about 15 characters
    answer = library.import_notes(backend, room["id"], room["sam"]["id"],
                                  {"files": THREE_MD, "op_id": "imp-w3"})
    assert answer["ok"] is False and answer["plan"]["problems"] == []
    assert answer["error"]["code"] == "limit"
    assert answer["error"]["message"] == ("nothing was imported: one import carries at most 20 "
                                          "characters of notes: split it")
    assert notes_of(backend, room) == []
    # Retrying with the same op id once the limit allows it goes through: a refusal is not
    # remembered as the outcome of the import.
    monkeypatch.setattr(research, "MAX_IMPORT_CHARS", 2_000_000)
    again = library.import_notes(backend, room["id"], room["sam"]["id"],
                                 {"files": THREE_MD, "op_id": "imp-w3"})
    assert again["ok"] and again["imported"] == 3


def test_survey_answers_become_one_note_per_question(backend, room):
    survey = (b"respondent,How do you pay?,What annoys you?\n"
              b"1,Phone,Letters\n2,Phone,\n3,Card,Queues\n")
    answer = library.import_notes(backend, room["id"], room["sam"]["id"], {
        "files": [upload("survey.csv", survey)], "csv_mode": "survey", "op_id": "imp-3",
        "defaults": {"date": "2026-08-01", "tags": ["panel"]}})
    assert answer["ok"], answer
    notes = notes_of(backend, room)
    assert [(n["title"], n["respondents"]) for n in notes] == [
        ("How do you pay?", 3), ("What annoys you?", 2)]
    assert all(n["source_type"] == "survey" and n["tags"] == ["panel"] for n in notes)


def test_import_needs_a_member_who_may_write(backend, room):
    watcher = make_member(backend, room["created"].observer_token, "Obi", "")
    with pytest.raises(ServiceError) as refused:
        library.import_notes(backend, room["id"], watcher["id"], {
            "files": [upload("bram.md", GOOD_MD)], "op_id": "imp-4"})
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError) as stranger:
        library.import_notes(backend, room["id"], "nobody", {
            "files": [upload("bram.md", GOOD_MD)], "op_id": "imp-5"})
    assert stranger.value.code == "unauthenticated"


def test_bad_base64_is_a_clear_error(backend, room):
    with pytest.raises(ServiceError) as refused:
        library.import_notes(backend, room["id"], room["sam"]["id"], {
            "files": [{"name": "x.md", "content_base64": "***"}], "dry_run": True})
    assert refused.value.code == "invalid" and "x.md" in str(refused.value.as_dict())


def test_a_long_preview_is_rendered_in_a_worker_exactly_as_the_library_shows_it(backend):
    long = "".join(f"{n}. Pays **every** bill <script>x</script> by phone\n" for n in range(200))
    assert len(long) > research.RENDER_ELSEWHERE_CHARS
    assert library.preview(backend, {"body": long}) == {"html": render_markdown(long)}
    assert "<script" not in library.preview(backend, {"body": long})["html"]
    assert library.preview(backend, {"body": "*short*"}) == {"html": "<p><em>short</em></p>"}
