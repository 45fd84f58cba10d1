"""Hostile inputs for property tests: strategies, and a two-workshop world to aim them at.

Every strategy here builds payloads that are invalid for one known reason (a wrong type, a
string too long, an unknown field, an id of another workshop, ...), derived from the pydantic
schema of each op in the op registry (`workshop.ops.catalogue.OPS`), so ops added later are
covered without touching these tests. Lone surrogates and NUL are left out of the generated
text on purpose: they have explicit test cases of their own (see the tests using this module).
"""

from __future__ import annotations

import base64
import json
import re
import reprlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import select

from tests.helpers import add_note, comparable, first_persona, make_member, make_workshop, send
from tests.profiles_data import AS_OF, customer_csv
from workshop.domain.categories import CATEGORY_KEYS
from workshop.models import Base, Participant
from workshop.ops.catalogue import OPS
from workshop.reads.snapshot import snapshot
from workshop.services import exports
from workshop.services.errors import STATUS_BY_CODE

KNOWN_CODES = frozenset(STATUS_BY_CODE)

# White space that both pydantic's strip (Unicode White_Space) and str.strip() remove.
UNICODE_SPACE = (" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                 "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# str.isspace() is true for these four separators, but they are not Unicode White_Space,
# so pydantic does not strip them (see test_python_only_whitespace_* in the tests).
PYTHON_ONLY_SPACE = "\x1c\x1d\x1e\x1f"

ODD_PIECES = (
    "\u200f", "\u200e", "\u202e", "\u2067", "\u2069",  # RTL/LTR marks, override, isolates
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width space/joiners, BOM
    "e\u0301", "a\u0308\u0308\u0308", "\u20dd", "Z\u0338\u0322\u031b\u0349\u0300",  # combining
    "\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # emoji, ZWJ
    "\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f1e9\U0001f1ea",  # flags
    "\ufdfa", "\U0001242b", "\u0130", "\u01c5", "\u00df", "\ufffd", "\uffff", "\U0010ffff",
    "\x01", "\x1b[31m", "\x7f", "<script>", "'; DROP TABLE events; --", "%s%n", "{{7*7}}",
)
# Neither surrogates (not encodable) nor NUL (PostgreSQL refuses it in text) nor the four
# separators that only Python counts as white space.
_EXCLUDED = "\x00" + PYTHON_ONLY_SPACE
_char = st.characters(exclude_categories=("Cs",), exclude_characters=_EXCLUDED)
_piece = st.one_of(_char, st.sampled_from(ODD_PIECES))
# Non-white-space material for strings that must stay long after stripping.
FILL = tuple(p for p in ODD_PIECES if p.strip() == p) + ("x", "\u00e9", "\u4e2d")

HUGE_INTS = (2**31, 2**53 + 1, 2**63, 2**64, -(2**63) - 1, 10**30, -(10**30), 10**100)


def odd_text(max_pieces: int = 12) -> st.SearchStrategy[str]:
    """Text mixing any Unicode (bar surrogates and NUL) with the odd pieces above."""
    return st.lists(_piece, max_size=max_pieces).map("".join)


def nested(depth: int, leaf: Any, shape: str) -> Any:
    """A value nested `depth` levels deep in dicts, lists, or both alternately."""
    value = leaf
    for level in range(depth):
        as_dict = shape == "dict" or (shape == "mixed" and level % 2)
        value = {"k": value} if as_dict else [value]
    return value


deep_values = st.builds(nested, st.integers(50, 200), st.sampled_from([0, "x", None, {}]),
                        st.sampled_from(["dict", "list", "mixed"]))

scalar_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE_INTS),
    st.floats(), st.sampled_from([0.0, -0.0, 1.0, 5.0, 1e308, float("inf")]),
    odd_text(), st.binary(max_size=8),  # bytes: Socket.IO clients can send binary attachments
)
hostile_values = st.one_of(
    scalar_values,
    st.lists(scalar_values, max_size=3),
    st.dictionaries(odd_text(4), scalar_values, max_size=3),
    deep_values,
)
json_scalar_values = st.one_of(  # what survives a JSON round trip unchanged
    st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=False, allow_infinity=False), odd_text())
