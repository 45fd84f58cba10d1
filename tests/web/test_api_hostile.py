"""Hostile HTTP bodies, paths and query strings: a JSON 4xx (or a 200), never a 500.

The Flask app runs with TESTING on, so an exception in a view reaches the test instead of
becoming a 500 page; the assertions also refuse any 5xx status.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.hostile import (
    INVALID,
    KNOWN_CODES,
    NOT_FOUND,
    Baseline,
    assert_unchanged,
    build_world,
    database_rows,
    envelope_mutations,
    json_values,
    lift_rate_limit,
    mutations_for,
    nested,
    odd_text,
    payload_mutations,
    shown,
)
from workshop import create_app
from workshop.config import Config
from workshop.ops.catalogue import OPS
from workshop.services.errors import STATUS_BY_CODE
from workshop.services.schemas import CreateWorkshop, JoinWorkshop

TOO_LARGE = frozenset({"too_large"})  # bodies over 64 KiB (the 100 000-character strings)
POSTS = ("/api/workshops", "/api/join", "/api/workshops/{home}/ops")


def hostile(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def post(client, path: str, body, headers: dict | None = None):
    """POST a JSON body as a client would: serialised here, sent as application/json."""
    raw = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(path, data=raw, headers={"Content-Type": "application/json",
                                                **(headers or {})})


def assert_json_error(response, expected: frozenset[str] = KNOWN_CODES) -> dict:
    """A 4xx whose JSON body carries {"error": {"code", "message"}} matching the status."""
    shown = (response.status_code, response.get_data(as_text=True)[:300])
    assert 400 <= response.status_code < 500, shown
    assert response.is_json, shown
    body = response.get_json()
    error = body["error"]
    assert error["code"] in KNOWN_CODES and error["code"] in expected, (shown, expected)
    assert isinstance(error["message"], str) and error["message"].strip(), shown
    assert STATUS_BY_CODE[error["code"]] == response.status_code, shown
    return body


@pytest.fixture
def backend(app):
    backend = app.extensions["workshop"]
    lift_rate_limit(backend)
    return backend


@pytest.fixture
def world(backend):
    return build_world(backend)


@pytest.fixture
def facilitator(app, world):
    """A browser that joined the home workshop through its facilitator link."""
    client = app.test_client()
    joined = client.post("/api/join", json={"token": world.tokens["facilitator"],
                                            "name": "Fay", "team": "Marketing"})
    assert joined.status_code == 201, joined.get_json()
    return client


# ---- property 3: hostile JSON bodies ---------------------------------------------------

def test_creating_a_workshop_refuses_hostile_bodies(client, backend):
    base = {"title": "Who rides our bikes?", "context": "Spring", "teams": ["Sales"]}
    baseline = Baseline(lambda: database_rows(backend))

    @hostile(150)
    @given(payload_mutations(CreateWorkshop, base, values=json_values))
    def check(mutation):
        note(f"{mutation.kind} {mutation.field!r}: {shown(mutation.payload)}")
        response = post(client, "/api/workshops", mutation.payload)
        change = baseline.catch_up()
        assert_json_error(response, mutation.expected | TOO_LARGE)
        assert_unchanged(change)

    check()


def test_joining_refuses_hostile_bodies(app, backend, world):
    base = {"token": world.tokens["participant"], "name": "Sam", "team": "Support"}
    baseline = Baseline(lambda: database_rows(backend))

    @hostile(150)
    @given(payload_mutations(JoinWorkshop, base, values=json_values))
    def check(mutation):
        # The token is read (and str()-ed) before the body is validated: a broken token is
        # a link that is not valid, 404.
        expected = mutation.expected | TOO_LARGE | (
            NOT_FOUND if mutation.field == "token" else frozenset())
        note(f"{mutation.kind} {mutation.field!r}: {shown(mutation.payload)}")
        client = app.test_client()  # no cookie: a rejoin would skip validation (see below)
        response = post(client, "/api/join", mutation.payload)
        change = baseline.catch_up()
        assert_json_error(response, expected)
        assert_unchanged(change)

    check()


def test_ops_refuse_hostile_envelopes_and_data(facilitator, backend, world):
    valid = {"op_id": "op-1", "type": "persona.rename",
             "data": world.base("facilitator", "persona.rename")}
    envelopes = envelope_mutations(valid, values=json_values, python_keys=False)
    data = st.sampled_from(sorted(OPS)).flatmap(lambda op_type: st.tuples(
        st.just(op_type), mutations_for(world, "facilitator", op_type, values=json_values)))
    baseline = Baseline(lambda: database_rows(backend))

    @hostile(200)
    @given(st.one_of(envelopes.map(lambda m: (None, m)), data))
    def check(case):
        op_type, mutation = case
        if op_type is None:
            body, expected = mutation.payload, mutation.expected
        else:
            body = {"op_id": uuid.uuid4().hex, "type": op_type, "data": mutation.payload}
            expected = world.expected("facilitator", op_type, mutation)
        note(f"{mutation.kind} {mutation.field!r}: {shown(body)}")
        response = post(facilitator, f"/api/workshops/{world.home}/ops", body)
        change = baseline.catch_up()
        answer = assert_json_error(response, expected | TOO_LARGE)
        # A body that is not an object is refused before the op path: no "ok" then.
        assert answer.get("ok", False) is False
        assert_unchanged(change)

    check()


def _malformed() -> st.SearchStrategy[bytes]:
    good = json.dumps({"title": "x", "token": "a.b", "op_id": "1", "type": "timer.stop",
                       "data": {}}).encode()
    return st.one_of(
        st.binary(max_size=64),
        odd_text(20).map(lambda t: t.encode("utf-8")),
        st.integers(1, len(good) - 1).map(lambda n: good[:n]),  # cut short
        st.sampled_from([b"", b"null", b"[]", b"[{}]", b'"{}"', b"1e999", b"NaN", b"true",
                         b"\xef\xbb\xbf{}", b"{}garbage", b'{"a":1,"a":2}', b"{'a': 1}",
                         b"\x00", b"\xff\xfe{\x00}\x00", b"{" * 100, b"]" * 100]),
        st.builds(lambda depth, shape: json.dumps(nested(depth, 0, shape)).encode(),
                  st.integers(50, 200), st.sampled_from(["dict", "list", "mixed"])),
        json_values.map(lambda v: json.dumps(v).encode()),
    )


def test_malformed_bodies_get_json_errors(facilitator, backend, world):
    baseline = Baseline(lambda: database_rows(backend))

    @hostile(150)
    @given(st.sampled_from(POSTS), _malformed())
    def check(path, raw):
        note(f"POST {path} {shown(raw)}")
        response = facilitator.post(path.format(home=world.home), data=raw,
                                    content_type="application/json")
        change = baseline.catch_up()
        assert_json_error(response, INVALID | NOT_FOUND | TOO_LARGE)
        assert_unchanged(change)

    check()


def test_writes_need_json_from_the_same_origin(facilitator, backend, world):
    content_types = st.sampled_from([
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonx", "text/json", "application/xml", "json", ""])
    origins = st.one_of(st.sampled_from(["null", "https://evil.example", "http://localhost.",
                                         "http://localhost:81", "file://", "http://LOCALHOST"]),
                        odd_text(10).map(lambda t: "https://" + quote(t)))
    baseline = Baseline(lambda: database_rows(backend))

    @hostile(80)
    @given(st.sampled_from(POSTS), st.one_of(
        content_types.map(lambda c: ({"Content-Type": c}, "unsupported_media_type")),
        origins.map(lambda o: ({"Content-Type": "application/json", "Origin": o},
                               "forbidden"))))
    def check(path, case):
        headers, code = case
        note(f"POST {path} {headers}")
        body = json.dumps({"title": "x", "op_id": "1", "type": "timer.stop", "data": {}})
        response = facilitator.post(path.format(home=world.home), data=body,
                                    headers=headers)
        change = baseline.catch_up()
        assert_json_error(response, frozenset({code}))
        assert_unchanged(change)

    check()


# ---- property 3: hostile paths and query strings ---------------------------------------

def _get_routes(app) -> list[str]:
    """Every GET route of the JSON API that takes a workshop id, from the URL map."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.rule.startswith("/api/") \
                and "workshop_id" in rule.arguments:
            routes.append(rule.rule.replace("<workshop_id>", "{id}"))
    return sorted(routes)


