"""HTML pages: create a workshop, join through a link, and the board."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from workshop.catalogue import translate
from workshop.domain import phases
from workshop.domain.export import formats
from workshop.reads.snapshot import snapshot
from workshop.services import exports, workshops
from workshop.services.errors import ServiceError
from workshop.services.membership import links as current_links
from workshop.web.embedding import embed_json
from workshop.web.language import current_language
from workshop.web.links import absolute_link, qr_svg
from workshop.web.sessions import membership, remember

bp = Blueprint("pages", __name__)


def _backend():
    return current_app.extensions["workshop"]


@bp.get("/")
def home():
    """The start page: create a workshop."""
    return render_template("home.html")


@bp.get("/join/<token>")
def join(token: str):
    """A link was opened: go to the board if this browser is already in, else ask for a name."""
    try:
        target = workshops.resolve_token(_backend(), token)
    except ServiceError:
        lang = current_language()  # resolve_token's one refusal, in the page's language
        return render_template("message.html", title=translate(lang, "message.link_invalid.title"),
                               message=translate(lang, "message.link_invalid.text")), 404
    member = workshops.find_member(_backend(), target.workshop_id, membership(target.workshop_id))
    if member and member["role"] == target.role:
        return redirect(url_for("pages.board", workshop_id=target.workshop_id))
    return render_template("join.html", target=target, token=token,
                           name=member["name"] if member else "",
                           current_role=member["role"] if member else None)


@bp.get("/w/<workshop_id>")
def board(workshop_id: str):
    """The live board, rendered with the snapshot this member may see."""
    member, refusal = _member_or_message(workshop_id)
    if refusal:
        return refusal
    remember(workshop_id, member["id"])  # the boards opened last are the last to expire
    state = snapshot(_backend(), workshop_id, member)
    # ?present: the wall display's mode, following the facilitator's persona and view.
    return _live_page("board.html", state, present="present" in request.args)


@bp.get("/w/<workshop_id>/join-screen")
def join_screen(workshop_id: str):
    """The invite link as a QR code, big, for the wall display (the facilitator's to show)."""
    member, refusal = _member_or_message(workshop_id)
    if refusal:
        return refusal
    try:
        tokens = current_links(_backend(), workshop_id, member)
    except ServiceError:
        lang = current_language()
        return render_template("message.html", title=translate(lang, "join_screen.forbidden.title"),
                               message=translate(lang, "join_screen.forbidden.text")), 403
    state = snapshot(_backend(), workshop_id, member)
    url = absolute_link(tokens["participant"])
    return render_template("join_screen.html", state=state, invite_url=url, qr=qr_svg(url))


def _live_page(template: str, state: dict, **context) -> str:
    """A page of the live workshop: its snapshot, and the registries its scripts read
    (phases, export formats) embedded, so the browser keeps no copy of either."""
    registry = {
        "phases": [{"key": p.key, "label": p.label, "prompt": p.prompt, "voting": p.voting,
                    "document": p.document} for p in phases.PHASES],
        "exports": [{"extension": f.extension, "label": f.label, "link": f.link,
                     "scope": f.scope, "viewed": f.viewed} for f in formats.FORMATS],
    }
    return render_template(template, state=state, snapshot_json=embed_json(state),
                           phase=phases.by_key(state["workshop"]["phase"]),
                           registry_json=embed_json(registry), **context)


def _member_or_message(workshop_id: str):
    member = workshops.find_member(_backend(), workshop_id, membership(workshop_id))
    if member is None and workshops.was_removed(_backend(), workshop_id, membership(workshop_id)):
        lang = current_language()
        return None, (render_template(
            "message.html", title=translate(lang, "message.removed.title"),
            message=translate(lang, "message.removed.text")), 403)
    if member is None:
        lang = current_language()
        return None, (render_template(
            "message.html", title=translate(lang, "message.join_first.title"),
            message=translate(lang, "message.join_first.text")), 403)
    return member, None


@bp.get("/w/<workshop_id>/persona/<persona_id>")
def persona(workshop_id: str, persona_id: str):
    """The merge view: the persona document, edited live, with its versions and exports."""
    member, refusal = _member_or_message(workshop_id)
    if refusal:
        return refusal
    state = snapshot(_backend(), workshop_id, member)
    chosen = next((p for p in state["personas"] if p["id"] == persona_id), None)
    if chosen is None:
        lang = current_language()
        return render_template("message.html", title=translate(lang, "message.no_persona.title"),
                               message=translate(lang, "message.no_persona.text")), 404
    return _live_page("persona.html", state, persona=chosen)


@bp.get("/w/<workshop_id>/persona/<persona_id>/onepager")
def onepager(workshop_id: str, persona_id: str):
    """The A4 one-pager of a version (?version=n; the current one by default), to print."""
    member, refusal = _member_or_message(workshop_id)
    if refusal:
        return refusal
    number = request.args.get("version", "")
    try:
        page = exports.onepager_page(
            _backend(), workshop_id, member, persona_id,
            int(number) if number.isdigit() and len(number) < 10 else None,
            url_for("static", filename="css/onepager.css"))
    except ServiceError as error:  # the service's message is English, like the API's
        lang = current_language()
        # Laying out is refused (busy, rate_limited) when too many heavy requests run at once.
        title = (translate(lang, "message.not_found.title") if error.status == 404
                 else translate(lang, "message.busy.title"))
        return render_template("message.html", title=title,
                               message=error.message), error.status
    return page