json_values = st.one_of(
    json_scalar_values, st.lists(json_scalar_values, max_size=3),
    st.dictionaries(odd_text(4), json_scalar_values, max_size=3), deep_values)


def json_type(value: Any) -> str:
    """The JSON Schema type of a Python value (`bytes` and others have none)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


# ---- what the schemas say --------------------------------------------------------------

@dataclass(frozen=True)
class FieldRule:
    """One field of a payload schema, as its JSON Schema describes it."""

    name: str
    types: frozenset[str] | None  # None: a shape these tests do not understand
    required: bool
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple | None = None
    max_items: int | None = None
    item: FieldRule | None = None

    def accepts_type(self, value: Any) -> bool:
        kind = json_type(value)
        return kind in self.types or (kind == "integer" and "number" in self.types)


def _rule(name: str, prop: dict, required: bool) -> FieldRule:
    branches = prop.get("anyOf", [prop])
    types: set[str] = set()
    enum: list = []
    limits: dict[str, int] = {}
    item = None
    understood = True
    for branch in branches:
        if "enum" in branch or "const" in branch:
            enum.extend(branch.get("enum", [branch.get("const")]))
            types.add(branch.get("type", "string"))
        elif "type" in branch:
            types.add(branch["type"])
        else:
            understood = False  # a $ref or an unconstrained value
        for key, to in (("minLength", "min_length"), ("maxLength", "max_length"),
                        ("minimum", "minimum"), ("maximum", "maximum"),
                        ("maxItems", "max_items")):
            if key in branch:
                limits[to] = branch[key]
        if branch.get("type") == "array" and "items" in branch:
            item = _rule(f"{name}[]", branch["items"], True)
    return FieldRule(name, frozenset(types) if understood else None, required,
                     enum=tuple(enum) or None, item=item, **limits)


def rules_of(model) -> list[FieldRule]:
    """The field rules of a pydantic payload model."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [_rule(name, prop, name in required)
            for name, prop in schema.get("properties", {}).items()]


# Fields checked against a closed set by the handler rather than by the schema.
CLOSED_SETS = {"category": CATEGORY_KEYS}


def synthesized_base(model) -> dict:
    """A schema-shaped payload for an op without a hand-written base (ids exist nowhere)."""
    base = {}
    for rule in rules_of(model):
        types = rule.types or frozenset({"null"})
        if rule.enum:
            base[rule.name] = rule.enum[0]
        elif "string" in types:
            base[rule.name] = (uuid.uuid4().hex if rule.name.endswith("id")
                               else "x" * max(rule.min_length or 1, 1))
        elif "integer" in types or "number" in types:
            base[rule.name] = rule.minimum if rule.minimum is not None else 0
        elif "boolean" in types:
            base[rule.name] = False
        elif "array" in types:
            base[rule.name] = []
        elif "object" in types:
            base[rule.name] = {}
        else:
            base[rule.name] = None
    return base


# ---- mutations -------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutation:
    """A payload made invalid on purpose, why, and the error codes that may answer it."""

    kind: str
    field: str | None
    payload: Any
    expected: frozenset[str]


INVALID = frozenset({"invalid"})
NOT_FOUND = frozenset({"not_found"})


def _with(base: dict, name: str, value: Any) -> dict:
    return {**base, name: value}


def _enum_variants(values) -> list[str]:
    variants = []
    for value in map(str, values):
        variants += [value.upper(), value.title(), f" {value}", f"{value} ", f"{value}\u200b",
                     "\u202e" + value, value.replace("a", "\u0430").replace("e", "\u0435"),
                     value * 2, value[:-1], value.replace(".", "_")]
    return variants


def _long_string(rule: FieldRule) -> st.SearchStrategy[str]:
    limit = rule.max_length
    sizes = [limit + 1, limit + 2, 2 * limit + 1, 100_000]
    return st.builds(lambda n, fill: (fill * n)[:n], st.sampled_from(sizes),
                     st.sampled_from(FILL))


