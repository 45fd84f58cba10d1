"""The OpenAPI 3.1 document of the JSON API, built from the pydantic models that validate it.

Request bodies come from the pydantic models (never copied by hand), and the op envelope is a
`oneOf` over the op registry (`workshop.ops.catalogue.OPS`), so a new op type appears here by
itself. Events (`Event`) come from their models in `workshop/domain/events.py`. Other
response shapes are small schemas written below, following docs/protocol.md.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from workshop.domain import events, webhooks
from workshop.domain.export import formats
from workshop.domain.research import SOURCE_TYPES
from workshop.ops.catalogue import OPS
from workshop.services.datasets import InspectRequest
from workshop.services.errors import STATUS_BY_CODE
from workshop.services.schemas import (
    CreateWorkshop,
    ImportRequest,
    JoinWorkshop,
    OpEnvelope,
    Payload,
    PictureUpload,
    Preview,
)

REF_TEMPLATE = "#/components/schemas/{model}"
COOKIE_SCHEME = "workshopSession"
COOKIE = [{COOKIE_SCHEME: []}]
TOKEN_SCHEME = "apiToken"
# Reads of a workshop take the member's cookie or a read-only API token; writes the cookie.
READ = [{COOKIE_SCHEME: []}, {TOKEN_SCHEME: []}]
PUBLIC: list[dict] = []

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": REF_TEMPLATE.format(model=name)}


def _add(components: dict[str, Schema], name: str, schema: Schema) -> Schema:
    """Register a component once; the same name for two different schemas is a bug."""
    if components.setdefault(name, schema) != schema:
        raise ValueError(f"two different schemas are both called {name!r}")
    return _ref(name)


def _model(components: dict[str, Schema], model: type[Payload]) -> Schema:
    """A pydantic model as a component (its $defs become components too); answers a $ref."""
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    for name, definition in schema.pop("$defs", {}).items():
        _add(components, name, definition)
    return _add(components, model.__name__, schema)


def _op_component_name(op_type: str) -> str:
    """`persona.add` → `PersonaAddOp`, `research_note.add` → `ResearchNoteAddOp`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", op_type)) + "Op"


def _op_envelope(components: dict[str, Schema]) -> Schema:
    """The envelope of POST …/ops: one variant per op type in OPS, told apart by `type`."""
    envelope = OpEnvelope.model_json_schema(ref_template=REF_TEMPLATE)
    op_id = envelope["properties"]["op_id"]
    variants, mapping = [], {}
    for op_type, spec in OPS.items():
        name = _op_component_name(op_type)
        for sent_as in (op_type, *spec.aliases):  # an old name still finds its variant
            mapping[sent_as] = REF_TEMPLATE.format(model=name)
        description = (spec.schema.__doc__ or op_type).strip()
        if spec.aliases:
            description += (" Also accepted under its old name " + ", ".join(
                f"`{alias}`" for alias in spec.aliases) + " (docs/protocol.md, Aliases).")
        variants.append(_add(components, name, {
            "title": op_type,
            "description": description,
            "type": "object",
            "properties": {
                "op_id": op_id,
                "type": ({"type": "string", "enum": [op_type, *spec.aliases]} if spec.aliases
                         else {"type": "string", "const": op_type}),
                "data": _model(components, spec.schema),
            },
            "required": ["op_id", "type", "data"],
            "additionalProperties": False,
        }))
    return _add(components, "OpEnvelope", {
        "title": "OpEnvelope",
        "description": f"{(OpEnvelope.__doc__ or '').strip()} Any other `type` is answered "
                       "with `unknown_op`. See docs/protocol.md#op and #ops.",
        "oneOf": variants,
        "discriminator": {"propertyName": "type", "mapping": mapping},
    })


# ---- response shapes (docs/protocol.md) ------------------------------------------------

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
OPEN_OBJECT = {"type": "object", "additionalProperties": True}
SEQ = {"type": "integer", "minimum": 0}


def _closed(properties: dict[str, Schema], **extra: Any) -> Schema:
    """An object with exactly these keys, all required."""
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False, **extra}


