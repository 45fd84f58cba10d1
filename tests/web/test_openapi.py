"""The OpenAPI document: valid, complete, generated from the models, and fuzzed in-process."""

from __future__ import annotations

import re
import uuid

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from workshop.domain.events import EVENTS
from workshop.ops.catalogue import OPS
from workshop.services.errors import STATUS_BY_CODE
from workshop.services.rate_limit import OpRateLimiter
from workshop.services.schemas import CreateWorkshop, JoinWorkshop
from workshop.web.openapi import REF_TEMPLATE, build_openapi

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def documented(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def refs(node) -> list[str]:
    """Every $ref anywhere below a node."""
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def test_the_document_is_valid_openapi_3_1(client):
    document = documented(client)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://localhost"}]
    schemathesis.openapi.from_dict(document).validate()  # the OpenAPI 3.1 meta-schema
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name  # JSON Schema 2020-12
    for ref in refs(document):
        resolve(document, ref)  # raises KeyError when dangling
    assert document["components"]["securitySchemes"]["workshopSession"] == {
        "type": "apiKey", "in": "cookie", "name": "workshop_session",
        "description": "Flask's signed session cookie, set by POST /api/join."}


def test_every_api_route_is_documented_and_nothing_else(app, client):
    document = documented(client)
    routes = set()
    for rule in app.url_map.iter_rules():
        # The API, and the one JSON answer outside it: a shared persona (/p/<token>.json).
        if rule.rule in ("/healthz", "/p/<token>.json") or rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    paths = {(path, method) for path, item in document["paths"].items()
             for method in item if method in HTTP_METHODS}
    assert routes == paths
    for path, method in paths:
        operation = document["paths"][path][method]
        for status, response in operation["responses"].items():
            assert re.fullmatch(r"[1-5][0-9][0-9]", status), (path, method, status)
            # Files (exports) are the only answers that are not JSON, and only when they work.
            media = set(response["content"])
            assert "application/json" in media or (status == "200" and "/export" in path), (
                path, method, status)
        if "{workshop_id}" in path:
            # Reads also take a read-only API token, except the facilitator's own settings.
            reads = method == "get" and not path.endswith(("/links", "/sharing"))
            assert operation["security"] == (
                [{"workshopSession": []}, {"apiToken": []}] if reads
                else [{"workshopSession": []}]), path
    statuses = {status for item in document["paths"].values() for operation in item.values()
                for status in operation["responses"]}
    assert {str(status) for status in STATUS_BY_CODE.values()} <= statuses


def test_the_op_envelope_is_one_of_every_op_type_with_its_model(client):
    document = documented(client)
    envelope = document["components"]["schemas"]["OpEnvelope"]
    body = document["paths"]["/api/workshops/{workshop_id}/ops"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": REF_TEMPLATE.format(model="OpEnvelope")}
    by_type, sent_as = {}, {}
    for variant in envelope["oneOf"]:
        ref = variant["$ref"]
        type_ = resolve(document, ref)["properties"]["type"]
        names = type_["enum"] if "enum" in type_ else [type_["const"]]  # the name, then aliases
        by_type[names[0]] = ref
        sent_as.update(dict.fromkeys(names, ref))
    assert list(by_type) == list(OPS)  # every op type, in registry order, once
    # An old name (docs/protocol.md, Aliases) finds the variant of the op it now names.
    assert envelope["discriminator"] == {"propertyName": "type", "mapping": sent_as}
    assert {old: sent_as[old] for old in OPS.aliases} == {
        old: by_type[new] for old, new in OPS.aliases.items()}
    assert by_type["research_note.add"] == REF_TEMPLATE.format(model="ResearchNoteAddOp")
    for op_type, spec in OPS.items():
        variant = resolve(document, by_type[op_type])
        assert variant["required"] == ["op_id", "type", "data"]
        assert variant["properties"]["data"] == {
            "$ref": REF_TEMPLATE.format(model=spec.schema.__name__)}
        generated = spec.schema.model_json_schema(ref_template=REF_TEMPLATE)
        for name, definition in generated.pop("$defs", {}).items():  # shared components
            assert document["components"]["schemas"][name] == definition
        assert resolve(document, variant["properties"]["data"]["$ref"]) == generated


def test_request_bodies_are_the_pydantic_schemas(client):
    document = documented(client)
    for path, model in (("/api/workshops", CreateWorkshop), ("/api/join", JoinWorkshop)):
        schema = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert resolve(document, schema["schema"]["$ref"]) == model.model_json_schema(
            ref_template=REF_TEMPLATE)


# ---- responses as documented -----------------------------------------------------------

def conforms(document: dict, path: str, method: str, response) -> None:
    """The response's status is documented for that operation and its body matches."""
    document.setdefault("x-seen", set()).add(response.status_code)
    documented_responses = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in documented_responses, (path, method, status, response.get_json())
    schema = documented_responses[status]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    errors = [str(error) for error in validator.iter_errors(response.get_json())]
    assert not errors, (path, method, status, errors)


def test_real_answers_match_the_documented_shapes(app, client):
    document = documented(client)
    post, ops = "post", "/api/workshops/{workshop_id}/ops"
    conforms(document, "/healthz", "get", client.get("/healthz"))
    conforms(document, "/api/workshops", post, client.post("/api/workshops", json={"x": 1}))
    conforms(document, "/api/workshops", post,
             client.post("/api/workshops", data="x", content_type="text/plain"))
    conforms(document, "/api/workshops", post,
             client.post("/api/workshops", json={"title": "t"},
                         headers={"Origin": "https://evil.example"}))
    created = client.post("/api/workshops", json={"title": "Who buys?", "teams": ["Sales"]})
    conforms(document, "/api/workshops", post, created)
    wid = created.get_json()["id"]
    base = f"/api/workshops/{wid}"
    conforms(document, "/api/workshops/{workshop_id}", "get", client.get(base))
    conforms(document, ops, post, client.post(f"{base}/ops", json={
        "op_id": "o0", "type": "timer.stop", "data": {}}))
    token = token_of(created, "facilitator")
    conforms(document, "/api/join", post, client.post("/api/join", json={"token": token + "x",
                                                                         "name": "M"}))
    conforms(document, "/api/join", post, client.post("/api/join", json={"token": token}))
    joined = client.post("/api/join", json={"token": token, "name": "Maria", "team": "Sales"})
    conforms(document, "/api/join", post, joined)
    conforms(document, "/api/join", post, client.post("/api/join", json={"token": token}))
    snapshot = client.get(base).get_json()
    persona = snapshot["personas"][0]["id"]
    add = {"op_id": "o1", "type": "assumption.add",
           "data": {"persona_id": persona, "category": "goals", "text": "Rides to work"}}
    applied = client.post(f"{base}/ops", json=add)
    conforms(document, ops, post, applied)
    conforms(document, ops, post, client.post(f"{base}/ops", json=add))  # duplicate
    note = applied.get_json()["event"]["data"]["assumption"]["id"]
    conforms(document, ops, post, client.post(f"{base}/ops", json={
        "op_id": "o2", "type": "vote.cast",
        "data": {"assumption_id": note, "stance": "agree", "dots": 2}}))
    for refused in ({"op_id": "o3", "type": "nope", "data": {}},
                    {"op_id": "o3", "type": "vote.cast", "data": {"assumption_id": "x"}},
                    {"op_id": "o3", "type": "persona.rename", "data": {"id": "x", "name": "y"}},
                    {"op_id": "o3", "type": "timer.extend", "data": {"seconds": 60}},
                    {"op_id": "o3", "type": "vote.cast",
                     "data": {"assumption_id": note, "stance": None, "dots": 20}}):
        conforms(document, ops, post, client.post(f"{base}/ops", json=refused))
    conforms(document, ops, post, client.post(f"{base}/ops", data="[1]",
                                              content_type="application/json"))
    conforms(document, ops, post, client.post(f"{base}/ops", json=add,
                                              headers={"Origin": "https://evil.example"}))
    conforms(document, "/api/workshops/{workshop_id}", "get", client.get(base))
    for since in ("0", "99999", "-1"):
        conforms(document, "/api/workshops/{workshop_id}/events", "get",
                 client.get(f"{base}/events?since={since}"))
    conforms(document, "/api/workshops/{workshop_id}/divergence", "get",
             client.get(f"{base}/divergence"))
    conforms(document, "/api/workshops/{workshop_id}/links", "get", client.get(f"{base}/links"))
    conforms(document, "/api/workshops/{workshop_id}/progress", "get",
             client.get(f"{base}/progress"))
    for query in (f"?persona={persona}", "", "?persona=nope", "?persona=../x"):
        conforms(document, "/api/workshops/{workshop_id}/duplicates", "get",
                 client.get(f"{base}/duplicates{query}"))
    client.post("/api/join", json={"token": token_of(created, "invite"), "name": "Sam",
                                   "team": "Sales"})  # now a participant: links are 403
    conforms(document, "/api/workshops/{workshop_id}/links", "get", client.get(f"{base}/links"))
    client.post(f"{base}/ops", json={"op_id": "o4", "type": "assumption.add",
                                     "data": {**add["data"], "text": "Sam's"}})
    conforms(document, ops, post, client.post(f"{base}/ops", json={
        "op_id": "o5", "type": "phase.set", "data": {"phase": "vote"}}))
    conforms(document, "/api/workshops/{workshop_id}/divergence", "get",
             client.get(f"{base}/divergence?persona={persona}"))
    conforms(document, ops, post, client.post(f"{base}/ops", json={
        "op_id": "o6", "type": "comment.add",
        "data": {"target_type": "assumption", "target_id": note, "text": "x" * 70_000}}))
    app.extensions["workshop"].rate_limiter = OpRateLimiter("1/minute")
    answers = [client.post(f"{base}/ops", json={**add, "op_id": f"r{i}"}) for i in range(2)]
    assert answers[1].status_code == 429
    for answer in answers:
        conforms(document, ops, post, answer)
    assert document["x-seen"] == {200, 201, 400, 401, 403, 404, 409, 413, 415, 422, 429}


# ---- fuzzing every operation in-process ------------------------------------------------

def operations() -> list:
    """(method, path, mode) for every documented operation; negative where there is free input.

    The workshop id is fixed (see below), so an operation without a query or a body has
    nothing left to break.
    """
    found = []
    for path, item in build_openapi("http://localhost").get("paths", {}).items():
        for method, operation in item.items():
            modes = [GenerationMode.POSITIVE]
            free = [p for p in operation.get("parameters", []) if p["in"] != "path"]
            if free or operation.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            found += [pytest.param(method.upper(), path, mode,
                                   id=f"{method.upper()} {path} {mode.value}") for mode in modes]
    return found


class Member:
    """A facilitator with a team (so may send every op) of a workshop with some content."""

    def __init__(self, app):
        app.extensions["workshop"].rate_limiter = OpRateLimiter("100000/second")  # fuzz freely
        self.client = app.test_client()
        created = self.client.post("/api/workshops",
                                   json={"title": "Fuzzed", "teams": ["Sales", "Support"]})
        self.workshop_id = created.get_json()["id"]
        joined = self.client.post("/api/join", json={"token": token_of(created, "facilitator"),
                                                     "name": "Fuzz", "team": "Sales"})
        assert joined.status_code == 201
        self.cookie = self.client.get_cookie("workshop_session").value
        other = app.test_client()
        other.post("/api/join", json={"token": token_of(created, "invite"), "name": "Sam",
                                      "team": "Support"})
        persona = self.ids("personas")[0]
        for client, text in ((self.client, "Rides to work"), (other, "Saves money"),
                             (self.client, "Fears theft")):
            self.op(client, "assumption.add",
                    {"persona_id": persona, "category": "goals", "text": text})
        first, second, _ = self.ids("assumptions")
        self.op(self.client, "group.add", {"assumption_id": first, "onto_id": second})
        self.op(other, "comment.add", {"target_type": "assumption", "target_id": second,
                                       "text": "Heard it twice"})
        self.op(other, "vote.cast", {"assumption_id": second, "stance": "agree", "dots": 1})

    def op(self, client, type_: str, data: dict) -> None:
        response = client.post(f"/api/workshops/{self.workshop_id}/ops",
                               json={"op_id": uuid.uuid4().hex, "type": type_, "data": data})
        assert response.status_code == 201, response.get_json()

    def ids(self, *keys: str) -> list[str]:
        """Ids currently in the snapshot (as this member sees it)."""
        snapshot = self.client.get(f"/api/workshops/{self.workshop_id}").get_json()
        keys = keys or ("personas", "participants", "assumptions", "groups", "comments")
        return [item["id"] for key in keys for item in snapshot[key]]


def token_of(created, role: str) -> str:
    return created.get_json()[f"{role}_url"].rsplit("/join/", 1)[1]


@pytest.fixture
def member(app):
    return Member(app)


KIND_BY_FIELD = {"persona_id": ["personas"], "assumption_id": ["assumptions"],
                 "onto_id": ["assumptions"], "target_id": ["assumptions", "groups"]}
KIND_BY_PREFIX = {"persona": "personas", "assumption": "assumptions", "group": "groups",
                  "comment": "comments", "participant": "participants"}


def with_real_ids(member: Member, body, draw) -> None:
    """Make a generated op reach its handler more often: a fresh op_id (mostly), and real ids
    of the right kind in some of its id fields (not_found otherwise, nearly always).

    What is drawn depends only on the generated body, never on the workshop's state, so
    Hypothesis can replay and shrink.
    """
    if not isinstance(body, dict):
        return
    if draw(st.integers(0, 9)) and isinstance(body.get("op_id"), str):
        body["op_id"] = uuid.uuid4().hex  # generated op ids repeat, and repeats are duplicates
    data, op_type = body.get("data"), str(body.get("type"))
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        prefix = KIND_BY_PREFIX.get(op_type.split(".")[0]) if key == "id" else None
        kinds = KIND_BY_FIELD.get(key) or ([prefix] if prefix else [])
        if kinds and isinstance(value, str):
            use, pick = draw(st.integers(0, 4)), draw(st.integers(0, 999))
            known = member.ids(*kinds)
            if use and known:
                data[key] = known[pick % len(known)]


# No 5xx, and every answer has a documented status and shape (so the document stays true).
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.mark.parametrize(("method", "path", "mode"), operations())
def test_no_generated_request_makes_the_server_fail(app, member, method, path, mode):
    """Schemathesis cases, sent in-process through WSGI with a member's cookie: never a 5xx,
    and only documented answers.

    The workshop id is fixed to the member's workshop, so requests reach past the membership
    check; everything else (query, body, op envelopes of every type) is generated. Positive
    ops also get real ids of the workshop in some of their id fields.
    """
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    fixed = {"workshop_id": member.workshop_id} if "{workshop_id}" in path else None
    strategy = api[path][method].as_strategy(mode, path_parameters=fixed,
                                             cookies={"workshop_session": member.cookie})
    real_ids = path.endswith("/ops") and mode == GenerationMode.POSITIVE

    @given(case=strategy, data=st.data())
    @settings(max_examples=100 if real_ids else 30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def fuzz(case, data):
        if real_ids:
            with_real_ids(member, case.body, data.draw)
        case.call_and_validate(checks=CHECKS)

    fuzz()


def test_the_event_is_one_of_every_event_type_with_its_model(client):
    """`Event` is published from workshop/domain/events.py: one variant per event type."""
    document = documented(client)
    event = document["components"]["schemas"]["Event"]
    mapping = event["discriminator"]["mapping"]
    assert event["discriminator"]["propertyName"] == "type"
    assert set(mapping) == set(EVENTS)
    assert len(event["oneOf"]) == len(EVENTS)
    for event_type, model in EVENTS.items():
        variant = resolve(document, mapping[event_type])
        assert variant["properties"]["type"]["const"] == event_type
        assert variant["additionalProperties"] is False
        data = resolve(document, variant["properties"]["data"]["$ref"])
        assert data["title"] == model.__name__ and data["additionalProperties"] is False
