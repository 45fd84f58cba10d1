"""The demo workshop, end to end: the same snapshots, events and exports come out every time.

A safety net for restructuring (issue 26, "Behaviour unchanged"): the demo is built exactly as
`flask --app workshop seed-demo` builds it, an observer joins, and everything each role sees
and every export is compared with the files in tests/golden/demo/; then the workshop is carried
on to an agreed persona (votes, decisions, the merge, a save, agreement) and compared again
with tests/golden/agreed/ (tests/golden/README.md lists the files). A change that is meant to alter
them is recorded with
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_demo.py -q
and the golden files' diff then shows in review what changed.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from datetime import UTC, datetime

import pytest
from alembic.command import downgrade
from pypdf import PdfReader
from sqlalchemy import create_engine, select

from tests.golden import UPDATING, Normaliser, as_json, compare
from workshop import backup, create_app, demo, migrate
from workshop.config import Config
from workshop.domain.tokens import make_token, new_id, split_token
from workshop.migrate import upgrade
from workshop.models import (
    Assumption,
    AssumptionGroup,
    Comment,
    Event,
    EvidenceLink,
    Participant,
    Persona,
    PersonaVersion,
    ResearchNote,
    Workshop,
)
from workshop.ops.apply import apply_op
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import exports, workshops

# Tables whose ids are random (votes and events count up), and the kind each id becomes.
_RANDOM_IDS = {Participant: "participant", Persona: "persona", Assumption: "assumption",
               ResearchNote: "research-note", EvidenceLink: "evidence-link",
               AssumptionGroup: "group", Comment: "comment", PersonaVersion: "version"}
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
    """A PDF as its page count and extracted words (its bytes hold dates and ids of fonts).

    The words are re-wrapped at a fixed width: where a line breaks depends on the fonts the
    machine has (Arial is Liberation Sans where fonts-liberation is installed, DejaVu Sans
    where it is not), and the golden files record what the one-pager says, not its metrics.
    """
    reader = PdfReader(io.BytesIO(content))
    pages = [f"--- page {n} of {len(reader.pages)} ---\n"
             f"{textwrap.fill(' '.join(page.extract_text().split()), width=96)}\n"
             for n, page in enumerate(reader.pages, 1)]
    return "".join(pages)


def _seed(app) -> tuple[str, dict[str, dict]]:
    """Build the demo as the CLI does, and let an observer join: the workshop and its viewers."""
    with app.app_context():  # `flask` pushes one for every command; the test runner does not
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    backend = app.extensions["workshop"]
    workshop_id = split_token(demo.find_demo(backend))[0]
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        observer_token = make_token(workshop.id, workshop.observer_secret)
        members = session.scalars(select(Participant.id).where(
            Participant.workshop_id == workshop_id).order_by(Participant.joined_seq)).all()
    viewers = {role: workshops.find_member(backend, workshop_id, member)
               for role, member in (("facilitator", members[0]), ("participant", members[1]))}
    observer = workshops.join_workshop(backend, {"token": observer_token, "name": "Olga"})
    viewers["observer"] = {key: observer[key] for key in viewers["facilitator"]}
    assert [v["role"] for v in viewers.values()] == ["facilitator", "participant", "observer"]
    return workshop_id, viewers


def _op(backend, workshop_id: str, actor: dict, type_: str, data: dict) -> dict:
    ack = apply_op(backend, workshop_id, actor["id"],
                       {"op_id": new_id(), "type": type_, "data": data})
    assert ack["ok"], ack
    return ack["event"]["data"]


def _carry_on_to_an_agreed_persona(backend, workshop_id: str) -> None:
    """Vote, reconcile, merge and agree the first persona: the write path's other half."""
    state = snapshot(backend, workshop_id, {"id": None, "role": "facilitator"})
    people = {p["name"]: p for p in state["participants"]}
    maria, team = people["Maria"], [people[n] for n in ("Lotte", "Sam", "Jeroen", "Priya")]
    anouk = state["personas"][0]["id"]
    notes = [a["id"] for a in state["assumptions"] if a["persona_id"] == anouk]
    _op(backend, workshop_id, maria, "phase.set", {"phase": "vote"})
    stances = ("agree", "agree", "disagree", "unsure")
    for number, note in enumerate(notes):
        for who, voter in enumerate(team):
            _op(backend, workshop_id, voter, "vote.cast",
                {"assumption_id": note, "stance": stances[(number + who) % 4]})
    _op(backend, workshop_id, maria, "phase.set", {"phase": "reconcile"})
    _op(backend, workshop_id, team[1], "comment.add", {
        "target_type": "assumption", "target_id": notes[3], "text": "Support hears this daily"})
    decisions = [("accepted", "", None)] * 6 + [
        ("reworded", "Sharper", "Reads reviews in the evening; decides with her partner"),
        ("rejected", "The survey says otherwise", None), ("parked", "", None)]
    for note, (decision, reason, text) in zip(notes, decisions, strict=False):
        _op(backend, workshop_id, maria, "decision.set", {
            "target_type": "assumption", "target_id": note, "decision": decision,
            "reason": reason, **({"text": text} if text else {})})
    _op(backend, workshop_id, maria, "phase.set", {"phase": "merge"})
    _op(backend, workshop_id, maria, "document.create", {"persona_id": anouk})
    _op(backend, workshop_id, team[0], "document.save", {
        "persona_id": anouk, "path": "identity.quote",
        "value": "Just tell me what to do first, in euros.", "base_rev": 0})
    _op(backend, workshop_id, maria, "document.agree", {"persona_id": anouk, "number": 1})


