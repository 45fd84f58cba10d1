"""Searching the research library, on SQLite (FTS5) and PostgreSQL (tsvector)."""

import pytest

from tests.helpers import add_research, make_member, make_room, make_workshop, send
from workshop.reads import search


@pytest.fixture
def room(backend):
    return make_room(backend, "maria", "sam")


@pytest.fixture
def stocked(backend, room):
    """A library of three notes of different kinds."""
    add_research(backend, room["id"], room["sam"], "Interview with Anna",
                 "Anna rents a flat and pays every bill on her phone. Mobile first.",
                 tags=["mobile", "bills"])
    add_research(backend, room["id"], room["sam"], "Support tickets Q3",
                 "Most tickets are about the invoice: people cannot find the PDF.",
                 source_type="support", tags=["invoices"])
    add_research(backend, room["id"], room["sam"], "Café survey",
                 "Respondents prefer paying by phone; 62% never open letters.",
                 source_type="survey", tags=["Mobile"], respondents=412)
    return room


def titles(answer):
    return [r["title"] for r in answer["results"]]


def test_search_matches_every_word_as_a_prefix_and_marks_the_matches(backend, stocked):
    answer = search.search_notes(backend, stocked["id"], "phone pay")
    assert sorted(titles(answer)) == ["Café survey", "Interview with Anna"]
    anna = next(r for r in answer["results"] if r["title"] == "Interview with Anna")
    assert "<mark>phone</mark>" in anna["snippet_html"]
    assert "<mark>pays</mark>" in anna["snippet_html"]  # "pay" is a prefix of "pays"


def test_title_matches_rank_first_and_are_highlighted(backend, stocked):
    answer = search.search_notes(backend, stocked["id"], "invoice")
    assert titles(answer) == ["Support tickets Q3"]
    answer = search.search_notes(backend, stocked["id"], "survey")
    assert titles(answer)[0] == "Café survey"
    assert answer["results"][0]["title_html"] == "Café <mark>survey</mark>"


def test_accents_do_not_matter(backend, stocked):
    answer = search.search_notes(backend, stocked["id"], "cafe")
    assert titles(answer) == ["Café survey"]
    # The match is marked in the text as written, accent and all, on both databases.
    assert answer["results"][0]["title_html"] == "<mark>Café</mark> survey"
    add_research(backend, stocked["id"], stocked["sam"], "Visit", "Zoë paid at the café.")
    visit = search.search_notes(backend, stocked["id"], "zoe cafe")["results"]
    assert titles({"results": visit}) == ["Visit"]
    assert "<mark>Zoë</mark>" in visit[0]["snippet_html"]
    assert "<mark>café</mark>" in visit[0]["snippet_html"]
    # And the other way round: an accented query finds and marks the plain spelling.
    assert "<mark>survey</mark>" in search.search_notes(
        backend, stocked["id"], "sürvey")["results"][0]["title_html"]


def test_filters_by_source_type_and_tag(backend, stocked):
    assert titles(search.search_notes(backend, stocked["id"], "", source_type="support")) == [
        "Support tickets Q3"]
    assert titles(search.search_notes(backend, stocked["id"], "", tag="MOBILE")) == [
        "Café survey", "Interview with Anna"]  # newest first without a query
    assert titles(search.search_notes(backend, stocked["id"], "phone", tag="bills")) == [
        "Interview with Anna"]


def test_filters_find_matches_ranked_below_many_others(backend, room):
    # 205 notes match "phone" in their title (which ranks first) and are of the wrong kind;
    # the two that pass the filters match only in their body, so they rank last of all.
    crowd = [{"title": f"Phone call {n}", "source_type": "interview", "body": "phone",
              "tags": ["common"]} for n in range(205)]
    wanted = [{"title": f"Ticket {n}", "source_type": "support", "body": "asked by phone",
               "tags": ["Rare"]} for n in range(2)]
    assert send(backend, room["id"], room["sam"]["id"], "research_notes.import",
                {"notes": crowd + wanted})["ok"]
    assert len(search.search_notes(backend, room["id"], "phone")["results"]) == \
        search.MAX_RESULTS
    for found in (search.search_notes(backend, room["id"], "phone", source_type="support"),
                  search.search_notes(backend, room["id"], "phone", tag="rare"),
                  search.search_notes(backend, room["id"], "phone", source_type="support",
                                      tag="RARE")):
        assert sorted(titles(found)) == ["Ticket 0", "Ticket 1"]
        assert all("<mark>phone</mark>" in r["snippet_html"] for r in found["results"])
    assert titles(search.search_notes(backend, room["id"], "phone", source_type="survey")) == []
    assert titles(search.search_notes(backend, room["id"], "phone", tag="nowhere")) == []
    # Without a query, the filters pick from the whole library too (one import: one seq).
    assert sorted(titles(search.search_notes(backend, room["id"], "", tag="rare"))) == [
        "Ticket 0", "Ticket 1"]