def field_mutations(base: dict, rule: FieldRule, ids: dict[str, str] | None = None,
                    foreign: tuple[str, ...] = (), values=hostile_values,
                    ) -> list[st.SearchStrategy[Mutation]]:
    """Strategies that each break one field of a valid base payload."""
    name, out = rule.name, []

    def make(kind, values, expected=INVALID):
        out.append(st.builds(lambda v: Mutation(kind, name, _with(base, name, v), expected),
                             values))

    types = rule.types
    if types is not None:
        make("wrong type", values.filter(lambda v: not rule.accepts_type(v)))
        if not types & {"object", "array"}:
            make("deep nesting", deep_values)
    is_string = types is not None and "string" in types
    if is_string and rule.max_length is not None:
        make("too long", _long_string(rule))
    if is_string and ((rule.min_length or 0) >= 1 or rule.enum):
        make("empty", st.just(""))
        make("white space only", st.text(UNICODE_SPACE, min_size=1, max_size=40),
             INVALID | NOT_FOUND)  # ids are not trimmed: "  " is an unknown id
    if rule.enum:
        make("bad enum", st.one_of(st.sampled_from(_enum_variants(rule.enum)),
                                   odd_text(8)).filter(lambda v: v not in rule.enum))
    if name in CLOSED_SETS:
        closed = CLOSED_SETS[name]
        make("unknown value", st.one_of(st.sampled_from(_enum_variants(sorted(closed))),
                                        odd_text(8)).filter(lambda v: v not in closed))
    if types is not None and types & {"integer", "number"}:
        below = [] if rule.minimum is None else [
            st.integers(max_value=rule.minimum - 1), st.sampled_from([-(2**63), -(10**100)])]
        above = [] if rule.maximum is None else [
            st.integers(min_value=rule.maximum + 1), st.sampled_from(HUGE_INTS[:6])]
        if below or above:
            make("out of range", st.one_of(*below, *above))
    if rule.max_items is not None and rule.item is not None:
        make("too many items", st.builds(lambda n: ["x"] * n,
                                         st.integers(rule.max_items + 1, rule.max_items + 50)))
    if rule.item is not None and rule.item.types is not None:
        item = rule.item
        bad_items = values.filter(lambda v: not item.accepts_type(v))
        if item.max_length is not None:
            bad_items = st.one_of(bad_items, _long_string(item))
        make("bad item", st.lists(bad_items, min_size=1, max_size=3))
    if rule.required:
        out.append(st.just(Mutation("missing", name,
                                    {k: v for k, v in base.items() if k != name}, INVALID)))
    if ids is not None and isinstance(base.get(name), str) and base[name] in ids:
        kind = ids[base[name]]
        others = sorted({*foreign, *(i for i, k in ids.items() if k != kind)})
        make("foreign id", st.sampled_from(others), NOT_FOUND)
    return out


def unknown_field(base: dict, names: set[str], values=hostile_values,
                  ) -> st.SearchStrategy[Mutation]:
    """An extra field the schema does not know (unknown fields are refused)."""
    keys = st.one_of(
        odd_text(6),
        st.sampled_from([n.upper() for n in names] + [f"{n} " for n in names]
                        + ["__proto__", "constructor", "$where", "op_id", "type", "data", "id",
                           "actor", "seq", "votes_revealed", "timer", "role", "author_id"]),
    ).filter(lambda key: key not in names)
    return st.builds(lambda key, value: Mutation("unknown field", key, {**base, key: value},
                                                 INVALID), keys, values)


def payload_mutations(model, base: dict, ids: dict[str, str] | None = None,
                      foreign: tuple[str, ...] = (), values=hostile_values,
                      ) -> st.SearchStrategy[Mutation]:
    """Every way of breaking one thing in `base`, for a payload model.

    `values` are the wrong-typed values to try: pass `json_values` where the payload must
    survive JSON (HTTP bodies).
    """
    rules = rules_of(model)
    strategies = [unknown_field(base, {r.name for r in rules}, values)]
    for rule in rules:
        strategies += field_mutations(base, rule, ids, foreign, values)
    return st.one_of(strategies)


# ---- the op envelope --------------------------------------------------------------------

