"""File names of downloads: a readable Unicode name and its plain-ASCII fallback.

A `Content-Disposition` header carries both (RFC 6266 section 4.3): `filename="<ASCII>"`
for old clients and `filename*=UTF-8''<percent-encoded>` (RFC 5987) that browsers prefer.
Werkzeug's `send_file` derives the fallback by dropping every non-ASCII character, which
leaves "zoe--v1.md" for "Zoë 日本" and "-v1.md" for "日本"; here each part of the name is
made ASCII on its own, so the fallback is a clean slug too ("zoe-persona-v1.md").
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_SLUG = 40
# RFC 5987 attr-char: what may stand unencoded in `filename*`.
ATTR_CHARS = "!#$&+-.^_`|~"


def slug(text: str, fallback: str) -> str:
    """Lower-case words joined by single dashes, any script kept ('Zoë 日本' → 'zoë-日本')."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).casefold())
    return "-".join(words)[:MAX_SLUG].strip("-") or fallback


def ascii_slug(text: str, fallback: str) -> str:
    """The same slug in ASCII letters and digits only ('Zoë 日本' → 'zoe')."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return slug(plain, fallback)


def download_name(parts: list[tuple[str, str]], extension: str) -> tuple[str, str]:
    """(Unicode name, ASCII name) of a file from (text, fallback) parts, dash-joined.

    E.g. `[("Zoë 日本", "persona"), ("v1", "v1")]` → ("zoë-日本-v1.md", "zoe-v1.md").
    """
    unicode_name = "-".join(slug(text, fallback) for text, fallback in parts)
    ascii_name = "-".join(ascii_slug(text, fallback) for text, fallback in parts)
    return f"{unicode_name}.{extension}", f"{ascii_name}.{extension}"


def content_disposition(unicode_name: str, ascii_name: str) -> dict[str, str]:
    """The parameters of an attachment's `Content-Disposition` (for werkzeug's `Headers.set`)."""
    return {"filename": ascii_name, "filename*": "UTF-8''" + quote(unicode_name, safe=ATTR_CHARS)}
