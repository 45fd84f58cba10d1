"""The JSON API: each route parses, calls one service function, and answers."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request, url_for

from workshop.services import divergence, ops, workshops
from workshop.services.errors import ServiceError
from workshop.services.membership import links as current_links
from workshop.web.openapi import build_openapi
from workshop.web.sessions import membership, remember

bp = Blueprint("api", __name__)


def _backend():
    return current_app.extensions["workshop"]


def _link(token: str) -> str:
    """Absolute URL of a link token (WORKSHOP_PUBLIC_URL wins over the request's host)."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for("pages.join", token=token)
    return url_for("pages.join", token=token, _external=True)


def _error(error: ServiceError):
    return jsonify(error=error.as_dict()), error.status


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    return _error(error)


@bp.app_errorhandler(413)
def _too_large(_exception):
    return _error(ServiceError("too_large", "the request body is larger than 64 KiB"))


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
    created = workshops.create_workshop(_backend(), _body())
    return jsonify(id=created.id, title=created.title,
                   facilitator_url=_link(created.facilitator_token),
                   invite_url=_link(created.invite_token),
                   observer_url=_link(created.observer_token)), 201


@bp.post("/api/join")
def join():
    """Join through a link token; sets the session cookie. Rejoining returns the same member."""
    participant, created = workshops.join_or_rejoin(_backend(), _body(), membership)
    remember(participant["workshop_id"], participant["id"])
    return jsonify(participant=participant,
                   workshop_id=participant["workshop_id"]), 201 if created else 200


@bp.get("/api/workshops/<workshop_id>")
def workshop_snapshot(workshop_id: str):
    """The snapshot the caller may see, with its seq."""
    return jsonify(workshops.snapshot(_backend(), workshop_id, _viewer(workshop_id)))


@bp.get("/api/workshops/<workshop_id>/events")
def workshop_events(workshop_id: str):
    """HTTP form of `sync`: the events after ?since=n, or a fresh snapshot."""
    since = request.args.get("since", "0")
    if not re.fullmatch(r"[0-9]{1,15}", since):
        raise ServiceError("invalid", "since: must be a whole number")
    return jsonify(workshops.sync(_backend(), workshop_id, _viewer(workshop_id), int(since)))


@bp.get("/api/workshops/<workshop_id>/links")
def workshop_links(workshop_id: str):
    """The workshop's current links (facilitators only); rotating one replaces it."""
    tokens = current_links(_backend(), workshop_id, _viewer(workshop_id))
    return jsonify({f"{'invite' if role == 'participant' else role}_url": _link(token)
                    for role, token in tokens.items()})


@bp.get("/api/workshops/<workshop_id>/divergence")
def workshop_divergence(workshop_id: str):
    """Agreement measures per note, most divisive first (?persona=<id> narrows it)."""
    return jsonify(divergence.divergence(_backend(), workshop_id, _viewer(workshop_id),
                                         request.args.get("persona") or None))


@bp.post("/api/workshops/<workshop_id>/ops")
def workshop_op(workshop_id: str):
    """HTTP form of `op`, through the same service function as the socket handler."""
    ack = ops.apply_op(_backend(), workshop_id, membership(workshop_id), _json())
    if ack["ok"]:
        return jsonify(ack), 200 if ack.get("duplicate") else 201
    return jsonify(ack), ServiceError(ack["error"]["code"], "").status
