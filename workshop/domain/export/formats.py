"""Every export the app offers, listed once: the API, the CLI, the OpenAPI document and the
page all read `FORMATS` (plain Python: no Flask, no database).

A persona export turns one persona's document into a file, `make(document, meta) -> bytes`;
a workshop export turns the whole board into one, `make(snapshot, notes, links) -> bytes`.
`meta` is `{workshop_title, persona_name, version, status: "draft"|"agreed", agreed_at,
exported_at, teams}` (plus an optional `picture_src` for the one-pager on the web).
`make` must be a module-level function: the worker processes receive it by name.

Adding a format: write its module beside this one, add one `ExportFormat` below, and the
link text (`link`) to both message catalogues (workshop/messages/).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from workshop.domain.export import (
    backlog_format,
    csv_format,
    ics_format,
    json_format,
    markdown,
    onepager,
    segments_format,
)

PERSONA, WORKSHOP = "persona", "workshop"


@dataclass(frozen=True)
class ExportFormat:
    """One export: how it is asked for, what it is called, and what makes it."""

    # The file extension; also its name in URLs (`export.md`) and in `flask export --format`.
    extension: str
    # Its name in sentences ("Preparing PDF…"), the same in every language.
    label: str
    # The message-catalogue key of its link on the persona page.
    link: str
    media_type: str
    # A persona's document (`…/personas/<id>/export.<ext>`) or the whole workshop's board
    # (`…/export/assumptions.<ext>`).
    scope: Literal["persona", "workshop"]
    make: Callable[..., bytes]
    # Made in a worker process, never on the serving hub: formatting is pure Python, tens of
    # milliseconds on a big board and seconds for a page layout (docs/performance.md).
    offload: bool = True
    # The page opens it as a page of the app in a new tab (the one-pager's print view)
    # instead of downloading it.
    viewed: bool = False
    # Made only for a persona with an agreed version (it needs its review date).
    agreed_only: bool = False


def markdown_file(document: dict, meta: dict) -> bytes:
    """The persona as Markdown, its evidence as footnotes."""
    return markdown.to_markdown(document, meta).encode()


def json_file(document: dict, meta: dict) -> bytes:
    """The persona as JSON in its documented schema (docs/persona.schema.json)."""
    return json.dumps(json_format.to_json(document, meta), ensure_ascii=False,
                      indent=2).encode()


def html_file(document: dict, meta: dict) -> bytes:
    """The A4 one-pager as one self-contained HTML file."""
    return onepager.standalone_html(document, meta).encode()


def assumptions_file(snapshot: dict, notes: list[dict], links: list[dict]) -> bytes:
    """Every assumption of the board as CSV; the BOM makes spreadsheets read it as UTF-8."""
    return csv_format.assumptions_csv(snapshot, notes, links).encode("utf-8-sig")


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("md", "Markdown", "merge.export.md", "text/markdown; charset=utf-8",
                 PERSONA, markdown_file),
    ExportFormat("json", "JSON", "merge.export.json", "application/json", PERSONA, json_file),
    ExportFormat("html", "HTML", "merge.export.onepager", "text/html; charset=utf-8",
                 PERSONA, html_file, viewed=True),
    ExportFormat("pdf", "PDF", "merge.export.pdf", "application/pdf", PERSONA,
                 onepager.to_pdf),
    ExportFormat("ics", "iCalendar", "merge.export.ics", "text/calendar; charset=utf-8",
                 PERSONA, ics_format.review_reminder, agreed_only=True),
    ExportFormat("backlog.csv", "CSV", "merge.export.backlog_csv",
                 "text/csv; charset=utf-8", PERSONA, backlog_format.backlog_csv),
    ExportFormat("backlog.md", "Markdown", "merge.export.backlog_md",
                 "text/markdown; charset=utf-8", PERSONA, backlog_format.backlog_markdown),
    ExportFormat("csv", "CSV", "merge.export.csv", "text/csv; charset=utf-8", WORKSHOP,
                 assumptions_file),
    # Segment definitions only (names and rules), to run against a newer export (issue 27).
    ExportFormat("segments.json", "Segment definitions", "data.export.segments",
                 "application/json", WORKSHOP, segments_format.segments_file, offload=False),
)


def of_scope(scope: str) -> list[ExportFormat]:
    """The formats of a persona (`PERSONA`) or of the whole workshop (`WORKSHOP`), in order."""
    return [fmt for fmt in FORMATS if fmt.scope == scope]


def find(extension: str, scope: str) -> ExportFormat | None:
    """The format of `scope` asked for by its extension, or None."""
    return next((fmt for fmt in of_scope(scope) if fmt.extension == extension), None)