def test_search_syntax_in_the_query_is_just_text(backend, stocked):
    for query in ['"', "phone OR", "NEAR(", "a:*", "(!", "*", "'; DROP TABLE x; --"]:
        search.search_notes(backend, stocked["id"], query)  # never an error


def test_highlighting_cannot_inject_markup(backend, room):
    add_research(backend, room["id"], room["sam"], "<img src=x onerror=alert(1)> hostile",
                 "<script>alert(1)</script> hostile text")
    result = search.search_notes(backend, room["id"], "hostile")["results"][0]
    assert "<img" not in result["title_html"] and "<script" not in result["snippet_html"]
    assert "<mark>hostile</mark>" in result["snippet_html"]  # (escaped, or dropped by PG)


def test_search_stays_within_the_workshop(backend, stocked):
    other = make_workshop(backend)
    stranger = make_member(backend, other.invite_token, "Eve", "Support")
    add_research(backend, other.id, stranger, "Phone survey elsewhere", "phone phone")
    assert "Phone survey elsewhere" not in titles(
        search.search_notes(backend, stocked["id"], "phone"))


def test_an_edited_note_is_found_by_its_new_words_only(backend, room):
    note = add_research(backend, room["id"], room["sam"], "Visit", "talked about gardening")
    send(backend, room["id"], room["sam"]["id"], "research_note.edit",
         {"id": note["id"], "body": "talked about cycling"})
    assert titles(search.search_notes(backend, room["id"], "gardening")) == []
    assert titles(search.search_notes(backend, room["id"], "cycling")) == ["Visit"]
    send(backend, room["id"], room["sam"]["id"], "research_note.delete", {"id": note["id"]})
    assert titles(search.search_notes(backend, room["id"], "cycling")) == []


MARKDOWN_INTERVIEW = (
    "# Visit at home\n\n" + "Anna talks about her **week** and her _kids_. " * 30
    + "\n\n## Money\n\n- She pays every **bill** on her [phone](https://example.com/pay) at night,"
      " `always` after the kids are asleep.\n" + "More about her evenings. " * 30)


def test_a_snippet_is_plain_text_with_the_words_around_the_match(backend, room):
    add_research(backend, room["id"], room["sam"], "Interview with Anna", MARKDOWN_INTERVIEW)
    result = search.search_notes(backend, room["id"], "phone")["results"][0]
    snippet = result["snippet_html"]
    # The words around the match, not the note's start, and none of Markdown's syntax.
    assert "pays every bill on her <mark>phone</mark> at night, always after" in snippet
    assert "Visit at home" not in snippet
    for syntax in ("**", "](", "https://", "`", "## ", "- She", "_kids_"):
        assert syntax not in snippet, syntax
    assert snippet.startswith("… ")  # text before it was left out
    assert len(snippet.split()) < 40


def test_a_snippet_of_a_hostile_note_stays_escaped_text(backend, room):
    body = ("Intro. " * 20 + "**<img src=x onerror=alert(1)>** said the *phone* "
            "[<script>x</script>](javascript:alert(1)) later.")
    add_research(backend, room["id"], room["sam"], "Hostile", body)
    snippet = search.search_notes(backend, room["id"], "phone")["results"][0]["snippet_html"]
    assert "<img" not in snippet and "<script" not in snippet and "javascript:" not in snippet
    assert "&lt;img src=x onerror=alert(1)&gt; said the <mark>phone</mark>" in snippet