def envelope_mutations(valid: dict, values=hostile_values,
                       python_keys: bool = True) -> st.SearchStrategy[Mutation]:
    """Ways of breaking the op envelope around a valid op (non-string keys unless JSON)."""
    keys = ("op_id", "type", "data")
    unknown_types = st.one_of(
        st.sampled_from(_enum_variants(sorted(OPS)) + ["persona", "ops", "__class__", "*"]),
        odd_text(8)).filter(lambda t: OPS.resolve(t) is None and 0 < len(t) <= 40)
    strategies = [
        st.builds(lambda raw: Mutation("not an object", None, raw, INVALID),
                  values.filter(lambda v: not isinstance(v, dict))),
        st.builds(lambda drop: Mutation("missing", ",".join(drop),
                                        {k: v for k, v in valid.items() if k not in drop},
                                        INVALID),
                  st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)),
        st.builds(lambda raw: Mutation("unknown type", "type", raw, frozenset({"unknown_op"})),
                  unknown_types.map(lambda t: {**valid, "type": t})),
        st.builds(lambda key, value: Mutation("unknown field", str(key), {**valid, key: value},
                                              INVALID),
                  st.one_of(odd_text(6).filter(lambda k: k not in keys),
                            *([st.integers(), st.none()] if python_keys else [])),
                  values),
        st.builds(lambda v: Mutation("data not an object", "data", {**valid, "data": v},
                                     INVALID),
                  values.filter(lambda v: not isinstance(v, dict))),
    ]
    for name, limit in (("op_id", 64), ("type", 40)):
        rule = FieldRule(name, frozenset({"string"}), True, min_length=1, max_length=limit)
        for kind, broken in (("wrong type",
                              values.filter(lambda v: not isinstance(v, str))),
                             ("too long", _long_string(rule)), ("empty", st.just(""))):
            strategies.append(st.builds(
                lambda v, kind=kind, name=name: Mutation(kind, name, {**valid, name: v},
                                                         INVALID), broken))
    return st.one_of(strategies)


# ---- a world to aim at -----------------------------------------------------------------

# A small customer export (tests/profiles_data.py) for the profile ops' base payloads.
DATASET = {"name": "CRM export", "as_of": AS_OF.isoformat(),
           "content_base64": base64.b64encode(customer_csv(300)).decode()}


@dataclass

class World:
    """A home workshop with every kind of thing in it, and an away workshop like it."""

    home: str
    away: str
    tokens: dict[str, str]  # role -> link token of the home workshop
    actors: dict[str, dict]  # facilitator, participant, observer, removed, outsider
    ids: dict[str, str]  # home id -> its kind (persona, note, group, comment, participant)
    named: dict[str, str]  # readable name -> home id
    foreign: tuple[str, ...]  # every id of the away workshop
    foreign_kinds: dict[str, str] = field(default_factory=dict)  # away id -> its kind
    bases: dict[str, dict[str, dict]] = field(default_factory=dict)  # role -> op -> data
    strategies: dict[tuple, Any] = field(default_factory=dict, repr=False)

    def base(self, role: str, op_type: str) -> dict:
        """A payload of `op_type` that `role` could send successfully right now."""
        known = self.bases[role].get(op_type) or self.bases["facilitator"].get(op_type)
        if known is not None:
            return dict(known)
        return synthesized_base(OPS[op_type].schema)

    def expected(self, role: str, op_type: str, mutation: Mutation) -> frozenset[str]:
        """The codes a refused op may carry: the role's rights come before the payload."""
        if not OPS.may_send(self.actors[role]["role"], op_type):
            return frozenset({"forbidden"})
        if op_type not in self.bases["facilitator"] and mutation.kind == "foreign id":
            return KNOWN_CODES  # a synthesized base may fail on something else first
        return mutation.expected


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack["event"]["data"]


