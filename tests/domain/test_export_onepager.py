"""The one-pager: escaped HTML under a strict CSP, draft watermark, one A4 page as PDF."""

from __future__ import annotations

import io
import pathlib
import re

import pytest
from pypdf import PdfReader

from tests.domain import persona_fixture as fx
from workshop.domain.export.onepager import onepager_html, page_count, to_pdf
from workshop.domain.merge import with_field, with_picture

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
A4 = (595.28, 841.89)  # points


def html(document: dict | None = None, meta: dict | None = None) -> str:
    """The fixture's one-pager HTML."""
    return onepager_html(document or fx.document(), meta or fx.meta(),
                         stylesheet_href="/static/css/onepager.css")


def test_page_shows_identity_sections_and_evidence():
    page = html()
    assert "<h1>Anouk de Vries</h1>" in page
    assert "I bake bread, not spreadsheets." in page
    assert "<strong>De Korenbloem</strong>" in page  # the story rendered from Markdown
    assert page.count('class="trait state-validated"') == 2
    assert page.count('class="trait state-contradicted"') == 1
    assert ('<span class="prov prov-dissent"><span class="prov-label">Minority view:</span> '
            'Support disagreed</span>') in page
    assert "29%" in page and "Interviews with 8 bakery owners" in page
    assert '<link rel="stylesheet" href="/static/css/onepager.css">' in page


def test_hostile_text_is_escaped_everywhere():
    doc = fx.document()
    for path in ("identity.name", "identity.quote", "identity.role", "identity.story",
                 "items.a:a2"):
        doc = with_field(doc, path, HOSTILE)
    meta = {**fx.meta(), "workshop_title": HOSTILE, "teams": [HOSTILE]}
    page = html(doc, meta)
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_no_inline_script_or_style_for_the_strict_csp():
    page = html(with_picture(fx.document(), {"kind": "upload", "media_type": "image/png",
                                             "data": "iVBORw0KGgo="}))
    assert "<script" not in page and "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_draft_watermark_only_on_drafts():
    assert 'class="watermark"' in html(meta=fx.meta("draft"))
    agreed = html(meta=fx.meta("agreed"))
    assert 'class="watermark"' not in agreed and "agreed 2025-03-05" in agreed


def test_picture_source_avatar_upload_or_given_url():
    assert "<svg" in html() and 'aria-label="Anouk de Vries"' in html()
    uploaded = with_picture(fx.document(), {"kind": "upload", "media_type": "image/png",
                                            "data": "iVBORw0KGgo="})
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html(uploaded)
    page = html(uploaded, {**fx.meta(), "picture_src": "/pictures/p1.png"})
    assert 'src="/pictures/p1.png"' in page and "data:image" not in page


def pdf_pages(document: dict, meta: dict) -> list:
    """The PDF's pages, read back with pypdf."""
    return PdfReader(io.BytesIO(to_pdf(document, meta))).pages


@pytest.mark.parametrize("document", [fx.document, fx.rich_document])
def test_a_typical_persona_is_exactly_one_a4_page(document):
    pages = pdf_pages(document(), fx.meta())
    assert len(pages) == 1
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert width == pytest.approx(A4[0], abs=1) and height == pytest.approx(A4[1], abs=1)
    assert page_count(document(), fx.meta()) == 1


def test_pdf_text_has_the_persona():
    text = pdf_pages(fx.document(), fx.meta("agreed"))[0].extract_text()
    assert "Anouk de Vries" in text and "Prefers e-mail over phone calls" in text
    assert "DRAFT" not in text.upper().replace("DRAFTS", "")


def test_an_uploaded_picture_is_inlined_in_the_pdf():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 120, 40)).save(buffer, format="PNG")
    from workshop.domain.avatar import upload_picture

    doc = with_picture(fx.document(), upload_picture(buffer.getvalue(), "image/png"))
    page = pdf_pages(doc, {**fx.meta(), "picture_src": "http://example.invalid/p.png"})[0]
    assert page["/Resources"]["/XObject"]  # the image is in the page, nothing was fetched


def test_a_very_long_persona_does_not_fit():
    doc = fx.rich_document()
    long = " ".join(["Needs far more words than any wall poster could ever hold."] * 12)
    for item in [i for s in doc["sections"] for i in s["items"]]:
        doc = with_field(doc, f"items.{item['id']}", long)
    assert page_count(doc, fx.meta()) > 1
    assert len(pdf_pages(doc, fx.meta())) == page_count(doc, fx.meta())


ONEPAGER_CSS = (pathlib.Path(__file__).resolve().parents[2] / "static" / "css"
                / "onepager.css").read_text(encoding="utf-8")


def test_a_short_story_stays_in_one_column_and_a_long_one_uses_two():
    two_lines = ("Anouk runs a bakery in Utrecht with two staff. She does the books on Sunday "
                 "evenings, when the shop is closed and the kids are asleep.")
    short = html(with_field(fx.document(), "identity.story", two_lines))
    assert '<section class="story" aria-label="Story">' in short
    # Nothing sets the plain story in columns: two lines would be cut mid-sentence across them.
    story_rule = re.search(r"(?m)^\.story\s*\{([^}]*)\}", ONEPAGER_CSS)
    assert story_rule and "columns" not in story_rule.group(1)
    long = html(with_field(fx.document(), "identity.story", (two_lines + " ") * 6))
    assert '<section class="story story-columns" aria-label="Story">' in long
    assert re.search(r"\.story-columns\s*\{[^}]*columns:\s*2", ONEPAGER_CSS)


def test_the_portrait_has_no_shadow_that_the_pdf_would_draw_as_crosshairs():
    # WeasyPrint paints a blurred shadow around a circle in four pieces: thin lines above,
    # below and beside the avatar (seen by rendering the PDF with pdftoppm). The ring is a
    # background instead, in every medium.
    portrait_rules = re.findall(r"(?s)([^{}]*\.portrait[^{}]*)\{([^}]*)\}", ONEPAGER_CSS)
    assert portrait_rules
    for selector, body in portrait_rules:
        assert "box-shadow" not in body or "none" in body, selector.strip()
    assert "<svg" in html()  # the avatar is drawn in the page, inside .portrait
