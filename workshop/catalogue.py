"""The interface text: one message catalogue per language, plural forms and locale choice.

Plain Python (no Flask), so pages, exports and tests share it. A catalogue is a flat JSON
object `{"page.thing": "Text with {named} placeholders"}` in `workshop/messages/<lang>.json`.
Plural forms are separate keys, `<key>.one` and `<key>.other`; English and Dutch both use
"one" for exactly 1 and "other" for every other number.

Adding a language: copy `en.json` to `<lang>.json`, translate every value (keep the
`{placeholders}`), and add the code to LANGUAGES and its own name to NAMES. tests/test_i18n.py
checks that every catalogue has exactly the English keys and placeholders. A language with
other plural rules would need `plural_form` (here and in static/js/messages.js) to learn them.
What stays English: the API's error messages (its contract; the board shows them as they
come) and the exports (Markdown, JSON, one-pager, CSV), which are documents for the team.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "nl")
DEFAULT = "en"
NAMES = {"en": "English", "nl": "Nederlands"}  # each language named in itself

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load(lang: str) -> dict[str, str]:
    """One language's catalogue exactly as stored on disk (no fallback)."""
    with open(MESSAGES_DIR / f"{lang}.json", encoding="utf-8") as file:
        return json.load(file)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of a language; keys it lacks fall back to English."""
    merged = dict(load(DEFAULT))
    if lang != DEFAULT and lang in LANGUAGES:
        merged.update(load(lang))
    return merged


def translate(lang: str, key: str, **params: object) -> str:
    """The text of `key` in `lang` with `{name}` placeholders filled; the key itself if unknown."""
    text = catalogue(lang).get(key, key)
    if not params:
        return text
    return PLACEHOLDER.sub(lambda m: str(params[m[1]]) if m[1] in params else m[0], text)


def plural_form(n: int) -> str:
    """The plural category of a number: "one" or "other" (the same rule in English and Dutch)."""
    return "one" if n == 1 else "other"


def plural(lang: str, key: str, n: int, **params: object) -> str:
    """`<key>.one` or `<key>.other` for n, with `{n}` and the other placeholders filled."""
    return translate(lang, f"{key}.{plural_form(n)}", n=n, **params)


def supported(lang: str | None) -> str | None:
    """The language code if we ship it, else None (case-insensitive; "nl-BE" is "nl")."""
    if not lang:
        return None
    code = lang.strip().lower().split("-")[0].split("_")[0]
    return code if code in LANGUAGES else None


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_languages=None) -> str:
    """The language to show: the query beats the cookie beats Accept-Language; else English.

    `accept_languages` is werkzeug's `request.accept_languages` (anything with
    `best_match(LANGUAGES)`), or None.
    """
    for choice in (query_lang, cookie_lang):
        if lang := supported(choice):
            return lang
    if accept_languages is not None:
        best = accept_languages.best_match(LANGUAGES)
        if best:
            return best
    return DEFAULT