def _populate(backend, created, facilitator: dict, author: dict) -> dict[str, str]:
    """Notes (two of them grouped), a comment on a note and one on the group."""
    wid = created.id
    notes = [_ok(add_note(backend, wid, who, text))["assumption"]["id"] for who, text in (
        (facilitator, "Hates paperwork"), (facilitator, "Dislikes forms"),
        (author, "Prefers WhatsApp"), (facilitator, "Reads reviews"))]
    group = _ok(send(backend, wid, facilitator["id"], "group.add",
                     {"assumption_id": notes[0], "onto_id": notes[1]}))["groups"][0]["id"]
    # A second group, to merge onto the first (group.merge).
    pair = [_ok(add_note(backend, wid, facilitator, text))["assumption"]["id"]
            for text in ("Files taxes late", "Avoids tax forms")]
    second_group = _ok(send(backend, wid, facilitator["id"], "group.add",
                            {"assumption_id": pair[0], "onto_id": pair[1]}))["groups"][0]["id"]
    on_note = _ok(send(backend, wid, author["id"], "comment.add", {
        "target_type": "assumption", "target_id": notes[2], "text": "Source?"}))
    on_group = _ok(send(backend, wid, facilitator["id"], "comment.add", {
        "target_type": "group", "target_id": group, "text": "Same idea"}))
    persona = first_persona(backend, wid, facilitator)
    research = _ok(send(backend, wid, author["id"], "research_note.add", {
        "title": "Interview with Anna", "source_type": "interview",
        "body": "Anna pays every bill **on her phone**."}))["note"]["id"]
    link = _ok(send(backend, wid, author["id"], "evidence.link", {
        "note_id": research, "assumption_id": notes[2], "relation": "supports",
        "quote": "on her phone"}))["link"]["id"]
    # Profiles: a small customer export, two segments, the persona tied, a claim.
    dataset = _ok(send(backend, wid, facilitator["id"], "dataset.import",
                       DATASET))["dataset"]["id"]
    segments = [_ok(send(backend, wid, facilitator["id"], "segment.define", {
        "dataset_id": dataset, "name": name,
        "rule": {"column": "segment", "test": "equals", "value": name}}))["segment"]["id"]
        for name in ("Students", "Retirees")]
    _ok(send(backend, wid, facilitator["id"], "persona.tie",
             {"persona_id": persona, "segment_id": segments[0]}))
    claim = _ok(send(backend, wid, facilitator["id"], "claim.set", {
        "persona_id": persona, "field": "identity.age_range", "column": "age",
        "text": "18 to 25"}))["claim"]["id"]
    _ok(send(backend, wid, facilitator["id"], "phase.set", {"phase": "merge"}))
    _ok(send(backend, wid, facilitator["id"], "document.create", {"persona_id": persona}))
    exported = exports.export_persona(backend, wid, facilitator, persona, "json").content
    second = _ok(send(backend, wid, facilitator["id"], "persona.add",
                      {"name": "Second customer"}))["persona"]["id"]
    # Reach: a share link, an API token and a webhook to rotate, revoke and remove.
    shared = _ok(send(backend, wid, facilitator["id"], "share.create",
                      {"persona_id": persona}))["id"]
    token = _ok(send(backend, wid, facilitator["id"], "api_token.create",
                     {"label": "Wiki"}))["id"]
    _ok(send(backend, wid, facilitator["id"], "webhook.set",
             {"url": "https://hooks.example.org/personas"}))
    # After the workshop: an agreed third persona, a usage of it and a research question.
    third = _ok(send(backend, wid, facilitator["id"], "persona.add",
                     {"name": "Third customer"}))["persona"]["id"]
    agreed = _ok(add_note(backend, wid, author, "Cycles to work", persona_id=third))[
        "assumption"]["id"]
    _ok(send(backend, wid, facilitator["id"], "decision.set", {
        "target_type": "assumption", "target_id": agreed, "decision": "accepted"}))
    _ok(send(backend, wid, facilitator["id"], "document.create", {"persona_id": third}))
    _ok(send(backend, wid, facilitator["id"], "document.agree", {"persona_id": third,
                                                                 "number": 1}))
    usage = _ok(send(backend, wid, author["id"], "usage.add", {
        "persona_id": third, "title": "Roadmap", "date": "2026-11-30",
        "traits": [f"a:{agreed}"]}))["usage"]["id"]
    question = _ok(send(backend, wid, author["id"], "question.add", {
        "persona_id": third, "trait": f"a:{agreed}", "question": "Do they cycle?",
        "owner": "Sam", "method": "Interviews", "due": "2027-01-31"}))["question"]["id"]
    return {"persona": persona, "n1": notes[0], "p3": third, "t3": f"a:{agreed}",
            "u1": usage, "q1": question,
            "n2": notes[1], "n3": notes[2], "n4": notes[3], "group": group,
            "g2": second_group,
            "c1": on_note["comment"]["id"], "c2": on_group["comment"]["id"],
            "r1": research, "l1": link, "p2": second, "s1": shared, "t1": token,
            "export": json.loads(exported),
            "d1": dataset, "sg1": segments[0], "sg2": segments[1], "k1": claim}


