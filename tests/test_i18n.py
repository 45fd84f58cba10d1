"""The message catalogues (workshop/messages/*.json), language choice, and pages in Dutch.

Every key used in the templates and the browser code exists in English, every English key is
used, and each language has the same keys with the same placeholders.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import LanguageAccept

from workshop import catalogue
from workshop.config import ROOT
from workshop.domain import phases
from workshop.domain.export import formats

SOURCES = [
    *sorted((ROOT / "templates").rglob("*.html")),
    *sorted((ROOT / "static/js").rglob("*.js")),
    *sorted((ROOT / "workshop/web").glob("*.py")),
]
# t("key"), t('key', …), plural("key", n); translate(lang, "key") in Python.
USES = re.compile(r"""(?<![\w.])(t|plural)\(\s*["']([\w.-]+)["']"""
                  r"""|(?<![\w.])(translate)\([^,()]+,\s*["']([\w.-]+)["']""")


def registry_keys() -> dict[str, set[str]]:
    """The catalogue keys the registries name (the page says them through registry.js)."""
    keys: dict[str, set[str]] = {}
    for phase in phases.PHASES:
        for key in (phase.label, phase.prompt):
            keys.setdefault(key, set()).add("workshop/domain/phases.py")
    for fmt in formats.FORMATS:
        keys.setdefault(fmt.link, set()).add("workshop/domain/export/formats.py")
    return keys


def used_keys() -> dict[str, set[str]]:
    """Every catalogue key the sources use, with the files that use it."""
    keys = registry_keys()
    for path in SOURCES:
        for match in USES.finditer(path.read_text(encoding="utf-8")):
            function, key = (match[1], match[2]) if match[1] else (match[3], match[4])
            wanted = [f"{key}.one", f"{key}.other"] if function == "plural" else [key]
            for name in wanted:
                keys.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return keys


def test_every_language_has_exactly_the_english_keys():
    english = catalogue.load("en")
    for lang in catalogue.LANGUAGES:
        other = catalogue.load(lang)
        assert sorted(set(english) - set(other)) == [], f"{lang} lacks these keys"
        assert sorted(set(other) - set(english)) == [], f"{lang} has keys English lacks"


def test_every_translation_has_the_english_placeholders():
    english = catalogue.load("en")
    for lang in catalogue.LANGUAGES:
        different = {key: text for key, text in catalogue.load(lang).items()
                     if set(catalogue.PLACEHOLDER.findall(text))
                     != set(catalogue.PLACEHOLDER.findall(english[key]))}
        assert different == {}, f"{lang}: placeholders differ from English"


def test_no_message_is_empty():
    for lang in catalogue.LANGUAGES:
        assert [k for k, text in catalogue.load(lang).items() if not text.strip()] == []


def test_every_key_the_sources_use_exists():
    english = catalogue.load("en")
    missing = {key: sorted(files) for key, files in used_keys().items() if key not in english}
    assert missing == {}, "keys used but missing from workshop/messages/en.json"


def test_every_key_in_the_catalogue_is_used():
    unused = sorted(set(catalogue.load("en")) - set(used_keys()))
    assert unused == [], "keys in workshop/messages/en.json that nothing uses"


def test_translate_fills_named_placeholders_and_falls_back():
    assert catalogue.translate("en", "api.status", status=502) == "The server answered 502."
    assert catalogue.translate("nl", "api.status", status=502) == "De server antwoordde 502."
    assert catalogue.translate("nl", "no.such.key") == "no.such.key"
    assert catalogue.translate("xx", "api.status", status=1) == "The server answered 1."


def test_a_missing_dutch_key_falls_back_to_english(monkeypatch):
    catalogue.catalogue.cache_clear()
    real = catalogue.load
    monkeypatch.setattr(catalogue, "load", lambda lang: {} if lang == "nl" else real(lang))
    try:
        assert catalogue.translate("nl", "api.status", status=3) == "The server answered 3."
    finally:
        catalogue.catalogue.cache_clear()


def test_plural_chooses_one_or_other():
    english = catalogue.load("en")
    key = next(k[: -len(".one")] for k in english if k.endswith(".one"))
    assert catalogue.plural("en", key, 1) == catalogue.translate("en", f"{key}.one", n=1)
    assert catalogue.plural("en", key, 0) == catalogue.translate("en", f"{key}.other", n=0)
    assert catalogue.plural("nl", key, 7) == catalogue.translate("nl", f"{key}.other", n=7)


@pytest.mark.parametrize(("query", "cookie", "accept", "expected"), [
    ("nl", "en", "en", "nl"),            # the query beats the cookie
    (None, "nl", "en-GB,en;q=0.9", "nl"),  # the cookie beats Accept-Language
    (None, None, "nl-NL,nl;q=0.9,en;q=0.5", "nl"),
    (None, None, "de-DE,nl;q=0.8,en;q=0.5", "nl"),
    (None, None, "fr, de", "en"),        # nothing we ship: English
    ("xx", "yy", "", "en"),              # unknown query and cookie are ignored
    ("NL", None, "", "nl"),
    (None, None, None, "en"),
])
def test_negotiate(query, cookie, accept, expected):
    accept_languages = None if accept is None else LanguageAccept(
        [(part.split(";")[0].strip(), float(part.split("q=")[1]) if "q=" in part else 1.0)
         for part in accept.split(",") if part.strip()])
    assert catalogue.negotiate(query, cookie, accept_languages) == expected


def test_the_start_page_speaks_dutch_with_lang_nl_and_remembers_it(client):
    response = client.get("/?lang=nl")
    html = response.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert catalogue.translate("nl", "home.create.heading") in html
    cookie = response.headers["Set-Cookie"]
    assert "workshop_lang=nl" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    html = client.get("/").get_data(as_text=True)  # the cookie sticks
    assert '<html lang="nl">' in html and "Start een workshop" in html
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Start a workshop" in html
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_the_browser_language_is_used_without_a_choice(client):
    response = client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    assert '<html lang="nl">' in response.get_data(as_text=True)
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert "Set-Cookie" not in response.headers  # only an explicit ?lang= is remembered
    html = client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_the_page_embeds_its_catalogue_and_a_language_switcher(client):
    html = client.get("/?lang=nl").get_data(as_text=True)
    embedded = re.search(r'<script type="application/json" id="messages">(.*?)</script>',
                         html, re.S).group(1)
    import json
    assert json.loads(embedded) == catalogue.catalogue("nl")
    assert "<script>" not in html
    assert re.search(r'<a href="/\?lang=nl" lang="nl" hreflang="nl"[^>]*aria-current="true"', html)
    assert re.search(r'<a href="/\?lang=en" lang="en" hreflang="en"(?![^>]*aria-current)', html)


def test_the_join_page_and_board_speak_dutch(client):
    body = client.post("/api/workshops", json={"title": "Energiecoach"}).get_json()
    token = body["invite_url"].rsplit("/join/", 1)[1]
    html = client.get(f"/join/{token}?lang=nl").get_data(as_text=True)
    assert "Doe mee aan de workshop" in html and '<html lang="nl">' in html
    client.post("/api/join", json={"token": token, "name": "Sam", "team": "Support"})
    html = client.get(f"/w/{body['id']}").get_data(as_text=True)
    assert '<html lang="nl">' in html and "Naar de inhoud" in html


def test_every_refusal_reason_the_server_names_is_said_by_the_page():
    # A refusal people meet on the board names a `reason`; static/js/messages.js says each in the
    # page's language from the catalogue's error.<reason>, so a reason the page does not know
    # would silently fall back to the generic text of its code.
    services = "\n".join(path.read_text() for path in (ROOT / "workshop").rglob("*.py"))
    reasons = set(re.findall(r'reason="(\w+)"|Refusal\("(\w+)"', services))
    reasons = {name for pair in reasons for name in pair if name}
    assert len(reasons) >= 10
    script = (ROOT / "static" / "js" / "messages.js").read_text()
    by_reason = script[script.index("const BY_REASON"):script.index("const BY_CODE")]
    said = set(re.findall(r"^\s+(\w+): \(", by_reason, re.M))
    assert said == reasons
    for reason in reasons:
        assert f"error.{reason}" in catalogue.catalogue("en") and f"error.{reason}" in by_reason


def test_a_workshop_created_in_dutch_starts_with_a_dutch_persona_name(client):
    body = client.post("/api/workshops?lang=nl", json={"title": "Energiecoach"}).get_json()
    token = body["invite_url"].rsplit("/join/", 1)[1]
    client.post("/api/join", json={"token": token, "name": "Sam", "team": "Support"})
    personas = client.get(f"/api/workshops/{body['id']}").get_json()["personas"]
    assert [p["name"] for p in personas] == ["Hoofdklant"]
    english = client.post("/api/workshops", headers={"Accept-Language": "en"},
                          json={"title": "Energy coach"}).get_json()
    assert english["id"] != body["id"]


# The board's fixed keys (static/js/shortcuts.js): new note, next / previous note, thread.
FIXED_SHORTCUTS = {"n", "j", "k", "t"}


@pytest.mark.parametrize("lang", catalogue.LANGUAGES)
def test_the_stance_shortcuts_are_distinct_letters_free_of_the_other_keys(lang):
    words = catalogue.catalogue(lang)
    letters = [words[f"help.letter.{stance}"] for stance in ("agree", "disagree", "unsure")]
    assert all(len(letter) == 1 and letter.isalpha() for letter in letters), letters
    keys = {letter.lower() for letter in letters}
    assert len(keys) == 3 and not keys & FIXED_SHORTCUTS, letters
    # Each is the first letter of its stance's word on the voting buttons.
    for stance, letter in zip(("agree", "disagree", "unsure"), letters, strict=True):
        assert words[f"vote.stance.{stance}"].upper().startswith(letter.upper())
