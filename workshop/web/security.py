"""Security headers (via flask-talisman) and a same-origin check on state-changing requests."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",  # no inline script, anywhere
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_app(app: Flask, https: bool) -> None:
    """Install the headers and the origin check."""
    Talisman(
        app,
        force_https=False,  # TLS is the reverse proxy's job
        strict_transport_security=https,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="no-referrer",  # the links carry tokens
    )
    app.before_request(_refuse_cross_origin_writes)
    app.before_request(_refuse_bearer_writes)


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _refuse_bearer_writes():
    """API tokens are read-only: a write that carries one is refused before anything runs,
    whatever else (a cookie) it carries, so a token can never be used to change a workshop."""
    if request.method in ("GET", "HEAD", "OPTIONS") or bearer_token() is None:
        return None
    return jsonify(error={"code": "forbidden", "message": "API tokens are read-only: "
                                                          "writes need a member's session"}), 403


def _refuse_cross_origin_writes():
    """Refuse state-changing requests sent from another site's page (CSRF)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        return jsonify(error={"code": "forbidden", "message": "cross-origin request refused"}), 403
    if request.path.startswith("/api/") and not request.is_json:
        # A JSON content type cannot be sent cross-site without a CORS preflight.
        return jsonify(error={"code": "unsupported_media_type",
                              "message": "send JSON (Content-Type: application/json)"}), 415
    return None