def _response_components() -> dict[str, Schema]:
    participant = {
        "id": STRING, "name": STRING,
        "team": {**STRING, "description": '"" for observers and facilitators without a team'},
        "role": {"type": "string", "enum": ["facilitator", "participant", "observer"]},
        "removed": {"type": "boolean"},
    }
    links = {"facilitator_url": URL, "invite_url": URL, "observer_url": URL}
    event = _ref("Event")
    array = {"type": "array", "items": OPEN_OBJECT}
    ratio = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
    count = {"type": "integer", "minimum": 0}
    return {
        "ErrorCode": {"type": "string", "enum": list(STATUS_BY_CODE),
                      "description": "Stable codes for programs (docs/protocol.md#errors)."},
        "ErrorObject": {
            "type": "object", "required": ["code", "message"], "additionalProperties": False,
            "properties": {
                "code": _ref("ErrorCode"),
                "message": {**STRING, "description": "English, for people; may be reworded."},
                "reason": {**STRING, "description": "A refusal people meet on the board, as "
                                                    "stable as a code (docs/protocol.md#errors)."},
                "details": {**OPEN_OBJECT, "description": "What a program (or the reason's "
                                                          "sentence) needs."}}},
        "Error": _closed({"error": _ref("ErrorObject")},
                         description="Every refusal outside the op endpoint's ack."),
        "Health": _closed({"status": {"type": "string", "const": "ok"}}),
        "CreatedWorkshop": _closed({"id": STRING, "title": STRING, **links}),
        "Links": _closed(links, description="Absolute join links; facilitators only."),
        **_reach_components(),
        "Participant": _closed(participant),
        "Joined": _closed({
            "participant": _closed({"workshop_id": STRING, **participant}),
            "workshop_id": STRING,
        }),
        "Snapshot": {
            "type": "object",
            "description": "What this viewer may see, as of `seq` (docs/protocol.md#snapshot).",
            "properties": {
                "workshop": OPEN_OBJECT, "seq": SEQ, "server_time": TIME,
                "me": _ref("Participant"), "categories": array, "personas": array,
                "participants": {"type": "array", "items": _ref("Participant")},
                "assumptions": array, "groups": array, "comments": array,
            },
            "required": ["workshop", "seq", "server_time", "me", "categories", "personas",
                         "participants", "assumptions", "groups", "comments"],
            "additionalProperties": True,
        },
        "SyncAnswer": {"oneOf": [
            _closed({"ok": {"const": True}, "seq": SEQ, "events": {"type": "array",
                                                                  "items": event}},
                    title="events", description="Every event after `since`, in order."),
            _closed({"ok": {"const": True}, "seq": SEQ, "snapshot": _ref("Snapshot")},
                    title="snapshot",
                    description="More than 1000 behind, or ahead of the server: start afresh."),
        ]},
        "TeamMeasures": _closed({
            "agree": count, "disagree": count, "unsure": count, "agreement": ratio,
            "leaning": {"type": "string", "enum": ["agree", "disagree", "split", "silent"]},
        }),
        "Measures": _closed({
            "agreement": ratio, "consensus": ratio, "contested": {"type": "boolean"},
            "divisiveness": {"type": "number", "minimum": 0, "maximum": 1},
            "only_team": NULLABLE_STRING, "votes": count,
            "teams": {"type": "object", "additionalProperties": _ref("TeamMeasures")},
        }, description="docs/protocol.md#agreement-measures"),
        "Divergence": _closed({
            "blind": {"type": "boolean"},
            "teams": {"type": "array", "items": STRING},
            "items": {"type": "array", "items": _closed({
                "kind": {"type": "string", "enum": ["assumption", "group"]},
                "id": STRING, "persona_id": STRING, "category": STRING, "text": STRING,
                "measures": _ref("Measures"),
            })},
        }, description="Most divisive first; `items` is empty while votes are blind."),
        "Duplicates": _closed({
            "persona_id": STRING,
            "threshold": {"type": "number", "minimum": 0, "maximum": 100},
            "suggestions": {"type": "array", "items": _closed({
                "notes": {"type": "array", "minItems": 2, "maxItems": 2, "items": _closed({
                    "id": STRING, "text": STRING, "category": STRING,
                    "group_id": NULLABLE_STRING})},
                "score": {"type": "number", "minimum": 0, "maximum": 100},
            })},
        }, description="Likely duplicates among revealed notes, best first; notes already in "
                       "one group are left out (docs/protocol.md#likely-duplicates)."),
        "Progress": _closed({
            "phase": STRING,
            "notes": _closed({
                "total": count,
                "by_team": {"type": ["object", "null"], "additionalProperties": count},
                "by_person": {"type": ["object", "null"], "additionalProperties": count}}),
            "votes": _closed({
                "notes": count,
                "by_person": {"type": "object", "additionalProperties": count}}),
            "done": {"type": "array", "items": STRING},
        }, description="Counts only, never text or stances; `by_team` and `by_person` of "
                       "notes are null with anonymous authors (docs/protocol.md#progress)."),
        "OpApplied": {**_closed({"ok": {"const": True}, "seq": SEQ, "event": event,
                                 "token": {**STRING, "description": "api_token.create only: "
                                           "the new read-only token (pwa_…), shown this "
                                           "once"}}),
                      "required": ["ok", "seq", "event"]},
        "OpDuplicate": _closed({"ok": {"const": True}, "seq": SEQ,
                                "duplicate": {"const": True}, "event": event}),
        "OpRefused": _closed({"ok": {"const": False}, "error": _ref("ErrorObject")}),
        "ResearchNote": _closed({
            "id": STRING, "title": STRING,
            "source_type": {"type": "string", "enum": list(SOURCE_TYPES)},
            "date": NULLABLE_STRING, "respondents": {"type": ["integer", "null"]},
            "tags": {"type": "array", "items": STRING},
            "body": {**STRING, "description": "Markdown, as written."},
            "body_html": {**STRING, "description": "Rendered and sanitised: safe as HTML."},
            "author_id": STRING, "seq": SEQ, "updated_seq": SEQ,
        }, description="docs/protocol.md#research-library"),
        "SearchResults": _closed({
            "query": STRING, "terms": {"type": "array", "items": STRING},
            "results": {"type": "array", "items": _closed({
                "id": STRING, "title": STRING, "source_type": STRING,
                "date": NULLABLE_STRING, "tags": {"type": "array", "items": STRING},
                "title_html": {**STRING, "description": "Escaped, matches in <mark>."},
                "snippet_html": {**STRING, "description": (
                    "The words around the first match, as plain text: escaped, matches in "
                    "<mark>.")},
            })},
        }),
        "Rendered": _closed({"html": STRING}),
        "ImportAnswer": {
            "type": "object",
            "properties": {
                "ok": {"type": "boolean"}, "imported": count, "seq": SEQ,
                "plan": _closed({"ok": {"type": "boolean"},
                                 "notes": {"type": "array", "items": OPEN_OBJECT},
                                 "problems": {"type": "array", "items": _closed({
                                     "source": STRING, "message": STRING})}}),
                "error": _ref("ErrorObject"),
            },
            "required": ["ok", "plan", "imported"], "additionalProperties": False,
            "description": "The plan always; with problems nothing is imported.",
        },
        "DocumentVersion": {
            "type": "object",
            "description": "A version of a persona document (docs/protocol.md#persona-document"
                           "); `document` has the shape of workshop/domain/merge.py.",
            "properties": {
                "id": STRING, "persona_id": STRING, "number": {"type": "integer", "minimum": 1},
                "status": {"type": "string", "enum": ["draft", "agreed"]},
                "document": OPEN_OBJECT, "revisions": OPEN_OBJECT, "signoffs": OPEN_OBJECT,
                "seq": SEQ, "updated_seq": SEQ, "agreed_by": NULLABLE_STRING,
                "agreed_at": {"type": ["string", "null"], "format": "date-time"},
            },
            "required": ["id", "persona_id", "number", "status", "document", "revisions",
                         "signoffs"],
            "additionalProperties": False,
        },
        "PersonaVersions": _closed({
            "persona": _closed({"id": STRING, "name": STRING}),
            "current": {"oneOf": [_ref("DocumentVersion"), {"type": "null"}]},
            "versions": {"type": "array", "items": OPEN_OBJECT},
        }),
        "DocumentDiff": _closed({
            "from": {"type": "integer"}, "to": {"type": "integer"},
            "rows": {"type": "array", "items": _closed({
                "path": STRING, "label": STRING,
                "status": {"type": "string", "enum": ["same", "changed", "added", "removed"]},
                "old": NULLABLE_STRING, "new": NULLABLE_STRING,
                "old_html": STRING, "new_html": STRING})},
            "affected": {"type": "array", "description": "The decisions (usages) that relied "
                         "on a trait this diff changes or removes.", "items": _closed({
                             "id": STRING, "title": STRING, "link": STRING,
                             "date": STRING, "team": STRING,
                             "traits": {"type": "array", "items": _closed({
                                 "id": STRING, "label": STRING,
                                 "status": {"type": "string",
                                            "enum": ["changed", "removed"]}})}})},
        }),
        "PersonaReview": _closed({
            "persona_id": STRING,
            "current": {"type": ["integer", "null"]}, "agreed": {"type": ["integer", "null"]},
            "review": _review_status(),
            "attention": {"type": "object", "description": "By trait (document item id): why "
                          "a review looks at it.", "additionalProperties": {
                              "type": "array", "items": {"type": "string", "enum": [
                                  "untested", "contested", "stale", "newly_contradicted",
                                  "new_research"]}}},
            "usages": {"type": "array", "items": _ref("UsageView")},
            "questions": {"type": "array", "items": _ref("QuestionView")},
            "backlog": {"type": "array", "items": _closed({
                "id": STRING, "text": STRING, "important": {"type": "boolean"},
                "evidence": {"type": "string", "enum": ["validated", "contradicted",
                                                        "untested"]},
                "quadrant": {"type": "string", "enum": ["research_now", "rely_on", "watch",
                                                        "fine"]},
                "rethink": {"type": "boolean"}, "dots": {"type": "integer"},
                "agreement": {"type": ["number", "null"]}})},
        }),
        "Fit": _closed({"pages": {"type": "integer", "minimum": 1},
                        "fits": {"type": "boolean"}}),
    }


