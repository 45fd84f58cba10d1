"""Searching a workshop's research library, and reading one of its notes."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

from sqlalchemy import select, text

from workshop.db import sqlite_file
from workshop.models import ResearchNote
from workshop.rendering import plain_text
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.shapes import research_note_view

MAX_RESULTS = 50
MAX_TERMS = 8
# Private-use characters mark matches inside the database's highlighting; the text around
# them is escaped before they become <mark> tags, so a note can never inject markup.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.S)


def _highlighted(raw: str) -> str:
    """Database-highlighted text as safe HTML with <mark> around the matches."""
    escaped = _MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", html.escape(raw, quote=False))
    return escaped.replace(_OPEN, "").replace(_CLOSE, "")


# A snippet is the words around the first match: a few before it, more after it.
SNIPPET_BEFORE, SNIPPET_AFTER = 8, 22
_ELLIPSIS = "…"


def _snippet(raw: str) -> str:
    """A body's highlighted fragment as safe HTML: plain text (no Markdown), the words around
    its first match, <mark> around the matches, … where text was left out."""
    text = plain_text(raw)
    cut_before, cut_after = text.startswith(_ELLIPSIS), text.endswith(_ELLIPSIS)
    words = text.strip(_ELLIPSIS + " ").split(" ")
    first = next((i for i, word in enumerate(words) if _OPEN in word), 0)
    start = max(0, first - SNIPPET_BEFORE)
    end = min(len(words), first + SNIPPET_AFTER)
    part = " ".join(words[start:end])
    # A match cut by the window keeps its mark balanced.
    if part.count(_OPEN) > part.count(_CLOSE):
        part += _CLOSE
    lead = f"{_ELLIPSIS} " if start > 0 or cut_before else ""
    tail = f" {_ELLIPSIS}" if end < len(words) or cut_after else ""
    return _highlighted(lead + part + tail)


def search_terms(query: str) -> list[str]:
    """The words of a query, lower-cased; every one must match (as a word prefix)."""
    return re.findall(r"\w+", query.casefold())[:MAX_TERMS]


def _filters(dialect: str, source_type: str | None, tags: list[str] | None) -> tuple[str, dict]:
    """SQL conditions on research_notes (as `n`) for the source type and tag filters.

    `tags` are the spellings of the wanted tag in this library (None: no tag filter), so the
    database compares exact strings and needs no Unicode-aware case folding of its own.
    Each spelling has a named parameter of its own, so the same SQL runs through SQLAlchemy
    and through the sqlite3 module (see `_sqlite_search`).
    """
    sql, params = "", {}
    if source_type:
        sql += " AND n.source_type = :source_type"
        params["source_type"] = source_type
    if tags is not None:
        elements = ("json_each(n.tags) AS t WHERE t.value" if dialect == "sqlite"
                    else "json_array_elements_text(n.tags) AS t(value) WHERE t.value")
        names = [f"tag_{index}" for index in range(len(tags))]
        sql += f" AND EXISTS (SELECT 1 FROM {elements} IN ({', '.join(':' + n for n in names)}))"
        params.update(zip(names, tags, strict=True))
    return sql, params


def _sqlite_search(path: str, workshop_id: str, terms: list[str], filters: str,
                   params: dict) -> list[tuple[str, str, str]]:
    """`_sqlite_hits` on a read-only connection of its own, for an OS thread
    (workshop/os_threads.py): the serving process's pooled connections belong to the hub."""
    connection = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True,
                                 check_same_thread=False)
    try:
        connection.execute("PRAGMA busy_timeout=5000")
        return _sqlite_hits(connection, workshop_id, terms, filters, params)
    finally:
        connection.close()


def _sqlite_hits(connection: sqlite3.Connection, workshop_id: str, terms: list[str],
                 filters: str, params: dict) -> list[tuple[str, str, str]]:
    """FTS5's best matches with their highlighted title and body snippet.

    Marking the matches costs ~17 ms per 10,000-character note, so it is done only for the
    page of results, once they are ranked (ranking alone is a few milliseconds).
    """
    match = " ".join(f'"{term}"*' for term in terms)  # terms are \w+, so quoting is safe
    # The filters sit in the query (not applied to its first hits afterwards), so a filtered
    # match is found however many better matches of other kinds the library holds.
    ranked = [row[0] for row in connection.execute(
        "SELECT note_id FROM research_notes_fts WHERE research_notes_fts MATCH :match"
        " AND workshop_id = :workshop"
        " AND note_id IN (SELECT n.id FROM research_notes AS n"
        f" WHERE n.workshop_id = :workshop{filters})"
        " ORDER BY bm25(research_notes_fts, 0, 0, 10.0, 1.0, 5.0) LIMIT :limit",
        {"match": match, "workshop": workshop_id, "limit": MAX_RESULTS, **params})]
    if not ranked:
        return []
    ids = {f"id_{index}": note_id for index, note_id in enumerate(ranked)}
    marked = {row[0]: (row[1], row[2]) for row in connection.execute(
        "SELECT note_id, highlight(research_notes_fts, 2, :o, :c),"
        " snippet(research_notes_fts, 3, :o, :c, ' … ', 24)"
        " FROM research_notes_fts WHERE research_notes_fts MATCH :match"
        f" AND note_id IN ({', '.join(':' + name for name in ids)})",
        {"o": _OPEN, "c": _CLOSE, "match": match, **ids})}
    return [(note_id, *marked[note_id]) for note_id in ranked if note_id in marked]


