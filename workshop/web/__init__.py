"""HTTP adapters: pages, the JSON API, and the headers every response carries."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask, https: bool) -> None:
    """Register blueprints and security headers."""
    from workshop.web import api, pages, security

    security.init_app(app, https=https)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