# ---- events ------------------------------------------------------------------------------

def _event_components(components: dict[str, Schema]) -> None:
    """`Event`: one variant per event type of workshop/domain/events.py, told apart by
    `type`, with the models of their data (also published as docs/events.schema.json)."""
    schema = events.json_schema(ref_template=REF_TEMPLATE)
    for name, definition in schema.pop("$defs").items():
        _add(components, name, definition)
    _add(components, "Event", {"description": schema["description"],
                               "oneOf": schema["oneOf"],
                               "discriminator": schema["discriminator"]})


def _reach_components() -> dict[str, Schema]:
    """Share links, API tokens, webhook deliveries and the library (docs/protocol.md)."""
    time = {"type": "string", "format": "date-time"}
    maybe_time = {"type": ["string", "null"], "format": "date-time"}
    count = {"type": "integer", "minimum": 0}
    delivery = _closed({
        "id": count, "event_type": STRING, "seq": count,
        "status": {"type": "string", "enum": ["pending", "delivered", "failed"]},
        "attempts": count, "response_status": {"type": ["integer", "null"]},
        "last_error": {"type": ["string", "null"]}, "next_attempt_at": maybe_time,
        "created_at": time, "finished_at": maybe_time})
    return {
        "Sharing": _closed({
            "shares": {"type": "array", "items": _closed({
                "id": STRING, "persona_id": STRING, "persona_name": {"type": ["string", "null"]},
                "version": {"type": ["integer", "null"]},
                "token": {**STRING, "description": "The share token: the link is /p/<token>"},
                "views": count,
                "views_by_day": {"type": "object", "additionalProperties": count,
                                 "description": "Views per day (UTC), the last 30 days"},
                "created_at": time})},
            "api_tokens": {"type": "array", "items": _closed({
                "id": STRING, "label": STRING, "created_at": time})},
            "webhook": {"oneOf": [{"type": "null"}, _closed({
                "url": STRING, "secret": STRING,
                "events": {"type": "array", "items": STRING},
                "deliveries": {"type": "array", "items": delivery}})]},
            "library": _closed({"enabled": {"type": "boolean"}, "listed": {"type": "boolean"}}),
        }, description="Facilitators only."),
        "Library": _closed({"personas": {"type": "array", "items": _closed({
            "persona_id": STRING, "name": STRING, "role": STRING, "quote": STRING,
            "location": STRING, "workshop_title": STRING, "version": count,
            "agreed_at": maybe_time, "last_reviewed": maybe_time,
            "share_path": {"type": ["string", "null"]}})}}),
        "SharedPersona": _closed({
            "meta": _closed({"workshop_title": STRING, "persona_name": STRING,
                             "version": count, "status": {"const": "agreed"},
                             "agreed_at": maybe_time,
                             "teams": {"type": "array", "items": STRING},
                             "review": _review_status()}),
            "document": {**OPEN_OBJECT, "description": "The persona document "
                                                       "(docs/persona.schema.json's document)"},
        }),
        "WebhookDelivery": _closed({
            "delivery": count, "workshop_id": STRING, "type": STRING, "seq": count,
            "at": time, "data": {**OPEN_OBJECT, "description": "The event's data as everyone "
                                                               "in the workshop received it"},
        }, description="The body of a webhook POST; verify its Workshop-Signature first."),
    }


