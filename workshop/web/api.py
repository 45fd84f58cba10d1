"""The JSON API: each route parses, calls one service function, and answers."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from workshop.catalogue import translate
from workshop.domain.filenames import content_disposition
from workshop.ops.apply import apply_op
from workshop.reads import divergence, duplicates, progress, search
from workshop.reads.snapshot import snapshot
from workshop.reads.sync import sync
from workshop.services import (
    datasets,
    exports,
    library,
    picture_upload,
    reviews,
    sharing,
    workshops,
)
from workshop.services.errors import STATUS_BY_CODE, ServiceError, unavailable
from workshop.services.membership import links as current_links
from workshop.web.language import current_language
from workshop.web.links import absolute_link
from workshop.web.openapi import build_openapi
from workshop.web.security import bearer_token
from workshop.web.sessions import membership, remember

bp = Blueprint("api", __name__)


def _backend():
    return current_app.extensions["workshop"]


_link = absolute_link


def _error(error: ServiceError):
    return jsonify(error=error.as_dict()), error.status


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    return _error(error)


# Seconds a refused client should wait before trying again (RFC 9110, Retry-After): the
# rate windows and the worker slots free up within about a second.
RETRY_AFTER_S = 1


@bp.after_request
def _retry_after(response: Response) -> Response:
    """A refusal that passes (429 rate_limited, 503 busy or unavailable) says when to retry."""
    if response.status_code in (429, 503):
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_S))
    return response


# Imports and pictures carry files; every other request stays within the app-wide 64 KiB.
IMPORT_MAX_BYTES = 8 * 1024 * 1024
PERSONA_IMPORT_MAX_BYTES = 1024 * 1024
PICTURE_MAX_BYTES = 3 * 1024 * 1024


@bp.app_errorhandler(413)
def _too_large(_exception):
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    return _error(ServiceError("too_large", f"the request body is larger than "
                                            f"{limit // 1024:,} KiB"))


@bp.app_errorhandler(404)
def _no_such_endpoint(exception):
    """Programs get JSON for an unknown API path too; pages keep their HTML 404."""
    if request.path.startswith("/api/"):
        return _error(ServiceError("not_found", "no such endpoint"))
    return exception


@bp.app_errorhandler(405)
def _wrong_method(exception):
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "invalid", "message": f"{request.method} is not "
                                                            "allowed here"}), 405
    return exception


# The protocol's code for an HTTP status (the first code listed for it, e.g. 400 `invalid`).
_CODE_BY_STATUS = {status: code for code, status in reversed(STATUS_BY_CODE.items())}


@bp.app_errorhandler(HTTPException)
def _any_api_error(exception: HTTPException):
    """Every error under /api/ answers JSON, a server failure (500) included; pages keep
    Flask's HTML. Flask has logged an unhandled exception with its traceback before this."""
    if not request.path.startswith("/api/"):
        return exception
    if isinstance(getattr(exception, "original_exception", None), OperationalError):
        return _error(unavailable())  # the database could not do it: nothing was changed
    status = exception.code or 500
    if status >= 500:
        error = {"code": "internal", "message": "the server failed to answer this request"}
    else:
        error = {"code": _CODE_BY_STATUS.get(status, "invalid"),
                 "message": exception.description or exception.name}
    return jsonify(error=error), status


def _json() -> object:
    """The request's JSON, or None; absurdly deep nesting counts as unreadable."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ServiceError("invalid", "the body is nested too deeply") from None


def _body() -> dict:
    body = _json()
    if not isinstance(body, dict):
        raise ServiceError("invalid", "the body must be a JSON object")
    return body


def _viewer(workshop_id: str) -> dict:
    """Who is asking: a read-only API token's viewer, or the member behind the cookie."""
    token = bearer_token()
    if token is not None:  # only GETs get here: writes with a token were refused already
        viewer = sharing.api_viewer(_backend(), workshop_id, token)
        if viewer is None:
            raise ServiceError("unauthenticated", "this API token is not valid for this "
                                                  "workshop (it may have been revoked)")
        return viewer
    member = workshops.find_member(_backend(), workshop_id, membership(workshop_id))
    if member is None:
        raise ServiceError("unauthenticated", "join this workshop through its link first")
    return member


@bp.get("/healthz")
def healthz():
    """Liveness probe."""
    return jsonify(status="ok")


