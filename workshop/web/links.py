"""A link token as the absolute URL people open, and that URL as a QR code (SVG)."""

from __future__ import annotations

import segno
from flask import current_app, url_for
from markupsafe import Markup


def absolute_link(token: str) -> str:
    """Absolute URL of a link token (WORKSHOP_PUBLIC_URL wins over the request's host)."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for("pages.join", token=token)
    return url_for("pages.join", token=token, _external=True)


def qr_svg(url: str) -> Markup:
    """The URL as an inline SVG QR code, sized by CSS (segno draws paths only, no script).

    Error correction M survives a glare spot on a wall display; the quiet zone of 4 modules
    is the standard's, so phones read it from across a room.
    """
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=4, dark="#1f2430", light="#ffffff",
                                  omitsize=True, svgclass="join-qr-code"))
