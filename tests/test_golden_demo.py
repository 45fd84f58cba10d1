"""The demo workshop, end to end: the same snapshots, events and exports come out every time.

A safety net for restructuring (issue 26, "Behaviour unchanged"): the demo is built exactly as
`flask --app workshop seed-demo` builds it, an observer joins, and everything each role sees
and every export is compared with the files in tests/golden/. A change that is meant to alter
them is recorded with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_demo.py -q
and the golden files' diff then shows in review what changed.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.golden import UPDATING, Normaliser, as_json, compare
from workshop import create_app
from workshop.config import Config
from workshop.domain.tokens import make_token, split_token
from workshop.migrate import upgrade
from workshop.models import (
    Assumption,
    Comment,
    Event,
    EvidenceLink,
    NoteGroup,
    Participant,
    Persona,
    PersonaVersion,
    ResearchNote,
    Vote,
    Workshop,
)
from workshop.services import demo, exports, workshops

# Tables whose ids are random, and the placeholder kind each id becomes.
_RANDOM_IDS = {Participant: "participant", Persona: "persona", Assumption: "assumption",
               ResearchNote: "research-note", EvidenceLink: "evidence-link",
               NoteGroup: "group", Comment: "comment", Vote: "vote", PersonaVersion: "version"}
PERSONA_FORMATS = ("md", "json", "html", "pdf")


def _random_values(session, workshop: Workshop) -> dict[str, str]:
    """Every random value the run made, by kind: ids, secrets, link tokens, op ids."""
    known = {workshop.id: "workshop"}
    for kind, secret in (("facilitator", workshop.facilitator_secret),
                         ("invite", workshop.invite_secret),
                         ("observer", workshop.observer_secret)):
        known[make_token(workshop.id, secret)] = f"{kind}-token"
        known[secret] = f"{kind}-secret"
    for model, kind in _RANDOM_IDS.items():
        for id_ in session.scalars(select(model.id).where(model.workshop_id == workshop.id)):
            known[id_] = kind
    for op_id in session.scalars(select(Event.op_id).where(Event.workshop_id == workshop.id,
                                                           Event.op_id.is_not(None))):
        known[op_id] = "op"
    return known


def _event_log(session, workshop_id: str) -> list[dict]:
    """The complete log as stored, in seq order."""
    return [{"seq": e.seq, "type": e.type, "actor": e.actor_id, "op_id": e.op_id,
             "data": e.data, "audience": e.audience, "public": e.public, "at": e.at.isoformat()}
            for e in session.scalars(select(Event).where(Event.workshop_id == workshop_id)
                                     .order_by(Event.seq))]


def _pdf_text(content: bytes) -> str:
    """A PDF as its page count and extracted text (its bytes hold dates and ids of fonts)."""
    reader = PdfReader(io.BytesIO(content))
    pages = [f"--- page {n} of {len(reader.pages)} ---\n{page.extract_text()}\n"
             for n, page in enumerate(reader.pages, 1)]
    return "".join(pages)


def _capture(app) -> dict[str, str]:
    """Build the demo as the CLI does and render every output as a golden file's text."""
    started = datetime.now(UTC).date().isoformat()
    with app.app_context():  # `flask` pushes one for every command; the test runner does not
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    backend = app.extensions["workshop"]
    workshop_id = split_token(demo.find_demo(backend))[0]
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        observer_token = make_token(workshop.id, workshop.observer_secret)
        invite_token = make_token(workshop.id, workshop.invite_secret)
    observer = workshops.join_workshop(backend, {"token": observer_token, "name": "Olga"})
    with backend.db.reading() as session:
        members = session.scalars(select(Participant).where(
            Participant.workshop_id == workshop_id).order_by(Participant.joined_seq)).all()
        viewers = {"facilitator": members[0], "participant": members[1]}
        viewers = {role: workshops.find_member(backend, workshop_id, m.id)
                   for role, m in viewers.items()}
        viewers["observer"] = {key: observer[key] for key in viewers["facilitator"]}
        assert [v["role"] for v in viewers.values()] == ["facilitator", "participant",
                                                         "observer"]
        known = _random_values(session, session.get(Workshop, workshop_id))
        log = _event_log(session, workshop_id)
    assert invite_token in known
    # The one-pager prints the day of export; the demo's own dates lie in 2026-10.
    known.update({day: "export-day" for day in (started, datetime.now(UTC).date().isoformat())})
    normalise = Normaliser(known)
    files = {"events.json": as_json(normalise.value(log))}
    for role, viewer in viewers.items():
        seen = {"snapshot": workshops.snapshot(backend, workshop_id, viewer),
                "sync_from_0": workshops.sync(backend, workshop_id, viewer, 0)}
        files[f"{role}.json"] = as_json(normalise.value(seen))
    facilitator = viewers["facilitator"]
    personas = workshops.snapshot(backend, workshop_id, facilitator)["personas"]
    manifest = []
    for number, persona in enumerate(personas, 1):
        for extension in PERSONA_FORMATS:
            export = exports.export_persona(backend, workshop_id, facilitator, persona["id"],
                                            extension)
            name = f"persona-{number}.{extension}"
            text = _pdf_text(export.content) if extension == "pdf" else \
                export.content.decode("utf-8")
            files[f"exports/{name}{'.txt' if extension == 'pdf' else ''}"] = \
                normalise.text(text)
            manifest.append({"file": name, "media_type": export.media_type,
                             "filename": export.filename,
                             "ascii_filename": export.ascii_filename})
    csv = exports.assumptions_csv(backend, workshop_id, facilitator)
    assert csv.content.startswith(b"\xef\xbb\xbf")  # the BOM, kept out of the text file
    files["exports/assumptions.csv"] = normalise.text(csv.content[3:].decode("utf-8"))
    manifest.append({"file": "assumptions.csv", "media_type": csv.media_type,
                     "filename": csv.filename, "ascii_filename": csv.ascii_filename})
    files["exports/manifest.json"] = as_json(normalise.value(manifest))
    return files


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """One demo, built on a fresh, migrated SQLite database, with everything it produces."""
    path = tmp_path_factory.mktemp("golden") / "demo.sqlite3"
    upgrade(f"sqlite:///{path}")
    app = create_app(Config(database_url=f"sqlite:///{path}", secret_key="golden",
                            async_mode="threading", testing=True))
    try:
        yield _capture(app)
    finally:
        app.extensions["workshop"].db.dispose()


GOLDEN_FILES = ["events.json", "facilitator.json", "participant.json", "observer.json",
                *(f"exports/persona-{n}.{ext}{'.txt' if ext == 'pdf' else ''}"
                  for n in (1, 2) for ext in PERSONA_FORMATS),
                "exports/assumptions.csv", "exports/manifest.json"]


def test_the_demo_produces_exactly_the_golden_files(captured):
    """Every output of the demo, as the golden files hold it (the diff says what changed)."""
    assert sorted(captured) == sorted(GOLDEN_FILES)
    diffs = [diff for name in GOLDEN_FILES if (diff := compare(name, captured[name]))]
    assert not diffs, ("the demo's output changed; if that is intended, regenerate with "
                       "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_demo.py\n"
                       + "\n".join(diffs))


def test_the_golden_files_hold_no_random_values(captured):
    """The normaliser caught every id, secret and moment: nothing left that varies by run."""
    if UPDATING:
        pytest.skip("recording")
    for name, text in captured.items():
        assert "<id-" not in text, f"{name}: an id the database did not name"
        assert "-secret-" not in text and "-token-" not in text, f"{name}: a link secret"