def lift_rate_limit(backend) -> None:
    """These tests send hundreds of ops a second: keep a real limiter, at a rate never hit."""
    limiter = getattr(backend, "rate_limiter", None)
    if limiter is not None:
        backend.rate_limiter = type(limiter)("1000000/second")


def build_world(backend) -> World:
    """Create the home and away workshops through the real services."""
    lift_rate_limit(backend)
    # The world's webhook is there to be changed or refused by ops, not delivered: a sender
    # working in the background would move the very rows these tests compare.
    sender = getattr(backend, "webhooks", None)
    if sender is not None:
        sender.stop()
    home = make_workshop(backend, "Home workshop", ["Marketing", "Support"])
    fac = make_member(backend, home.facilitator_token, "Fran", "Marketing")
    sam = make_member(backend, home.invite_token, "Sam", "Support")
    xena = make_member(backend, home.invite_token, "Xena", "Support")
    olga = make_member(backend, home.observer_token, "Olga", "")
    rex = make_member(backend, home.invite_token, "Rex", "Support")
    with backend.db.writing() as session:  # removed without depending on any op
        session.get(Participant, rex["id"]).removed = True
        session.commit()
    named = _populate(backend, home, fac, sam)
    named.update(fac=fac["id"], sam=sam["id"], xena=xena["id"], olga=olga["id"], rex=rex["id"])
    _ok(send(backend, home.id, fac["id"], "timer.start", {"seconds": 600}))

    away = make_workshop(backend, "Away workshop", ["Marketing", "Support"])
    away_fac = make_member(backend, away.facilitator_token, "Alex", "Marketing")
    away_sam = make_member(backend, away.invite_token, "Ari", "Support")
    foreign = _populate(backend, away, away_fac, away_sam)
    foreign.pop("export")  # not an id
    foreign.pop("t3")  # a document item id, not a row's id
    foreign.update(fac=away_fac["id"], sam=away_sam["id"])

    kinds = {"persona": "persona", "n1": "note", "n2": "note", "n3": "note", "n4": "note",
             "group": "group", "g2": "group", "c1": "comment", "c2": "comment",
             "fac": "participant", "sam": "participant", "xena": "participant",
             "olga": "participant", "rex": "participant", "r1": "research note",
             "l1": "evidence link",
             "p2": "persona", "s1": "share link", "t1": "api token", "p3": "persona",
             "u1": "usage", "q1": "research question",
             "d1": "dataset", "sg1": "segment", "sg2": "segment",
             "k1": "claim"}
    world = World(
        home=home.id, away=away.id,
        tokens={"facilitator": home.facilitator_token, "participant": home.invite_token,
                "observer": home.observer_token},
        actors={"facilitator": fac, "participant": sam, "observer": olga, "removed": rex,
                "outsider": away_fac},
        ids={named[key]: kind for key, kind in kinds.items()}, named=named,
        foreign=tuple(sorted(foreign.values())) + (away.id,),
        foreign_kinds={foreign[key]: kind for key, kind in kinds.items() if key in foreign})
    n = named
    world.bases["facilitator"] = {
        "persona.add": {"name": "Second customer"},
        "persona.rename": {"id": n["persona"], "name": "Renamed customer"},
        "persona.delete": {"id": n["p2"], "confirm": True},
        "assumption.add": {"persona_id": n["persona"], "category": "goals",
                           "text": "Wants fewer forms"},
        "assumption.edit": {"id": n["n4"], "text": "Reads reviews at night"},
        "assumption.delete": {"id": n["n4"]},
        "vote.cast": {"assumption_id": n["n4"], "stance": "agree", "dots": 1},
        "phase.set": {"phase": "vote"},
        "settings.update": {"dot_budget": 6},
        "reveal": {"what": "notes"},
        "timer.start": {"seconds": 60},
        "timer.extend": {"seconds": 60},
        "timer.stop": {},
        "group.add": {"assumption_id": n["n4"], "onto_id": n["n3"]},
        "group.remove": {"assumption_id": n["n1"]},
        "group.dissolve": {"id": n["group"]},
        "group.merge": {"id": n["g2"], "onto_id": n["group"]},
        "group.rename": {"id": n["group"], "title": "Paperwork"},
        "decision.set": {"target_type": "group", "target_id": n["group"],
                         "decision": "accepted", "reason": "Everyone agrees", "text": None},
        "comment.add": {"target_type": "assumption", "target_id": n["n3"], "text": "Why?"},
        "comment.delete": {"id": n["c2"]},
        "invite.rotate": {"role": "participant"},
        "participant.remove": {"id": n["xena"]},
        "research_note.add": {"title": "Survey", "source_type": "survey",
                              "body": "62% pay by phone", "tags": ["mobile"]},
        "research_note.edit": {"id": n["r1"], "title": "Interview with Anna, again"},
        "research_note.delete": {"id": n["r1"]},
        "research_notes.import": {"notes": [{"title": "Tickets", "source_type": "support",
                                             "body": "Invoices"}]},
        "evidence.link": {"note_id": n["r1"], "assumption_id": n["n4"],
                          "relation": "contradicts", "quote": "every bill"},
        "evidence.unlink": {"id": n["l1"]},
        "document.create": {"persona_id": n["p2"]},
        "document.save": {"persona_id": n["persona"], "path": "identity.name",
                          "value": "Anouk", "base_rev": 0},
        "document.picture": {"persona_id": n["persona"], "picture": None, "base_rev": 0},
        "document.sign": {"persona_id": n["persona"], "number": 1},
        "document.agree": {"persona_id": n["persona"], "number": 1},
        "persona.import": {"export": n["export"]},
        "share.create": {"persona_id": n["persona"], "version": None},
        "share.rotate": {"id": n["s1"]},
        "share.revoke": {"id": n["s1"]},
        "api_token.create": {"label": "Tracker"},
        "api_token.revoke": {"id": n["t1"]},
        "webhook.set": {"url": "https://hooks.example.org/other", "rotate_secret": False},
        "webhook.remove": {},
        "library.list": {"listed": True},
        "review.start": {"persona_id": n["p3"]},
        "usage.add": {"persona_id": n["p3"], "title": "Spring campaign",
                      "link": "https://wiki.example/spring", "date": "2026-12-01",
                      "team": "Marketing", "traits": [n["t3"]]},
        "usage.edit": {"id": n["u1"], "title": "Roadmap 2027", "link": "", "date": "2026-11-30",
                       "team": "Product", "traits": [n["t3"]]},
        "usage.remove": {"id": n["u1"]},
        "question.add": {"persona_id": n["p3"], "trait": n["t3"], "question": "How often?",
                         "owner": "Fran", "method": "Ride data", "due": "2027-02-28"},
        "question.edit": {"id": n["q1"], "question": "How far?", "owner": "Sam",
                          "method": "Survey", "due": "2027-03-31"},
        "question.remove": {"id": n["q1"]},
        "dataset.import": {**DATASET, "name": "CRM again"},
        "dataset.map": {"id": n["d1"], "roles": {"gender": "attribute"}},
        "dataset.weight": {"id": n["d1"], "column": "revenue"},
        "dataset.delete": {"id": n["d1"]},
        "segment.define": {"dataset_id": n["d1"], "name": "Urban families",
                           "rule": {"column": "segment", "test": "equals",
                                    "value": "Urban families"}},
        "segment.change": {"id": n["sg2"], "name": "Over 60"},
        "segment.remove": {"id": n["sg2"]},
        "persona.tie": {"persona_id": n["p2"], "segment_id": n["sg2"]},
        "claim.set": {"persona_id": n["persona"], "field": "identity.location",
                      "column": "city", "kind": "most_common", "text": "Amsterdam"},
        "claim.clear": {"id": n["k1"]},
        "claims.recheck": {},
    }
    world.bases["participant"] = {
        "assumption.edit": {"id": n["n3"], "text": "Prefers WhatsApp, not mail"},
        "assumption.delete": {"id": n["n3"]},
        "vote.cast": {"assumption_id": n["n3"], "stance": "disagree", "dots": 2},
        "comment.delete": {"id": n["c1"]},
    }
    return world


