"""Generated avatars: deterministic, escaped, readable; uploaded pictures as data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from workshop.domain.avatar import (
    PALETTE,
    avatar_svg,
    initials,
    picture_data_uri,
    upload_picture,
)


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_initials():
    assert initials("Anouk de Vries") == "AV"
    assert initials("anouk") == "A"
    assert initials("  ") == "?"
    assert initials("Émile Zola") == "ÉZ"


def test_same_seed_same_avatar_and_seeds_differ():
    assert avatar_svg("Anouk", "p1") == avatar_svg("Anouk", "p1")
    assert len({avatar_svg("Anouk", f"p{i}") for i in range(20)}) > 10


def test_svg_is_well_formed_and_labelled():
    root = ET.fromstring(avatar_svg("Anouk de Vries", "p1"))
    assert root.get("role") == "img" and root.get("aria-label") == "Anouk de Vries"
    assert "AV" in ET.tostring(root, encoding="unicode")


def test_hostile_names_are_escaped():
    svg = avatar_svg('<script>alert(1)</script> "x" &', "p1")
    ET.fromstring(svg)  # still well-formed
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert initials("<b>") == "?"  # no word starts with a letter or digit
    svg = avatar_svg("&amp <x", "s")
    ET.fromstring(svg)


@pytest.mark.parametrize(("dark", "_light"), PALETTE)
def test_white_initials_meet_wcag_aa(dark, _light):
    assert (1.05) / (luminance(dark) + 0.05) >= 4.5


def test_upload_picture_and_data_uri():
    pic = upload_picture(b"\x89PNG", "image/png")
    assert pic == {"kind": "upload", "media_type": "image/png", "data": "iVBORw=="}
    assert picture_data_uri(pic) == "data:image/png;base64,iVBORw=="
    assert picture_data_uri(None) is None
    with pytest.raises(ValueError, match="picture"):
        upload_picture(b"<svg/>", "image/svg+xml")


def test_no_style_attributes_for_the_strict_csp():
    assert not re.search(r"\sstyle=", avatar_svg("Anouk", "p1"))