def _review_status() -> Schema:
    """When a persona is due for review, and its traits on stale evidence (domain/review.py)."""
    return _closed({
        "review_by": {"type": ["string", "null"], "format": "date"},
        "due": {"type": "boolean"},
        "stale": {"type": "array", "items": STRING},
        "stale_months": {"type": "integer"},
        "notices": {"type": "array", "items": STRING}})


def _webhooks() -> dict:
    """OpenAPI 3.1 `webhooks`: what this server POSTs to a workshop's webhook URL."""
    headers = [
        {"name": "Workshop-Signature", "in": "header", "required": True,
         "description": "`t=<unix seconds>,v1=<hex>`: v1 is HMAC-SHA256 with the webhook's "
                        "secret over `<t>.<raw body>`. Compare in constant time and refuse a "
                        "t more than 5 minutes off (docs/security.md).",
         "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"}},
        {"name": "Workshop-Event", "in": "header", "required": True, "schema": STRING},
        {"name": "Workshop-Delivery", "in": "header", "required": True,
         "description": "The delivery's id; a retry repeats it (deduplicate on it).",
         "schema": STRING}]
    return {event_type: {"post": {
        "summary": f"A `{event_type}` entry of the workshop's log",
        "description": "Sent after commit; retried after 30 s, 60 s, … (at most an hour, 6 "
                       "tries) until the receiver answers 2xx within 5 s.",
        "parameters": headers,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": _ref("WebhookDelivery")}}},
        "responses": {"2XX": {"description": "Received."}}}}
        for event_type in webhooks.DELIVERED}


def _json(description: str, schema: Schema, **extra: Any) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}},
            **extra}


ERRORS = {
    400: "invalid: the body is not a JSON object, or a field is missing, wrong or unknown",
    401: "unauthenticated: no membership of this workshop in the cookie (or, on a GET, an "
         "API token that is not this workshop's or was revoked)",
    403: "forbidden",
    404: "not_found",
    409: "conflict: the op does not fit the workshop's current state",
    413: "too_large: the body is larger than 64 KiB",
    415: "unsupported_media_type: a write under /api/ without a JSON content type",
    422: "limit",
    429: "rate_limited: too many ops from this participant; wait (Retry-After) and send it "
         "again",
    500: "internal: the server failed unexpectedly",
    503: "unavailable: the database could not store it; or busy: the worker processes for "
         "heavy work (PDFs, imports, pictures, long Markdown) are fully booked, or the work "
         "took too long; nothing was applied, try again",
}
CROSS_ORIGIN = "forbidden: cross-origin write (Origin differs from Host)"
HEAVY_AT_ONCE = ("rate_limited (reason heavy_at_once): this participant's earlier heavy "
                 "requests still run; wait for them (Retry-After)")