def test_get_endpoints_with_hostile_paths_and_queries(app, facilitator, world):
    routes = _get_routes(app)
    assert routes, "no GET route with a workshop id"
    anonymous = app.test_client()
    ids = st.one_of(st.sampled_from([world.home, world.away, "", " ", "..", "%", "x" * 5000]),
                    odd_text(10))
    values = st.one_of(
        st.sampled_from(["", "-1", "0", "1.5", "1e3", "99999999999999999999", "0x10",
                         "\u0661\u0662", "\uff11", " 1", "1 ", "+1", str(2**63), "null"]),
        st.sampled_from(sorted(world.ids) + list(world.foreign)), odd_text(10))
    queries = st.lists(st.tuples(st.sampled_from(["since", "persona", "x", "since[]", ""]),
                                 values), max_size=3)

    @hostile(150)
    @given(st.sampled_from(routes), ids, queries, st.booleans())
    def check(route, workshop_id, query, member):
        path = route.format(id=quote(workshop_id, safe=""))
        query_string = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
        note(f"GET {path}?{query_string} as {'member' if member else 'anonymous'}")
        response = (facilitator if member else anonymous).get(path, query_string=query_string)
        shown = (path, response.status_code, response.get_data(as_text=True)[:200])
        if "//" in path:  # an empty id: werkzeug merges the slashes, redirecting if that matches
            assert response.status_code in (308, 404), shown
            return
        assert response.status_code == 200 or 400 <= response.status_code < 500, shown
        if response.is_json and response.status_code >= 400:
            assert_json_error(response)

    check()


