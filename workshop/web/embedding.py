"""JSON embedded in a page's `<script type="application/json">` block."""

from __future__ import annotations

from markupsafe import Markup

from workshop import jsoncodec


def embed_json(value: object) -> Markup:
    """JSON for a <script type="application/json"> block; '<' escaped so it cannot end it."""
    text = jsoncodec.dumps(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