def _errors(*statuses: int, **descriptions: str) -> dict:
    return {str(status): _json(descriptions.get(f"s{status}", ERRORS[status]), _ref("Error"))
            for status in statuses}


def _workshop_id() -> dict:
    return {"name": "workshop_id", "in": "path", "required": True,
            "description": "The workshop id (10 lowercase hex characters).",
            "schema": {"type": "string"}}


def _paths(create: Schema, join: Schema, envelope: Schema) -> dict:
    id_param = _workshop_id()
    either = {"oneOf": [_ref("OpRefused"), _ref("Error")]}
    return {
        "/healthz": {"get": {
            "operationId": "healthz", "summary": "Liveness probe.", "security": PUBLIC,
            "responses": {"200": _json("Alive.", _ref("Health"))},
        }},
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document.", "security": PUBLIC,
            "responses": {"200": _json("The OpenAPI 3.1 document.", {"type": "object"})},
        }},
        "/api/workshops": {"post": {
            "operationId": "createWorkshop", "security": PUBLIC,
            "summary": "Create a workshop; answers its three links (it does not join you).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": create}}},
            "responses": {"201": _json("Created.", _ref("CreatedWorkshop")),
                          **_errors(400, 403, 413, 415, 503, s403=CROSS_ORIGIN)},
        }},
        "/api/join": {"post": {
            "operationId": "join",
            "summary": "Join through a link token; sets the session cookie.",
            "description": "A cookie that already holds a participant of this workshop with "
                           "the role the token grants gets 200 and that participant.",
            "security": [{}, *COOKIE],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": join}}},
            "responses": {
                "201": _json("A new participant; the cookie is set.", _ref("Joined"),
                             headers={"Set-Cookie": {
                                 "description": "workshop_session=…; HttpOnly; SameSite=Lax",
                                 "schema": STRING}}),
                "200": _json("Already joined in this role; nothing is written.",
                             _ref("Joined")),
                **_errors(400, 403, 404, 413, 415, 422, 429, s403=CROSS_ORIGIN,
                          s404="not_found: the link is not valid (any more)",
                          s422="limit: the workshop is full, or already has 12 teams",
                          s429="rate_limited: too many joins from this address or into this "
                               "workshop; wait and join again"),
            },
        }},
        "/api/workshops/{workshop_id}": {"get": {
            "operationId": "snapshot", "summary": "The snapshot the caller may see.",
            "security": COOKIE, "parameters": [id_param],
            "responses": {"200": _json("The snapshot.", _ref("Snapshot")), **_errors(401)},
        }},
        "/api/workshops/{workshop_id}/events": {"get": {
            "operationId": "events", "summary": "HTTP form of `sync`.",
            "security": COOKIE,
            "parameters": [id_param, {
                "name": "since", "in": "query", "required": False,
                "description": "The client's current seq (1–15 ASCII digits).",
                "schema": {"type": "integer", "minimum": 0, "maximum": 10 ** 15 - 1,
                           "default": 0}}],
            "responses": {"200": _json("The events after `since`, or a fresh snapshot.",
                                       _ref("SyncAnswer")),
                          **_errors(400, 401, s400="invalid: since: must be a whole number")},
        }},
        "/api/workshops/{workshop_id}/divergence": {"get": {
            "operationId": "divergence",
            "summary": "Agreement measures per note and group, most divisive first.",
            "security": COOKIE,
            "parameters": [id_param, {
                "name": "persona", "in": "query", "required": False,
                "description": "Only this persona's items (an unknown id gives no items; "
                               "a value that cannot be an id is refused).",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
            "responses": {"200": _json("The divergence view.", _ref("Divergence")),
                          **_errors(400, 401, s400="invalid: persona: not a persona id")},
        }},
        "/api/workshops/{workshop_id}/duplicates": {"get": {
            "operationId": "duplicates",
            "summary": "Likely duplicate notes of one persona, best first.",
            "security": COOKIE,
            "parameters": [id_param, {
                "name": "persona", "in": "query", "required": True,
                "description": "The persona whose notes are compared.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}],
            "responses": {"200": _json("The suggestions.", _ref("Duplicates")),
                          **_errors(400, 401, 404, 429, 503)},
        }},
        "/api/workshops/{workshop_id}/progress": {"get": {
            "operationId": "progress",
            "summary": "Notes written and voted on per person and team, and who is done.",
            "security": COOKIE, "parameters": [id_param],
            "responses": {"200": _json("The counts.", _ref("Progress")),
                          **_errors(401, 404)},
        }},
        "/api/workshops/{workshop_id}/links": {"get": {
            "operationId": "links", "summary": "The workshop's current links.",
            "security": COOKIE, "parameters": [id_param],
            "responses": {"200": _json("The links.", _ref("Links")),
                          **_errors(401, 403, s403="forbidden: facilitators only")},
        }},
        "/api/workshops/{workshop_id}/sharing": {"get": {
            "operationId": "sharing",
            "summary": "Share links (with tokens and views), API tokens (labels), the "
                       "webhook with its latest deliveries, and the library listing.",
            "security": COOKIE, "parameters": [id_param],
            "responses": {"200": _json("The sharing settings.", _ref("Sharing")),
                          **_errors(401, 403, s403="forbidden: facilitators only")},
        }},
        "/api/library": {"get": {
            "operationId": "personaLibrary",
            "summary": "The agreed personas of every workshop whose facilitator listed it.",
            "parameters": [{"name": "q", "in": "query", "required": False,
                            "description": "Words to find in the name, role, quote, location "
                                           "or workshop title (case and accents ignored).",
                            "schema": {"type": "string"}}],
            "responses": {"200": _json("The library.", _ref("Library")),
                          **_errors(404, s404="not_found: the operator turned the library "
                                              "off")},
        }},
        "/p/{token}.json": {"get": {
            "operationId": "sharedPersona",
            "summary": "A shared persona's latest agreed (or pinned) version, as JSON.",
            "description": "The token is in the path (a share link, `ps_…`); no cookie. "
                           "Answers carry `X-Robots-Tag: noindex, nofollow`.",
            "parameters": [{"name": "token", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": _json("The persona.", _ref("SharedPersona")),
                          **_errors(404, s404="not_found: no such link (rotated or revoked), "
                                              "or nothing agreed yet")},
        }},
        "/api/workshops/{workshop_id}/ops": {"post": {
            "operationId": "op",
            "summary": "HTTP form of the Socket.IO `op`; the answer is the ack.",
            "security": COOKIE, "parameters": [id_param],
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": envelope}}},
            "responses": {
                "201": _json("Applied.", _ref("OpApplied")),
                "200": _json("This op_id was applied before: the original result.",
                             _ref("OpDuplicate")),
                "400": _json("invalid or unknown_op (an ack), or a body that is not a JSON "
                             "object (an error)", either),
                "401": _json(ERRORS[401], _ref("OpRefused")),
                "403": _json("forbidden: the role may not send this op, or it is someone "
                             "else's (an ack); or a cross-origin write (an error)", either),
                "404": _json("not_found: an id or the workshop", _ref("OpRefused")),
                "409": _json(ERRORS[409], _ref("OpRefused")),
                **_errors(413, 415),
                "422": _json("limit: personas, notes or dots", _ref("OpRefused")),
                "429": _json(ERRORS[429], _ref("OpRefused")),
                "503": _json(ERRORS[503], _ref("OpRefused")),
            },
        }},
    }


def _file(description: str, *media_types: str) -> dict:
    # A JSON file (a persona, segment definitions) is an object; every other file is text.
    return {"description": description,
            "content": {media: {"schema": {"type": "object"} if media == "application/json"
                                else {"type": "string"}} for media in media_types}}


def _extension(scope: str) -> dict:
    """The `{extension}` of an export's path: one of the registry's formats of `scope`."""
    return {"name": "extension", "in": "path", "required": True,
            "schema": {"type": "string",
                       "enum": [fmt.extension for fmt in formats.of_scope(scope)]}}


def _labels(scope: str) -> str:
    """"Markdown, JSON or PDF": the names of the registry's formats of `scope`."""
    labels = [fmt.label for fmt in formats.of_scope(scope)]
    return " or ".join(filter(None, [", ".join(labels[:-1]), labels[-1]]))


def _export_file(scope: str, description: str) -> dict:
    """A file answer in the media types of the registry's formats of `scope`."""
    return _file(description, *(fmt.media_type.split(";")[0]
                                for fmt in formats.of_scope(scope)))


def _persona_paths(picture: Schema) -> dict:
    """The persona document: versions, diff, the A4 check, exports, import, picture."""
    ids = [_workshop_id(), {"name": "persona_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}]
    number = {"name": "version", "in": "query", "required": False,
              "description": "A version number (default: the current version; before the "
                             "merge, a draft built from the board).",
              "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999}}
    missing = _errors(400, 401, 404, s404="not_found: the persona or the version")
    return {
        "/api/workshops/{workshop_id}/personas/{persona_id}": {"get": {
            "operationId": "personaDocument", "security": COOKIE, "parameters": ids,
            "summary": "A persona's current document (null before the merge) and versions.",
            "responses": {"200": _json("The document.", _ref("PersonaVersions")),
                          **_errors(401, 404)}}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/versions/{number}": {"get": {
            "operationId": "personaVersion", "security": COOKIE,
            "summary": "One version of a persona's document.",
            "parameters": [*ids, {"name": "number", "in": "path", "required": True,
                                  "schema": {"type": "integer", "minimum": 0}}],
            "responses": {"200": _json("The version.", _ref("DocumentVersion")),
                          **_errors(401, 404)}}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/diff": {"get": {
            "operationId": "personaDiff", "security": COOKIE,
            "summary": "Side-by-side diff of two versions, field by field.",
            "parameters": [*ids, *({"name": name, "in": "query", "required": True,
                                    "schema": {"type": "integer", "minimum": 0,
                                               "maximum": 999_999_999}}
                                   for name in ("from", "to"))],
            "responses": {"200": _json("The diff.", _ref("DocumentDiff")), **missing}}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/review": {"get": {
            "operationId": "personaReview", "security": COOKIE, "parameters": ids,
            "summary": "Review date, stale traits, what a review looks at, the decisions "
                       "that used the persona and its validation backlog.",
            "responses": {"200": _json("The review.", _ref("PersonaReview")),
                          **_errors(401, 404)}}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/fit": {"get": {
            "operationId": "personaFit", "security": COOKIE, "parameters": ids,
            "summary": "How many A4 pages the one-pager takes (it should be one).",
            "responses": {"200": _json("Pages.", _ref("Fit")),
                          **_errors(401, 404, 429, 503, s429=HEAVY_AT_ONCE)}}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/export.{extension}": {"get": {
            "operationId": "personaExport", "security": COOKIE,
            "summary": f"The persona as {_labels(formats.PERSONA)} (HTML: the A4 one-pager).",
            "parameters": [*ids, _extension(formats.PERSONA), number],
            "responses": {"200": _export_file(formats.PERSONA,
                                              "The file (Content-Disposition: attachment, "
                                              "with an ASCII filename and filename*=UTF-8'')."),
                          **_errors(400, 401, 404, 409, 429, 503,
                                    s400="invalid: format or version",
                                    s409="conflict: the iCalendar reminder needs an agreed "
                                         "version", s429=HEAVY_AT_ONCE)}}},
        "/api/workshops/{workshop_id}/export/assumptions.{extension}": {"get": {
            "operationId": "assumptionsCsv", "security": COOKIE,
            "parameters": [_workshop_id(), _extension(formats.WORKSHOP)],
            "summary": "Every assumption with votes, decisions and evidence states (csv), "
                       "or the segment definitions (segments.json).",
            "responses": {"200": _export_file(formats.WORKSHOP,
                                              "CSV (UTF-8 with BOM; every cell quoted and "
                                              "neutralised against formula injection), or "
                                              "the segment definitions as JSON."),
                          **_errors(400, 401, 404, 429, 503, s400="invalid: format",
                                    s429=HEAVY_AT_ONCE)}}},
        "/api/workshops/{workshop_id}/personas/import": {"post": {
            "operationId": "personaImport", "security": COOKIE,
            "parameters": [_workshop_id()],
            "summary": "Recreate a persona exported as JSON (`persona.import`; ≤ 1 MiB).",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["export", "op_id"],
                "properties": {"export": OPEN_OBJECT, "op_id": STRING}}}}},
            "responses": _op_answers()}},
        "/api/workshops/{workshop_id}/personas/{persona_id}/picture": {"post": {
            "operationId": "personaPicture", "security": COOKIE, "parameters": ids,
            "summary": "Upload the picture: PNG, JPEG or WebP ≤ 2 MiB, checked and shrunk.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": picture}}},
            "responses": _op_answers()}},
    }