def test_invalid_utf8_in_paths_and_queries(app, facilitator, world):
    for path in (f"/api/workshops/{world.home}/events?since=%ED%A0%80",
                 f"/api/workshops/{world.home}/divergence?persona=%ED%A0%80%FF",
                 "/api/workshops/%ED%A0%80", "/api/workshops/%FF%FE/events",
                 f"/api/workshops/{world.home}/events?since=%00",
                 f"/api/workshops/{world.home}%00/divergence"):
        response = facilitator.get(path)
        assert response.status_code == 200 or 400 <= response.status_code < 500, path


# ---- explicit cases for bugs these properties found (now fixed) --------------------------

@pytest.mark.parametrize("token", ["{home}.\\ud800", "\\ud800.secret", "{home}\\udfff.x"])
def test_a_token_with_a_lone_surrogate_is_not_found(client, world, token):
    raw = '{"token": "TOKEN", "name": "Sam", "team": "Support"}'.replace(
        "TOKEN", token.format(home=world.home))
    assert_json_error(post(client, "/api/join", raw.encode()), NOT_FOUND | INVALID)


def test_lone_surrogates_elsewhere_are_refused(facilitator, world):
    """The same escapes in validated fields are refused (pydantic needs valid Unicode)."""
    for path, raw in (
            ("/api/workshops", '{"title": "\\ud800"}'),
            ("/api/join", '{"token": "TOKEN", "name": "\\udfff"}'.replace(
                "TOKEN", world.tokens["participant"])),
            (f"/api/workshops/{world.home}/ops",
             '{"op_id": "\\ud800", "type": "timer.stop", "data": {}}'),
            (f"/api/workshops/{world.home}/ops",
             '{"op_id": "s1", "type": "persona.add", "data": {"name": "\\ud83d"}}')):
        assert_json_error(post(facilitator, path, raw.encode()), INVALID)


@pytest.mark.parametrize("path", POSTS)
def test_very_deep_json_is_refused(facilitator, world, path):
    raw = ("[" * 5000 + "]" * 5000).encode()  # 10 KB
    assert_json_error(post(facilitator, path.format(home=world.home), raw), INVALID)


def test_rejoining_still_validates_the_body(facilitator, world):
    response = post(facilitator, "/api/join", {"token": world.tokens["facilitator"],
                                               "name": ["not", "a", "name"], "admin": True})
    assert_json_error(response, INVALID)


# ---- NUL, on both databases ------------------------------------------------------------

@pytest.fixture
def db_app(database_url):
    """The app on SQLite and on PostgreSQL."""
    application = create_app(Config(database_url=database_url, secret_key="test-secret",
                                    async_mode="threading"))
    application.testing = True  # an exception in a view reaches the test, not a 500 page
    lift_rate_limit(application.extensions["workshop"])
    yield application
    application.extensions["workshop"].db.dispose()


NUL_REQUESTS = {  # case -> (method, path, body); {home} and {invite} are filled in
    "title of a new workshop": ("post", "/api/workshops", {"title": "a\x00b"}),
    "name of someone joining": ("post", "/api/join",
                                {"token": "{invite}", "name": "Sam\x00", "team": "Support"}),
    "workshop id in a token": ("post", "/api/join", {"token": "\x00.secret", "name": "Sam"}),
    "op_id of an op": ("post", "/api/workshops/{home}/ops",
                       {"op_id": "\x00", "type": "phase.set", "data": {"phase": "collect"}}),
    "persona id in an op": ("post", "/api/workshops/{home}/ops", {
        "op_id": "p1", "type": "assumption.add",
        "data": {"persona_id": "\x00", "category": "goals", "text": "x"}}),
    "persona filter of the divergence view": ("get", "/api/workshops/{home}/divergence"
                                                     "?persona=%00", None),
}


@pytest.mark.parametrize("case", sorted(NUL_REQUESTS))
def test_nul_is_refused_on_every_database(db_app, case):
    backend = db_app.extensions["workshop"]
    world = build_world(backend)
    client = db_app.test_client()
    assert client.post("/api/join", json={"token": world.tokens["facilitator"],
                                          "name": "Fay", "team": "Marketing"}).status_code == 201
    method, path, body = NUL_REQUESTS[case]
    path = path.format(home=world.home)
    if body is not None:
        body = json.loads(json.dumps(body).replace("{invite}", world.tokens["participant"]))
    response = client.get(path) if method == "get" else post(client, path, body)
    assert_json_error(response, INVALID | NOT_FOUND)

