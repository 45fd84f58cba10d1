"""The language of each request (`g.lang`), the `?lang=` cookie, and `t()` in templates."""

from __future__ import annotations

from functools import cache

from flask import Flask, current_app, g, request
from markupsafe import Markup, escape

from workshop import catalogue
from workshop.web.embedding import embed_json

COOKIE = "workshop_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600  # one year


def init_app(app: Flask) -> None:
    """Choose a language per request and give templates `t`, `plural`, `lang` and the catalogue."""
    app.before_request(_choose_language)
    app.after_request(_remember_language)
    app.context_processor(_template_helpers)


def current_language() -> str:
    """The request's language (English outside a request or before it was chosen)."""
    return g.get("lang", catalogue.DEFAULT)


def _choose_language() -> None:
    """Query (`?lang=nl`) beats the cookie beats the browser's Accept-Language."""
    asked = catalogue.supported(request.args.get("lang"))
    g.lang = catalogue.negotiate(asked, request.cookies.get(COOKIE), request.accept_languages)
    g.remember_lang = asked if asked and asked != request.cookies.get(COOKIE) else None


def _remember_language(response):
    """Keep a language chosen with `?lang=` for a year; pages vary by the language inputs."""
    if response.mimetype == "text/html":
        response.vary.update(("Accept-Language", "Cookie"))
    lang = g.get("remember_lang")
    if lang:
        https = (current_app.config.get("PUBLIC_URL") or "").startswith("https://")
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax",
                            httponly=True, secure=https or request.is_secure)
    return response


def _template_helpers() -> dict:
    """`t(key, **params)`, `plural(key, n, **params)`, `lang`, the languages, the catalogue."""
    lang = current_language()
    return {
        "lang": lang,
        "languages": catalogue.LANGUAGES,
        "language_names": catalogue.NAMES,
        "t": lambda key, **params: _translate(lang, key, params),
        "plural": lambda key, n, **params: catalogue.plural(lang, key, n, **params),
        "messages_json": _embedded_catalogue(lang),
    }


def _translate(lang: str, key: str, params: dict) -> str | Markup:
    """A message for a template. Keys ending in `_html` hold markup: their params are escaped."""
    if key.endswith("_html"):
        safe = {name: escape(value) for name, value in params.items()}
        return Markup(catalogue.translate(lang, key, **safe))
    return catalogue.translate(lang, key, **params)


@cache
def _embedded_catalogue(lang: str) -> Markup:
    """The catalogue as JSON for a `<script type="application/json">` block (made once)."""
    return embed_json(catalogue.catalogue(lang))