def _library_paths(preview: Schema, import_request: Schema) -> dict:
    """The research library: search, one note, previews, imports."""
    id_param = _workshop_id()
    return {
        "/api/workshops/{workshop_id}/notes": {"get": {
            "operationId": "researchNotes", "security": COOKIE,
            "summary": "Search the research library (every word as a prefix; filters).",
            "parameters": [id_param, *({"name": name, "in": "query", "required": False,
                                        "schema": {"type": "string", "maxLength": 200}}
                                       for name in ("q", "source_type", "tag"))],
            "responses": {"200": _json("Up to 50 notes, best first.", _ref("SearchResults")),
                          **_errors(401)}}},
        "/api/workshops/{workshop_id}/notes/{note_id}": {"get": {
            "operationId": "researchNote", "security": COOKIE,
            "parameters": [id_param, {"name": "note_id", "in": "path", "required": True,
                                      "schema": {"type": "string"}}],
            "summary": "One research note.",
            "responses": {"200": _json("The note.", _ref("ResearchNote")),
                          **_errors(401, 404)}}},
        "/api/workshops/{workshop_id}/preview": {"post": {
            "operationId": "preview", "security": COOKIE, "parameters": [id_param],
            "summary": "Markdown rendered and sanitised as the library shows it.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": preview}}},
            "responses": {"200": _json("The HTML.", _ref("Rendered")),
                          **_errors(400, 401, 403, 413, 415, 429, 503, s403=CROSS_ORIGIN,
                                    s429=HEAVY_AT_ONCE)}}},
        "/api/workshops/{workshop_id}/notes/import": {"post": {
            "operationId": "importNotes", "security": COOKIE, "parameters": [id_param],
            "summary": "Import Markdown and CSV files: a dry run, or all or nothing.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": import_request}}},
            "responses": {
                "200": _json("A dry run: the plan, nothing written.", _ref("ImportAnswer")),
                "201": _json("Imported, as one `research_notes.import` op.", _ref("ImportAnswer")),
                "422": _json("The files have problems (nothing imported), or a limit.",
                             {"oneOf": [_ref("ImportAnswer"), _ref("Error")]}),
                **_errors(400, 401, 403, 404, 409, 413, 415, 429, 503, s403="forbidden"),
            }}},
    }