def _capture(backend, workshop_id: str, viewers: dict[str, dict], day: str) -> dict[str, str]:
    """Everything the workshop produces now, each as a golden file's text."""
    with backend.db.reading() as session:
        known = _random_values(session, session.get(Workshop, workshop_id))
        log = _event_log(session, workshop_id)
    # The one-pager prints the day of export; the demo's own dates lie in 2026-10.
    known.update({moment: "export-day" for moment in (day, datetime.now(UTC).date().isoformat())})
    normalise = Normaliser(known)
    files = {"events.json": as_json(normalise.value(log))}
    for role, viewer in viewers.items():
        seen = {"snapshot": snapshot(backend, workshop_id, viewer),
                "sync_from_0": sync(backend, workshop_id, viewer, 0)}
        files[f"{role}.json"] = as_json(normalise.value(seen))
    facilitator = viewers["facilitator"]
    personas = snapshot(backend, workshop_id, facilitator)["personas"]
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
    csv = exports.export_assumptions(backend, workshop_id, facilitator, "csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")  # the BOM, kept out of the text file
    files["exports/assumptions.csv"] = normalise.text(csv.content[3:].decode("utf-8"))
    manifest.append({"file": "assumptions.csv", "media_type": csv.media_type,
                     "filename": csv.filename, "ascii_filename": csv.ascii_filename})
    files["exports/manifest.json"] = as_json(normalise.value(manifest))
    return files


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """The demo on a fresh, migrated SQLite database: what it produces as seeded (`demo/`),
    and after it is carried on to an agreed persona (`agreed/`)."""
    path = tmp_path_factory.mktemp("golden") / "demo.sqlite3"
    upgrade(f"sqlite:///{path}")
    # The script carries on faster than any person could: no op rate limit in the way.
    app = create_app(Config(database_url=f"sqlite:///{path}", secret_key="golden",
                            async_mode="threading", op_rate="10000/second"))
    backend = app.extensions["workshop"]
    day = datetime.now(UTC).date().isoformat()
    try:
        workshop_id, viewers = _seed(app)
        files = {f"demo/{name}": text
                 for name, text in _capture(backend, workshop_id, viewers, day).items()}
        _carry_on_to_an_agreed_persona(backend, workshop_id)
        files.update({f"agreed/{name}": text
                      for name, text in _capture(backend, workshop_id, viewers, day).items()})
        yield files
    finally:
        backend.db.dispose()


GOLDEN_FILES = [f"{stage}/{name}" for stage in ("demo", "agreed") for name in (
    "events.json", "facilitator.json", "participant.json", "observer.json",
    *(f"exports/persona-{n}.{ext}{'.txt' if ext == 'pdf' else ''}"
      for n in (1, 2) for ext in PERSONA_FORMATS),
    "exports/assumptions.csv", "exports/manifest.json")]


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


def test_a_log_recorded_before_the_rename_still_matches_the_golden_files(tmp_path):
    """A database from before revision 0008 (research-note and grouping events under their old
    names), backed up and restored, is refused until upgraded; then sync, replay and exports
    are exactly the golden ones (docs/protocol.md, Events: renamed event types)."""
    if UPDATING:
        pytest.skip("recording")
    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(old)
    app = create_app(Config(database_url=old, secret_key="golden", async_mode="threading",
                            op_rate="10000/second"))
    try:
        workshop_id, viewers = _seed(app)
    finally:
        app.extensions["workshop"].db.dispose()
    downgrade(migrate.alembic_config(old), "0007")  # exactly what the code before 0008 wrote
    engine = create_engine(old)
    with engine.connect() as conn:
        types = Counter(conn.scalars(select(Event.type)))
    engine.dispose()
    assert types["note.added"] == 3 and types["research_note.added"] == 0

    backup.backup_sqlite(old, tmp_path / "backup.sqlite3")
    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    backup.restore_sqlite(tmp_path / "backup.sqlite3", restored)
    with pytest.raises(migrate.SchemaNotCurrent):
        migrate.require_current(restored)
    upgrade(restored)
    app = create_app(Config(database_url=restored, secret_key="golden", async_mode="threading"))
    backend = app.extensions["workshop"]
    try:
        files = _capture(backend, workshop_id, viewers, datetime.now(UTC).date().isoformat())
    finally:
        backend.db.dispose()
    diffs = [diff for name, text in files.items() if (diff := compare(f"demo/{name}", text))]
    assert not diffs, "\n".join(diffs)
