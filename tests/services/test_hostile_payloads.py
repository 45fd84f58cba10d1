"""Hostile payloads against the one write path: refused cleanly, and nothing changes.

The properties iterate `OPS`, so an op added to the registry is attacked automatically: its
mutations are derived from its pydantic schema (see tests/hostile.py). Each property runs on
SQLite with many examples and on PostgreSQL with fewer.

A refused op changes nothing, so the refusal tests share one world per database (building
one takes a few dozen writes) and compare against the state taken when each test starts.
"""

from __future__ import annotations

import shutil
import uuid

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from tests.fakes import CollectingPublisher
from tests.helpers import comparable
from tests.hostile import (
    INVALID,
    NOT_FOUND,
    PYTHON_ONLY_SPACE,
    Baseline,
    assert_refused,
    assert_unchanged,
    build_world,
    envelope_mutations,
    everything,
    free_text_fields,
    id_fields,
    leaves,
    lift_rate_limit,
    mutations_for,
    odd_text,
    shown,
    valid_odd_text,
)
from workshop.db import Database
from workshop.models import Base
from workshop.offload import WorkerPool
from workshop.ops.apply import apply_op
from workshop.ops.catalogue import OPS
from workshop.reads.snapshot import snapshot
from workshop.services import workshops
from workshop.services.backend import Backend, PresenceRegistry
from workshop.services.errors import ServiceError

ROLES = ("facilitator", "participant")
_POOL = WorkerPool(workers=1)
# Free text that must match something stored (a quote is a passage of its research note).
# Text that must say something the server reads: a passage of the note, a claim it parses,
# a file in base64, a number column the dataset kept.
QUOTED_TEXT = {("evidence.link", "quote"), ("claim.set", "text"),
               ("dataset.import", "content_base64"), ("dataset.weight", "column")}
# Text kept outside the board's state, so not in the snapshot: an API token's label and a
# webhook's URL (the facilitator reads both from GET …/sharing; tests/services/test_sharing.py
# round-trips the label there).
OUTSIDE_THE_BOARD = {("api_token.create", "label"), ("webhook.set", "url")}