def _dataset_paths(inspect_request: Schema) -> dict:
    """Profiles: the mapping step, the import, and segment definitions (docs/protocol.md)."""
    id_param = _workshop_id()
    dataset = {"name": "dataset_id", "in": "path", "required": True,
               "schema": {"type": "string"}}
    answer = {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}},
              "additionalProperties": True}
    return {
        "/api/workshops/{workshop_id}/datasets/inspect": {"post": {
            "operationId": "inspectDataset", "security": COOKIE, "parameters": [id_param],
            "summary": "The mapping step: a CSV's kinds, suggested roles and masked preview "
                       "(≤ 100 MB; nothing is stored).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": inspect_request}}},
            "responses": {"200": _json("`{ok, inspection, refresh}`.", answer),
                          "422": _json("The file has problems: row, column, why.", answer),
                          **_errors(400, 401, 403, 413, 415, 429, 503, s403="forbidden",
                                    s429=HEAVY_AT_ONCE)}}},
        "/api/workshops/{workshop_id}/datasets": {"post": {
            "operationId": "importDataset", "security": COOKIE, "parameters": [id_param],
            "summary": "Import a CSV with its column roles (`dataset.import` data and an "
                       "optional `op_id`), as one op; aggregates only.",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": OPEN_OBJECT}}},
            "responses": {**_op_answers(),
                          "422": _json("The file has problems (`error.details.problems`), "
                                       "nothing stored.", _ref("OpRefused"))}}},
        "/api/workshops/{workshop_id}/datasets/{dataset_id}/segments": {"post": {
            "operationId": "importSegments", "security": COOKIE,
            "parameters": [id_param, dataset],
            "summary": "Define exported segment definitions on a dataset, one "
                       "`segment.define` op each; when any name or rule cannot work on "
                       "this dataset, none (`error.details.problems`: segment, name, "
                       "reason).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": OPEN_OBJECT}}},
            "responses": {"201": _json("`{ok, defined}`: the new segments' ids.", answer),
                          **_errors(400, 401, 403, 404, 409, 415, 422, 429, 503,
                                    s403="forbidden")}}},
    }


