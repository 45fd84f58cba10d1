"""The persona's picture: an uploaded image as data, or a generated avatar.

A document's `identity.picture` is None (show the generated avatar) or
`{"kind": "upload", "media_type": "image/png"|"image/jpeg"|"image/webp", "data": base64}`.
The services check an upload with Pillow (type, size) before calling `upload_picture`.
"""

from __future__ import annotations

import base64
import hashlib
import html

from workshop.domain.merge import PICTURE_TYPES

# Background colours that carry white initials at WCAG AA (contrast >= 4.5:1), with a
# lighter tint of each for the second shape.
PALETTE = (
    ("#0f6f66", "#5fb3a1"),  # teal
    ("#1d4ed8", "#7aa2f7"),  # blue
    ("#6d28d9", "#b79cf2"),  # violet
    ("#be185d", "#f08bb6"),  # raspberry
    ("#b42318", "#f1998e"),  # brick
    ("#166534", "#6fcf8f"),  # forest
    ("#9a3412", "#f0a36b"),  # rust
    ("#334155", "#94a3b8"),  # slate
)


def initials(name: str) -> str:
    """Up to two initials: first letters of the first and last word ('?' for no name)."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_svg(name: str, seed: str) -> str:
    """A deterministic avatar: initials on a coloured disc with a soft second shape.

    The same seed always gives the same colours and shape; the name only gives the initials
    (and the accessible label), so renaming the persona keeps its colours.
    """
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    dark, light = PALETTE[digest[0] % len(PALETTE)]
    # The second shape's place varies with the seed so avatars of one board differ.
    cx, cy = 30 + digest[1] % 60, 70 + digest[2] % 40
    label = html.escape(name or "Persona", quote=True)
    text = html.escape(initials(name), quote=True)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" '
        f'height="120" role="img" aria-label="{label}">'
        f'<title>{label}</title>'
        '<defs><clipPath id="avatar-clip"><circle cx="60" cy="60" r="60"/></clipPath></defs>'
        f'<g clip-path="url(#avatar-clip)"><rect width="120" height="120" fill="{dark}"/>'
        f'<circle cx="{cx}" cy="{cy}" r="46" fill="{light}" fill-opacity="0.35"/></g>'
        '<text x="60" y="60" dy="0.35em" text-anchor="middle" fill="#ffffff" '
        'font-family="Inter, Segoe UI, Helvetica Neue, Arial, sans-serif" font-size="46" '
        f'font-weight="700" letter-spacing="1">{text}</text></svg>'
    )


def upload_picture(data: bytes, media_type: str) -> dict:
    """The document form of an uploaded image the services have already checked."""
    if media_type not in PICTURE_TYPES:
        raise ValueError(f"picture: {media_type!r} is not one of {', '.join(PICTURE_TYPES)}")
    return {"kind": "upload", "media_type": media_type,
            "data": base64.b64encode(data).decode("ascii")}


def picture_data_uri(picture: dict | None) -> str | None:
    """A `data:` URI of an uploaded picture (for PDF and file exports), or None."""
    if not picture:
        return None
    return f"data:{picture['media_type']};base64,{picture['data']}"