@bp.get("/api/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of this API, generated from the request models."""
    return jsonify(build_openapi(request.host_url))


@bp.post("/api/workshops")
def create_workshop():
    """Create a workshop; answers its three links."""
    lang = current_language()  # the first persona is named in the creator's language
    created = workshops.create_workshop(
        _backend(), _body(), translate(lang, "workshop.default_persona"))
    return jsonify(id=created.id, title=created.title,
                   facilitator_url=_link(created.facilitator_token),
                   invite_url=_link(created.invite_token),
                   observer_url=_link(created.observer_token)), 201


@bp.post("/api/join")
def join():
    """Join through a link token; sets the session cookie. Rejoining returns the same member."""
    participant, created = workshops.join_or_rejoin(_backend(), _body(), membership,
                                                    request.remote_addr)
    remember(participant["workshop_id"], participant["id"])
    return jsonify(participant=participant,
                   workshop_id=participant["workshop_id"]), 201 if created else 200


@bp.get("/api/workshops/<workshop_id>")
def workshop_snapshot(workshop_id: str):
    """The snapshot the caller may see, with its seq."""
    return jsonify(snapshot(_backend(), workshop_id, _viewer(workshop_id)))


@bp.get("/api/workshops/<workshop_id>/events")
def workshop_events(workshop_id: str):
    """HTTP form of `sync`: the events after ?since=n, or a fresh snapshot."""
    since = request.args.get("since", "0")
    if not re.fullmatch(r"[0-9]{1,15}", since):
        raise ServiceError("invalid", "since: must be a whole number")
    return jsonify(sync(_backend(), workshop_id, _viewer(workshop_id), int(since)))


@bp.get("/api/workshops/<workshop_id>/links")
def workshop_links(workshop_id: str):
    """The workshop's current links (facilitators only); rotating one replaces it."""
    tokens = current_links(_backend(), workshop_id, _viewer(workshop_id))
    return jsonify({f"{'invite' if role == 'participant' else role}_url": _link(token)
                    for role, token in tokens.items()})


@bp.get("/api/workshops/<workshop_id>/sharing")
def workshop_sharing(workshop_id: str):
    """Share links (with tokens and views), API tokens, the webhook and its deliveries, and
    the library listing (facilitators only)."""
    return jsonify(sharing.overview(_backend(), workshop_id, _viewer(workshop_id),
                                    current_app.config["LIBRARY"]))


@bp.get("/api/workshops/<workshop_id>/divergence")
def workshop_divergence(workshop_id: str):
    """Agreement measures per note, most divisive first (?persona=<id> narrows it)."""
    return jsonify(divergence.divergence(_backend(), workshop_id, _viewer(workshop_id),
                                         request.args.get("persona") or None))


@bp.get("/api/workshops/<workshop_id>/duplicates")
def workshop_duplicates(workshop_id: str):
    """Likely duplicate notes of one persona (?persona=<id>), best first."""
    return jsonify(duplicates.likely_duplicates(_backend(), workshop_id, _viewer(workshop_id),
                                                request.args.get("persona") or None))


@bp.get("/api/workshops/<workshop_id>/progress")
def workshop_progress(workshop_id: str):
    """How far each person and team has got: counts only, never content or stances."""
    return jsonify(progress.progress(_backend(), workshop_id, _viewer(workshop_id)))


@bp.get("/api/workshops/<workshop_id>/notes")
def research_notes(workshop_id: str):
    """The research library, searched (?q=words) and filtered (?source_type=, ?tag=)."""
    _viewer(workshop_id)
    args = request.args
    return jsonify(search.search_notes(_backend(), workshop_id, args.get("q", "")[:200],
                                       args.get("source_type") or None,
                                       args.get("tag") or None))


@bp.get("/api/workshops/<workshop_id>/notes/<note_id>")
def research_note(workshop_id: str, note_id: str):
    """One research note with its Markdown and sanitised HTML."""
    _viewer(workshop_id)
    return jsonify(search.get_note(_backend(), workshop_id, note_id))


@bp.post("/api/workshops/<workshop_id>/notes/import")
def import_research_notes(workshop_id: str):
    """Import Markdown and CSV files as notes: a preview (dry_run) or all-or-nothing."""
    request.max_content_length = IMPORT_MAX_BYTES
    answer = library.import_notes(_backend(), workshop_id, membership(workshop_id), _json())
    if answer["ok"]:
        return jsonify(answer), 200 if answer.get("seq") is None else 201
    if answer["plan"]["problems"]:  # the files were read, but some of them are wrong
        return jsonify(answer), 422
    return jsonify(answer), ServiceError(answer["error"]["code"], "").status


@bp.post("/api/workshops/<workshop_id>/preview")
def preview_markdown(workshop_id: str):
    """Render Markdown as the library shows it, for the editor's live preview."""
    viewer = _viewer(workshop_id)
    return jsonify(library.preview(_backend(), _body(), viewer["id"]))


def _ack(ack: dict):
    """An op's ack as an HTTP answer: 201 applied, 200 a retry, else the error's status."""
    if ack["ok"]:
        return jsonify(ack), 200 if ack.get("duplicate") else 201
    return jsonify(ack), ServiceError(ack["error"]["code"], "").status


def _number(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise ServiceError("invalid", f"{name}: must be a whole number")
    return int(value)


def _file(export: exports.Export, download: bool = True) -> Response:
    # content_type, not mimetype: the media type already names its charset, and Werkzeug
    # would add a second one to a text/* mimetype.
    response = Response(export.content, content_type=export.media_type)
    if download:
        # Werkzeug quotes the ASCII fallback; `filename*` carries the Unicode name (RFC 6266).
        response.headers.set("Content-Disposition", "attachment",
                             **content_disposition(export.filename, export.ascii_filename))
    return response


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>")
def persona_document(workshop_id: str, persona_id: str):
    """A persona's current document (null before the merge) and its version history."""
    _viewer(workshop_id)
    return jsonify(exports.versions(_backend(), workshop_id, persona_id))


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>/versions/<int:number>")
def persona_version(workshop_id: str, persona_id: str, number: int):
    """One version of a persona's document."""
    _viewer(workshop_id)
    return jsonify(exports.version(_backend(), workshop_id, persona_id, number))


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>/diff")
def persona_diff(workshop_id: str, persona_id: str):
    """Side-by-side diff of two versions (?from=1&to=2)."""
    _viewer(workshop_id)
    old, new = _number("from"), _number("to")
    if old is None or new is None:
        raise ServiceError("invalid", "from and to: give the two version numbers")
    return jsonify(exports.diff(_backend(), workshop_id, persona_id, old, new))


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>/review")
def persona_review(workshop_id: str, persona_id: str):
    """Review date, stale traits, what a review looks at, the decisions and the backlog."""
    viewer = _viewer(workshop_id)
    return jsonify(reviews.persona_review(_backend(), workshop_id, viewer, persona_id))


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>/fit")
def persona_fit(workshop_id: str, persona_id: str):
    """How many A4 pages the one-pager of the current document takes."""
    viewer = _viewer(workshop_id)
    return jsonify(exports.fit(_backend(), workshop_id, viewer, persona_id))


@bp.get("/api/workshops/<workshop_id>/personas/<persona_id>/export.<extension>")
def persona_export(workshop_id: str, persona_id: str, extension: str):
    """The persona as a file (?version=n, else the current one); formats: domain/export/formats."""
    viewer = _viewer(workshop_id)
    return _file(exports.export_persona(_backend(), workshop_id, viewer, persona_id, extension,
                                        _number("version")))


@bp.get("/api/workshops/<workshop_id>/export/assumptions.<extension>")
def assumptions_export(workshop_id: str, extension: str):
    """Every assumption with votes, decisions and evidence states, as a file (CSV)."""
    return _file(exports.export_assumptions(_backend(), workshop_id, _viewer(workshop_id),
                                            extension))


@bp.post("/api/workshops/<workshop_id>/personas/import")
def persona_import(workshop_id: str):
    """Recreate a persona exported as JSON: `{"export": {...}, "op_id": "..."}`."""
    request.max_content_length = PERSONA_IMPORT_MAX_BYTES
    body = _body()
    return _ack(apply_op(_backend(), workshop_id, membership(workshop_id), {
        "op_id": body.get("op_id"), "type": "persona.import",
        "data": {"export": body.get("export")}}))


@bp.post("/api/workshops/<workshop_id>/personas/<persona_id>/picture")
def persona_picture(workshop_id: str, persona_id: str):
    """Upload the persona's picture (PNG, JPEG or WebP, ≤ 2 MiB): checked, shrunk, used."""
    request.max_content_length = PICTURE_MAX_BYTES
    return _ack(picture_upload.upload(_backend(), workshop_id, membership(workshop_id),
                                      persona_id, _body()))


@bp.post("/api/workshops/<workshop_id>/ops")
def workshop_op(workshop_id: str):
    """HTTP form of `op`, through the same service function as the socket handler."""
    return _ack(apply_op(_backend(), workshop_id, membership(workshop_id), _json()))


@bp.post("/api/workshops/<workshop_id>/datasets/inspect")
def inspect_dataset(workshop_id: str):
    """The mapping step: a CSV's columns, kinds, suggested roles and a masked preview."""
    request.max_content_length = datasets.UPLOAD_MAX_BYTES
    answer = datasets.inspect_upload(_backend(), workshop_id, membership(workshop_id),
                                     request.stream)
    return jsonify(answer), 200 if answer["ok"] else 422


@bp.post("/api/workshops/<workshop_id>/datasets")
def import_dataset(workshop_id: str):
    """Import a CSV with its column roles as one `dataset.import` op (aggregates only)."""
    request.max_content_length = datasets.UPLOAD_MAX_BYTES
    ack = datasets.import_upload(_backend(), workshop_id, membership(workshop_id),
                                 request.stream)
    if not ack["ok"] and ack["error"].get("details", {}).get("problems"):
        return jsonify(ack), 422  # the file was read, and is wrong: row, column, why
    return _ack(ack)


@bp.post("/api/workshops/<workshop_id>/datasets/<dataset_id>/segments")
def import_segment_definitions(workshop_id: str, dataset_id: str):
    """Define exported segment definitions (`segments.json`) on a dataset, one op each."""
    answer = datasets.import_segments(_backend(), workshop_id, membership(workshop_id),
                                      dataset_id, _json())
    if answer["ok"]:
        return jsonify(answer), 201
    return jsonify(answer), ServiceError(answer["error"]["code"], "").status