def mutations_for(world: World, role: str, op_type: str,
                  values=hostile_values) -> st.SearchStrategy[Mutation]:
    """Hostile `data` for one op type, aimed at the home workshop (built once per world)."""
    key = (role, op_type, id(values))
    if key not in world.strategies:
        world.strategies[key] = payload_mutations(
            OPS[op_type].schema, world.base(role, op_type), world.ids, world.foreign, values)
    return world.strategies[key]


def id_fields(world: World, role: str, op_type: str) -> list[str]:
    """Fields of an op's base payload that hold an id of the home workshop."""
    return [name for name, value in world.base(role, op_type).items()
            if isinstance(value, str) and value in world.ids]


def free_text_fields(world: World, role: str, op_type: str) -> list[FieldRule]:
    """Fields of an op's base payload that hold free text (not ids, enums or closed sets)."""
    base = world.base(role, op_type)
    return [rule for rule in rules_of(OPS[op_type].schema)
            if rule.types and "string" in rule.types and not rule.enum
            and rule.max_length is not None and rule.name not in CLOSED_SETS
            and isinstance(base.get(rule.name), str) and base[rule.name] not in world.ids]


# Free text refuses control characters other than tab and newlines (schemas.py).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def valid_odd_text(rule: FieldRule) -> st.SearchStrategy[str]:
    """Odd but valid text for a field: at least one visible character, within the limit,
    and no control characters (those are refused; see test_control_characters_*)."""
    pieces = max(1, min(40, rule.max_length // 8))
    return odd_text(pieces).filter(
        lambda t: len(t.strip()) >= max(rule.min_length or 0, 1)
        and len(t.strip()) <= rule.max_length and not CONTROL.search(t))


# ---- what must not change --------------------------------------------------------------

def database_rows(backend) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with backend.db.reading() as session:
        return {table.name: [tuple(row) for row in session.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for table in Base.metadata.sorted_tables}


def everything(backend, world: World) -> dict:
    """What a refused op must leave as it was: rows, both boards, and what was published."""
    publisher = backend.publisher
    return {
        "rows": database_rows(backend),
        "home": comparable(snapshot(backend, world.home, world.actors["facilitator"])),
        "away": comparable(snapshot(backend, world.away, world.actors["outsider"])),
        "published": {name: len(getattr(publisher, name)) for name in
                      ("events", "direct", "presence", "disconnected")
                      if hasattr(publisher, name)},
    }


class Baseline:
    """The state a refused request must leave alone, read again after each example.

    `catch_up()` is called before any assertion, so a change always moves the baseline:
    Hypothesis's replays of a failing example then fail the same way, instead of every later
    example failing too (which it would report as flaky).
    """

    def __init__(self, read):
        self.read = read
        self.state = read()

    def catch_up(self) -> tuple | None:
        """(before, now) if the state changed since the last call, else None."""
        now = self.read()
        if now == self.state:
            return None
        before, self.state = self.state, now
        return before, now


def assert_unchanged(change: tuple | None) -> None:
    """Fail, with pytest's diff, on a change reported by Baseline.catch_up()."""
    if change is not None:
        before, now = change
        assert now == before, "a refused request changed stored data"


_short = reprlib.Repr()
_short.maxstring, _short.maxother, _short.maxlevel = 160, 160, 8


def shown(value: Any) -> str:
    """A short repr for hypothesis.note (huge strings and deep nesting abbreviated)."""
    return _short.repr(value)


def leaves(value: Any) -> list:
    """Every scalar inside a JSON-like value."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def assert_refused(ack: Any, expected: frozenset[str]) -> None:
    """An error ack with a known code from `expected` and a message for people."""
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    error = ack["error"]
    assert set(error) == {"code", "message"}, error
    assert error["code"] in KNOWN_CODES, error
    assert error["code"] in expected, (error, sorted(expected))
    assert isinstance(error["message"], str) and error["message"].strip(), error
