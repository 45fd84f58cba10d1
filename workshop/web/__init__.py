"""HTTP adapters: pages, the JSON API, and the headers every response carries."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask, https: bool) -> None:
    """Register blueprints, security headers and the interface language."""
    from workshop.web import api, language, pages, security, share

    security.init_app(app, https=https)
    language.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(share.bp)