def _postgres_search(session, workshop_id: str, terms: list[str], filters: str,
                     params: dict) -> list[tuple[str, str, str]]:
    query = " & ".join(f"{term}:*" for term in terms)  # terms are \w+, so this parses
    options = f"StartSel={_OPEN}, StopSel={_CLOSE}"
    rows = session.execute(text(
        # workshop_search (migration 0006) strips accents while headlining, so "cafe" marks
        # "Café" in the original text, as the search column (unaccented) found it.
        "SELECT n.id, ts_headline('workshop_search', n.title, q, :all),"
        " ts_headline('workshop_search', n.body, q, :frag)"
        " FROM research_notes AS n, to_tsquery('simple', workshop_unaccent(:query)) AS q"
        f" WHERE n.workshop_id = :workshop AND n.search @@ q{filters}"
        " ORDER BY ts_rank(n.search, q) DESC, n.created_seq LIMIT :limit"),
        {"all": options + ", HighlightAll=true",
         "frag": options + ", MaxWords=30, MinWords=12, MaxFragments=2, "
                           "FragmentDelimiter=\" … \"",
         "query": query, "workshop": workshop_id, "limit": MAX_RESULTS, **params})
    return [tuple(row) for row in rows]


def _newest(session, workshop_id: str, filters: str, params: dict) -> list[tuple[str, None, None]]:
    """Without search words: the newest notes that pass the filters."""
    rows = session.execute(text(
        f"SELECT n.id FROM research_notes AS n WHERE n.workshop_id = :workshop{filters}"
        " ORDER BY n.created_seq DESC LIMIT :limit"),
        {"workshop": workshop_id, "limit": MAX_RESULTS, **params})
    return [(row[0], None, None) for row in rows]


def _tag_spellings(session, workshop_id: str, tag: str) -> list[str]:
    """Every spelling of the tag in this library (tags match whatever their case)."""
    wanted = tag.casefold()
    spellings: set[str] = set()
    for tags in session.scalars(select(ResearchNote.tags)
                                .where(ResearchNote.workshop_id == workshop_id)):
        spellings.update(name for name in tags if name.casefold() == wanted)
    return sorted(spellings)


# A result names its note; the bodies (up to 20,000 characters each, twice with their HTML)
# stay in the database: loading 50 of them was most of a search's time on the hub.
_SUMMARY_COLUMNS = (ResearchNote.id, ResearchNote.title, ResearchNote.source_type,
                    ResearchNote.date, ResearchNote.tags, ResearchNote.created_seq)


def _summary(note) -> dict:
    return {"id": note.id, "title": note.title, "source_type": note.source_type,
            "date": note.date, "tags": list(note.tags), "seq": note.created_seq}


def _sqlite_hits_off_hub(backend: Backend, session, workshop_id: str, terms: list[str],
                         filters: str, params: dict) -> list[tuple[str, str, str]]:
    """SQLite's search in one of the backend's search threads, on a connection of its own
    (an in-memory database has no file another connection could open: searched here)."""
    path = sqlite_file(backend.db.url)
    if path is None:
        raw = session.connection().connection.driver_connection
        return _sqlite_hits(raw, workshop_id, terms, filters, params)
    return backend.search_threads.run(_sqlite_search, path, workshop_id, terms, filters,
                                      params)


def search_notes(backend: Backend, workshop_id: str, query: str = "",
                 source_type: str | None = None, tag: str | None = None) -> dict:
    """Notes matching every word of the query (as prefixes), best first, with matches marked.

    Without words, every note (newest first) that passes the filters.
    """
    terms = search_terms(query)
    results = []
    with backend.db.reading() as session:
        dialect = session.bind.dialect.name
        spellings = _tag_spellings(session, workshop_id, tag) if tag else None
        if spellings == []:  # no note has this tag
            return {"query": query, "terms": terms, "results": results}
        filters, params = _filters(dialect, source_type, spellings)
        if terms and dialect != "sqlite":
            hits = _postgres_search(session, workshop_id, terms, filters, params)
        elif terms:
            hits = _sqlite_hits_off_hub(backend, session, workshop_id, terms, filters, params)
        else:
            hits = _newest(session, workshop_id, filters, params)
        notes = {n.id: _summary(n) for n in session.execute(
            select(*_SUMMARY_COLUMNS).where(ResearchNote.id.in_([hit[0] for hit in hits])))}
    for note_id, title, snippet in hits:
        note = notes.get(note_id)
        if note is None:
            continue
        results.append({key: note[key] for key in ("id", "title", "source_type", "date",
                                                   "tags")} | {
            "title_html": _highlighted(title) if title else html.escape(note["title"]),
            "snippet_html": _snippet(snippet) if snippet else ""})
    return {"query": query, "terms": terms, "results": results}


def get_note(backend: Backend, workshop_id: str, note_id: str) -> dict:
    """One research note of the workshop."""
    with backend.db.reading() as session:
        note = session.get(ResearchNote, note_id)
        if note is None or note.workshop_id != workshop_id:
            raise ServiceError("not_found", "no such research note in this workshop")
        return research_note_view(note)
