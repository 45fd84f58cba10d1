"""Export formats of the persona, one module each (plain Python: no Flask, no database).

| format   | module        | function                                               |
|----------|---------------|--------------------------------------------------------|
| Markdown | `markdown`    | `to_markdown(document, meta) -> str`                   |
| JSON     | `json_format` | `to_json(document, meta) -> dict`, `from_json(data)`   |
| CSV      | `csv_format`  | `assumptions_csv(snapshot, notes, links) -> str`       |
| HTML     | `onepager`    | `onepager_html(document, meta, *, stylesheet_href)`    |
| PDF      | `onepager`    | `to_pdf(document, meta) -> bytes`, `page_count`        |

`meta` is `{workshop_title, persona_name, version, status: "draft"|"agreed", agreed_at,
exported_at, teams}` (plus an optional `picture_src` for the one-pager on the web).
"""

from __future__ import annotations

# (format, media type, file extension) of each export the app offers.
FORMATS = (
    ("markdown", "text/markdown; charset=utf-8", "md"),
    ("json", "application/json", "json"),
    ("csv", "text/csv; charset=utf-8", "csv"),
    ("html", "text/html; charset=utf-8", "html"),
    ("pdf", "application/pdf", "pdf"),
)
