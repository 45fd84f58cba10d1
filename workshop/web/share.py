"""Pages that reach outside a workshop: a shared persona (/p/<token>), the persona library
(/library), and the facilitator's sharing settings (/w/<id>/sharing)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for

from workshop.catalogue import translate
from workshop.domain.export import onepager
from workshop.services import persona_library, sharing, workshops
from workshop.services.errors import ServiceError
from workshop.web.embedding import embed_json
from workshop.web.language import current_language
from workshop.web.security import CSP
from workshop.web.sessions import membership

bp = Blueprint("share", __name__)

NOINDEX = "noindex, nofollow"


def _backend():
    return current_app.extensions["workshop"]


class _Framable:
    """A view whose page other sites may frame, from the origins the operator allows
    (WORKSHOP_SHARE_FRAME_ANCESTORS); flask-talisman reads `talisman_view_options` per
    request, so the setting of the app serving it applies."""

    def __init__(self, view):
        self.view = view
        self.__name__ = view.__name__
        self.__doc__ = view.__doc__

    @property
    def talisman_view_options(self) -> dict:
        ancestors = current_app.config.get("SHARE_FRAME_ANCESTORS") or "'none'"
        # frame-ancestors says who may frame; X-Frame-Options cannot list origins, so none.
        return {"content_security_policy": {**CSP, "frame-ancestors": ancestors},
                "frame_options": None}

    def __call__(self, *args, **kwargs):
        return self.view(*args, **kwargs)


def _noindex(response):
    response.headers["X-Robots-Tag"] = NOINDEX
    return response


def _not_found(error: ServiceError):
    lang = current_language()
    if error.reason == "nothing_agreed":
        title, text = translate(lang, "share.nothing_agreed.title"), \
            translate(lang, "error.nothing_agreed")
    else:
        title, text = translate(lang, "share.gone.title"), translate(lang, "share.gone.text")
    page = render_template("message.html", title=title, message=text, robots=NOINDEX)
    return _noindex(current_app.make_response((page, 404)))


def shared_page(token: str):
    """A shared persona's one-pager: the latest agreed (or pinned) version, nothing else."""
    try:
        shared = sharing.shared_persona(_backend(), token)
    except ServiceError as error:
        return _not_found(error)
    page = _backend().offload.run(onepager.onepager_html, shared.document, shared.meta,
                                  stylesheet_href=url_for("static", filename="css/onepager.css"),
                                  owner=f"share:{request.remote_addr}")
    return _noindex(current_app.make_response(page))


def shared_json(token: str):
    """The same persona as JSON, for automations."""
    try:
        shared = sharing.shared_persona(_backend(), token)
    except ServiceError as error:
        return _noindex(current_app.make_response((jsonify(error=error.as_dict()), 404)))
    meta = {k: v for k, v in shared.meta.items() if k not in ("robots", "exported_at")}
    return _noindex(jsonify(meta=meta, document=shared.document))


bp.add_url_rule("/p/<token>", "shared_page", _Framable(shared_page))
bp.add_url_rule("/p/<token>.json", "shared_json", _Framable(shared_json))


@bp.get("/library")
def library_page():
    """The instance's persona library: agreed personas of every workshop that listed them."""
    if not current_app.config.get("LIBRARY", True):
        abort(404)
    query = request.args.get("q", "")[:200]
    entries = persona_library.entries(_backend(), query)
    return _noindex(current_app.make_response(render_template(
        "library_personas.html", entries=entries, query=query, robots=NOINDEX)))


@bp.get("/api/library")
def library_json():
    """The persona library as JSON (?q= searches)."""
    if not current_app.config.get("LIBRARY", True):
        return jsonify(error={"code": "not_found", "message": "the library is turned off"}), 404
    return _noindex(jsonify(personas=persona_library.entries(
        _backend(), request.args.get("q", "")[:200])))


@bp.get("/w/<workshop_id>/sharing")
def sharing_page(workshop_id: str):
    """The facilitator's sharing settings: share links, API tokens, webhook, library."""
    member = workshops.find_member(_backend(), workshop_id, membership(workshop_id))
    lang = current_language()
    if member is None or member["role"] != "facilitator":
        return render_template("message.html", title=translate(lang, "sharing.only.title"),
                               message=translate(lang, "sharing.only.text")), 403
    personas = persona_library.personas_of(_backend(), workshop_id)
    return render_template("sharing.html", workshop_id=workshop_id, personas=personas,
                           page_json=embed_json({"workshop_id": workshop_id,
                                                 "personas": personas}))
