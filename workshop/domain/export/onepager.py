"""The persona one-pager: print-ready A4 HTML for the wall, and the same page as PDF.

`onepager_html` renders `templates/export/onepager.html` with Jinja2 (autoescaping on; the
story goes through `workshop.rendering.render_markdown`, the one Markdown → HTML path).
`to_pdf` renders that HTML with WeasyPrint and `static/css/onepager.css`. `page_count` lays
the page out without writing a PDF, so the app can warn when the document has grown beyond
one A4.

The picture: `meta["picture_src"]` (optional) is a URL the page may load (the web page under
a CSP that forbids `data:` images passes one); without it an uploaded picture is inlined as a
`data:` URI and no picture means the generated avatar, inline SVG.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from workshop.domain.avatar import avatar_svg, picture_data_uri
from workshop.domain.merge import document_coverage
from workshop.domain.persona_data import one_line
from workshop.domain.provenance import describe

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "templates"
STYLESHEET = ROOT / "static" / "css" / "onepager.css"
COVERAGE_SEGMENTS = 10
# A story of this many characters and up (about six lines of one column) reads in two.
STORY_COLUMNS_FROM = 600


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One Jinja2 environment for the export templates, autoescaping everything."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=False)


def _sources(document: dict) -> tuple[list[dict], dict[str, list[int]]]:
    """Research notes cited, numbered by first use, and the numbers each item cites."""
    numbers: dict[str, int] = {}
    sources: list[dict] = []
    refs: dict[str, list[int]] = {}
    for section in document["sections"]:
        for item in section["items"]:
            for evidence in item["provenance"]["evidence"]:
                if evidence["note_id"] not in numbers:
                    numbers[evidence["note_id"]] = len(numbers) + 1
                    details = ", ".join(filter(None, (evidence["source_type"],
                                                      evidence["date"])))
                    sources.append({"number": numbers[evidence["note_id"]],
                                    "title": evidence["note_title"], "details": details})
                number = numbers[evidence["note_id"]]
                if number not in refs.setdefault(item["id"], []):
                    refs[item["id"]].append(number)
    return sources, refs


def _weight(section: dict) -> float:
    """A rough height of a section in lines, for splitting the sections into two columns."""
    lines = 2.0  # the heading
    for item in section["items"]:
        lines += 0.6 + len(item["text"]) / 48  # text lines (about 48 characters each)
        lines += sum(1 + len(part.label + part.brief) / 70 for part in describe(item)
                     if part.brief)
    return lines


# Data checks on the page: what the data contradicts first.
STATUS_ORDER = {"contradicted": 0, "weak": 1, "consistent": 2, "not_measurable": 3}


def columns(sections: list[dict]) -> list[list[dict]]:
    """The sections as two columns read top to bottom, left first, of near-equal height."""
    weights = [_weight(section) for section in sections]
    total = sum(weights)
    best, best_gap, running = 0, total, 0.0
    for k in range(len(sections) + 1):
        gap = abs(total - 2 * running)  # |left - right| when the first k go left
        if gap < best_gap:
            best, best_gap = k, gap
        running += weights[k] if k < len(sections) else 0
    return [sections[:best], sections[best:]]


def _context(document: dict, meta: dict, stylesheet_href: str) -> dict:
    from workshop.rendering import render_markdown  # the one Markdown → HTML path

    identity = document["identity"]
    coverage = document_coverage(document)
    sources, refs = _sources(document)
    sections = [{"category": s["category"], "label": s["label"],
                 "coverage": coverage["categories"][s["category"]],
                 "items": [{**item, "refs": refs.get(item["id"], []),
                            "record": [part for part in describe(item) if part.brief]}
                           for item in s["items"]]}
                for s in document["sections"]]
    share = coverage["coverage"]
    filled = round((share or 0) * COVERAGE_SEGMENTS)
    facts = [(label, identity[key]) for key, label in
             (("role", "Role"), ("age_range", "Age"), ("location", "Lives in")) if identity[key]]
    return {
        "identity": identity, "meta": meta, "stylesheet_href": stylesheet_href,
        "picture_src": meta.get("picture_src") or picture_data_uri(identity["picture"]),
        # avatar_svg escapes the name itself, so its markup may go into the page as is.
        "avatar": Markup(avatar_svg(identity["name"], document["persona_id"])),
        "facts": facts,
        "story_html": Markup(render_markdown(identity["story"])) if identity["story"].strip()
        else "",
        # Two columns only for a story long enough to fill both; a short one would be cut
        # mid-sentence across them.
        "story_columns": len(identity["story"]) >= STORY_COLUMNS_FROM,
        "coverage": coverage,
        "coverage_percent": "–" if share is None else f"{round(share * 100)}%",
        "coverage_segments": [i < filled for i in range(COVERAGE_SEGMENTS)],
        "columns": columns(sections), "sources": sources,
        # "Represents 4,210 customers (18%) · CRM export 1 Oct 2026 · 1 trait contradicted
        # by data", and the checks themselves, contradicted first (issue 27).
        "data_line": one_line(document["data"]) if document.get("data") else "",
        "data_checks": sorted((document.get("data") or {}).get("checks", []),
                              key=lambda c: STATUS_ORDER.get(c["status"], 9))[:4],
    }


def onepager_html(document: dict, meta: dict, *, stylesheet_href: str) -> str:
    """The one-pager as a complete HTML page linking `stylesheet_href` ('' links nothing)."""
    template = _environment().get_template("export/onepager.html")
    return template.render(_context(document, meta, stylesheet_href))


def standalone_html(document: dict, meta: dict) -> str:
    """The one-pager as one self-contained file (its stylesheet inside) for download."""
    page = onepager_html(document, meta, stylesheet_href="")
    css = STYLESHEET.read_text(encoding="utf-8")
    return page.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


def _weasy(document: dict, meta: dict):
    """The WeasyPrint layout of the one-pager (imported late: it is slow to import)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # A picture_src is for the web page; the PDF inlines an uploaded picture itself.
    html = onepager_html(document, {**meta, "picture_src": None}, stylesheet_href="")
    # data: URIs only: rendering a PDF never reaches the network or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=str(ROOT), url_fetcher=fetcher).render(
        stylesheets=[CSS(filename=str(STYLESHEET))])


def to_pdf(document: dict, meta: dict) -> bytes:
    """The one-pager as PDF bytes (A4 portrait)."""
    return _weasy(document, meta).write_pdf()


def page_count(document: dict, meta: dict) -> int:
    """How many A4 pages the one-pager takes."""
    return len(_weasy(document, meta).pages)