def _backend(url: str) -> Backend:
    # One worker pool for every backend here: a pool per backend left a process behind each.
    backend = Backend(Database(url), CollectingPublisher(), PresenceRegistry(), offload=_POOL)
    lift_rate_limit(backend)
    return backend


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request, sqlite_template, tmp_path_factory):
    """(backend, world) on a database of this module's own, per database kind."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("hostile") / "hostile.sqlite3"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        engine = create_engine(url)
        with engine.begin() as conn:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    backend = _backend(url)
    yield backend, build_world(backend)
    backend.db.dispose()


def examples(backend, on_sqlite: int, on_postgres: int) -> settings:
    """Many examples on SQLite, fewer on PostgreSQL (each op there is a network round trip)."""
    return settings(max_examples=on_sqlite if backend.db.is_sqlite else on_postgres,
                    deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def envelope(op_type: str, data) -> dict:
    return {"op_id": uuid.uuid4().hex, "type": op_type, "data": data}


# ---- the bases the mutations start from are valid -------------------------------------

def test_every_base_payload_is_accepted(sqlite_template, tmp_path):
    """Guards the properties: each mutation breaks one thing of a payload that works.

    The bases do not depend on the database kind, so SQLite checks them: one world, copied
    afresh for each op (some ops change what others need).
    """
    template = tmp_path / "world.sqlite3"
    shutil.copy(sqlite_template, template)
    world_backend = _backend(f"sqlite:///{template}")
    world = build_world(world_backend)
    world_backend.db.dispose()
    for role in ROLES:
        for op_type in sorted(t for t in OPS if OPS.may_send(role, t)):
            copy = tmp_path / f"{role}-{op_type}.sqlite3"
            shutil.copy(template, copy)
            backend = _backend(f"sqlite:///{copy}")
            base = world.base(role, op_type)
            ack = apply_op(backend, world.home, world.actors[role]["id"],
                           envelope(op_type, base))
            backend.db.dispose()
            assert ack["ok"], (role, op_type, base, ack)


# ---- property 1: hostile data ----------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_hostile_data_is_refused_and_changes_nothing(shared, role):
    backend, world = shared
    actor = world.actors[role]["id"]
    baseline = Baseline(lambda: everything(backend, world))

    @examples(backend, on_sqlite=300, on_postgres=50)
    @given(st.data())
    def check(data):
        op_type = data.draw(st.sampled_from(sorted(OPS)), label="op type")
        mutation = data.draw(mutations_for(world, role, op_type), label="mutation")
        event(f"mutation: {mutation.kind}")
        event(f"op: {op_type}")
        note(f"{op_type} {mutation.kind} {mutation.field!r}: {shown(mutation.payload)}")
        ack = apply_op(backend, world.home, actor, envelope(op_type, mutation.payload))
        note(f"ack: {shown(ack)}")
        change = baseline.catch_up()
        assert_refused(ack, world.expected(role, op_type, mutation))
        assert_unchanged(change)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_odd_unicode_text_round_trips_exactly(shared, role):
    """Valid text full of RTL marks, joiners, combining marks and emoji is kept as sent."""
    backend, _ = shared
    holder = {"world": build_world(backend)}  # its own: this test changes things
    choices = [(op_type, rule) for op_type in sorted(OPS)
               if OPS.may_send(role, op_type)
               for rule in free_text_fields(holder["world"], role, op_type)
               if (op_type, rule.name) not in QUOTED_TEXT | OUTSIDE_THE_BOARD]
    assert choices, "no op with a free-text field"

    @examples(backend, on_sqlite=80, on_postgres=15)
    @given(st.data())
    def check(data):
        op_type, rule = data.draw(st.sampled_from(choices), label="op type and field")
        value = data.draw(valid_odd_text(rule), label="text")
        event(f"{op_type}.{rule.name}")
        note(f"{op_type}.{rule.name} = {value!r}")
        for attempt in range(2):
            world = holder["world"]
            actor = world.actors[role]
            raw = envelope(op_type, {**world.base(role, op_type), rule.name: value})
            ack = apply_op(backend, world.home, actor["id"], raw)
            if ack["ok"] or ack["error"]["code"] not in ("limit", "conflict") or attempt:
                break
            # e.g. at most 12 personas, or a document field saved since the base's revision
            holder["world"] = build_world(backend)
        assert ack["ok"], ack
        stored = value.strip()
        assert stored in leaves(ack["event"]["data"])
        assert stored in leaves(comparable(snapshot(backend, world.home, actor)))

    check()


@pytest.mark.parametrize("role", ROLES)
def test_ids_of_another_workshop_or_kind_are_not_found(shared, role):
    """Every id field of every op, with every id of the away workshop (on PostgreSQL: those
    of the same kind) and every home id of another kind: not_found, and nothing changes.

    Exhaustive rather than sampled: a cross-workshop id is the attack that matters most.
    """
    backend, world = shared
    actor = world.actors[role]["id"]
    before = everything(backend, world)
    tried = 0
    for op_type in sorted(t for t in OPS if OPS.may_send(role, t)):
        base = world.base(role, op_type)
        for name in id_fields(world, role, op_type):
            kind = world.ids[base[name]]
            away = [i for i, k in world.foreign_kinds.items()
                    if backend.db.is_sqlite or k == kind]
            home = [i for i, k in world.ids.items() if k != kind] if backend.db.is_sqlite \
                else []
            for other in sorted({*away, *home}):
                ack = apply_op(backend, world.home, actor,
                               envelope(op_type, {**base, name: other}))
                assert_refused(ack, NOT_FOUND)
                tried += 1
    assert tried
    assert everything(backend, world) == before


# ---- property 2: hostile envelopes, and who sends them ---------------------------------

def test_hostile_envelopes_are_refused_and_change_nothing(shared):
    backend, world = shared
    actor = world.actors["facilitator"]["id"]
    valid = envelope("persona.rename", world.base("facilitator", "persona.rename"))
    baseline = Baseline(lambda: everything(backend, world))

    @examples(backend, on_sqlite=250, on_postgres=50)
    @given(envelope_mutations(valid))
    def check(mutation):
        event(f"mutation: {mutation.kind} {mutation.field}")
        raw = mutation.payload
        if isinstance(raw, dict) and raw.get("op_id") == valid["op_id"]:
            raw = {**raw, "op_id": uuid.uuid4().hex}  # never a retry of an earlier op
        note(f"{mutation.kind} {mutation.field!r}: {shown(raw)}")
        ack = apply_op(backend, world.home, actor, raw)
        change = baseline.catch_up()
        assert_refused(ack, mutation.expected)
        assert_unchanged(change)

    check()


def test_ops_from_non_members_are_refused(shared):
    backend, world = shared
    before = everything(backend, world)
    for who, code in (("nobody", "unauthenticated"), ("removed", "unauthenticated"),
                      ("outsider", "unauthenticated"), ("observer", "forbidden")):
        actor = world.actors[who]["id"] if who != "nobody" else None
        for op_type in sorted(OPS):
            ack = apply_op(backend, world.home, actor,
                           envelope(op_type, world.base("facilitator", op_type)))
            assert_refused(ack, frozenset({code}))
    assert everything(backend, world) == before


def test_hostile_actor_and_workshop_ids_are_refused(shared):
    backend, world = shared
    fac = world.actors["facilitator"]["id"]
    data = world.base("facilitator", "persona.rename")
    ids = st.one_of(odd_text(8), st.sampled_from(["", " ", "x" * 100_000, world.away]),
                    st.sampled_from(sorted(world.ids)), st.sampled_from(world.foreign))
    baseline = Baseline(lambda: everything(backend, world))

    @examples(backend, on_sqlite=120, on_postgres=30)
    @given(st.one_of(st.tuples(st.just("actor"), ids.filter(lambda i: i != fac)),
                     st.tuples(st.just("workshop"), ids.filter(lambda i: i != world.home))))
    def check(case):
        which, value = case
        event(which)
        note(f"{which} id {shown(value)}")
        raw = envelope("persona.rename", data)
        if which == "actor":
            ack = apply_op(backend, world.home, value, raw)
        else:
            ack = apply_op(backend, value, fac, raw)
        change = baseline.catch_up()
        assert_refused(ack, frozenset({"unauthenticated", "forbidden", "not_found"}))
        assert_unchanged(change)

    check()


# ---- explicit cases for the bugs found -------------------------------------------------

NUL_DATA = {  # case -> (op type, field, value); the rest of the payload is the valid base
    "text of a note": ("assumption.add", "text", "a\x00b"),
    "name of a persona": ("persona.add", "name", "\x00Ann"),
    "text of a comment": ("comment.add", "text", "hi\x00"),
    "id of a persona": ("assumption.add", "persona_id", "\x00"),
    "id of a note": ("vote.cast", "assumption_id", "n\x00"),
    "id of a group": ("group.rename", "id", "\x00"),
    "id of a comment": ("comment.delete", "id", "\x00"),
}


@pytest.mark.parametrize("case", sorted(NUL_DATA))
def test_nul_in_data_is_refused_on_every_database(shared, case):
    """NUL never reaches the database (PostgreSQL would refuse it): ids and text refuse it."""
    backend, world = shared
    op_type, field, value = NUL_DATA[case]
    before = everything(backend, world)
    ack = apply_op(backend, world.home, world.actors["facilitator"]["id"],
                   envelope(op_type, {**world.base("facilitator", op_type), field: value}))
    assert_refused(ack, INVALID | NOT_FOUND)
    assert everything(backend, world) == before


@pytest.mark.parametrize("where", ["op_id", "actor id", "workshop id"])
def test_nul_in_the_envelope_is_refused(shared, where):
    backend, world = shared
    fac = world.actors["facilitator"]["id"]
    raw = envelope("phase.set", {"phase": "collect"})  # applied, it changes nothing else
    if where == "op_id":
        assert_refused(apply_op(backend, world.home, fac, {**raw, "op_id": "op\x00"}), INVALID)
    elif where == "actor id":
        assert_refused(apply_op(backend, world.home, fac + "\x00", raw),
                       frozenset({"unauthenticated"}))
    else:
        assert_refused(apply_op(backend, world.home + "\x00", fac, raw),
                       frozenset({"not_found"}))


PYTHON_SPACE = {  # op type -> (free-text field, a value of white space only to Python)
    "persona.add": ("name", "\x1c"),
    "persona.rename": ("name", "\x1d\x1e"),
    "assumption.add": ("text", PYTHON_ONLY_SPACE),
    "assumption.edit": ("text", " \x1f "),
    "group.rename": ("title", "\x1c\t"),
    "comment.add": ("text", "\x1e"),
}


@pytest.mark.parametrize("op_type", sorted(PYTHON_SPACE))
def test_python_only_whitespace_text_is_refused(shared, op_type):
    backend, world = shared
    field, value = PYTHON_SPACE[op_type]
    before = everything(backend, world)
    ack = apply_op(backend, world.home, world.actors["facilitator"]["id"],
                   envelope(op_type, {**world.base("facilitator", op_type), field: value}))
    assert_refused(ack, INVALID)
    assert everything(backend, world) == before


def test_unicode_whitespace_text_is_refused(shared):
    """The same fields refuse Unicode White_Space too."""
    backend, world = shared
    before = everything(backend, world)
    for op_type, (field, _) in sorted(PYTHON_SPACE.items()):
        ack = apply_op(backend, world.home, world.actors["facilitator"]["id"], envelope(
            op_type, {**world.base("facilitator", op_type), field: "\u2003\u3000\x85\u2028"}))
        assert_refused(ack, INVALID)
    assert everything(backend, world) == before


def test_joining_with_a_python_only_whitespace_name_is_refused(shared):
    backend, world = shared
    with pytest.raises(ServiceError) as refused:
        workshops.join_workshop(backend, {"token": world.tokens["participant"],
                                          "name": "\x1c\x1f", "team": "Support"})
    assert refused.value.code == "invalid"