def _op_answers() -> dict:
    """Answers of an endpoint that applies one op: the ack, as for POST …/ops."""
    either = {"oneOf": [_ref("OpRefused"), _ref("Error")]}
    return {
        "201": _json("Applied.", _ref("OpApplied")),
        "200": _json("This op_id was applied before.", _ref("OpDuplicate")),
        "400": _json("invalid (an ack or an error)", either),
        "401": _json(ERRORS[401], either),
        "403": _json("forbidden", either),
        "404": _json("not_found", _ref("OpRefused")),
        "409": _json(ERRORS[409], _ref("OpRefused")),
        **_errors(413, 415),
        "422": _json("limit", _ref("OpRefused")),
        "429": _json(ERRORS[429], _ref("OpRefused")),
        "503": _json(ERRORS[503], either),
        **_errors(500),
    }


def build_openapi(server_url: str) -> dict:
    """The whole document, for an API served at `server_url` (e.g. request.host_url)."""
    components: dict[str, Schema] = {}
    create, join = _model(components, CreateWorkshop), _model(components, JoinWorkshop)
    paths = _paths(create, join, _op_envelope(components))
    paths |= _library_paths(_model(components, Preview), _model(components, ImportRequest))
    paths |= _persona_paths(_model(components, PictureUpload))
    paths |= _dataset_paths(_model(components, InspectRequest))
    for name, schema in _response_components().items():
        _add(components, name, schema)
    _event_components(components)
    for path, item in paths.items():  # every read of a workshop also takes an API token
        if "{workshop_id}" in path and "get" in item and item["get"]["security"] == COOKIE \
                and not path.endswith(("/links", "/sharing")):
            item["get"]["security"] = READ
    try:
        release = version("persona-workshop")
    except PackageNotFoundError:  # running from a checkout that was never installed
        release = "0.0.0"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Persona Workshop API",
            "version": release,
            "description": "The JSON API of Persona Workshop. docs/protocol.md is the full "
                           "contract, including Socket.IO, visibility and the event types. "
                           "Writes must be JSON and must not come from another origin.",
        },
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": paths,
        "webhooks": _webhooks(),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {COOKIE_SCHEME: {
                "type": "apiKey", "in": "cookie", "name": "workshop_session",
                "description": "Flask's signed session cookie, set by POST /api/join.",
            }, TOKEN_SCHEME: {
                "type": "http", "scheme": "bearer", "bearerFormat": "pwa_<id>.<secret>",
                "description": "A read-only API token of one workshop (op api_token.create, "
                               "shown once). Accepted on every GET of that workshop; every "
                               "write carrying one is refused 403.",
            }},
        },
    }
