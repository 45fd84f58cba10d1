"""Download names: a Unicode slug and its ASCII fallback, single dashes, never empty."""

from __future__ import annotations

import pytest

from workshop.domain.filenames import content_disposition, download_name, slug


@pytest.mark.parametrize(("text", "expected"), [
    ("Lisa, the hybrid commuter", "lisa-the-hybrid-commuter"),  # no "--" after the comma
    ("  --Anouk  &  Bakker-- ", "anouk-bakker"),
    ("Zoë 日本", "zoë-日本"),
    ("Ωmega", "ωmega"),
    ("ليلى الحسن", "ليلى-الحسن"),
    ("🚲🚲", "persona"),
    ("under_score", "under-score"),
])
def test_slugs_keep_letters_of_any_script_and_join_words_with_one_dash(text, expected):
    assert slug(text, "persona") == expected


def test_a_long_name_is_cut_without_a_trailing_dash():
    assert slug("a" * 39 + " b", "persona") == "a" * 39


@pytest.mark.parametrize(("name", "unicode_name", "ascii_name"), [
    ("Zoë 日本", "zoë-日本-v1.md", "zoe-v1.md"),
    ("日本", "日本-v1.md", "persona-v1.md"),
    ("Zoë van der Ĳssel", "zoë-van-der-ĳssel-v1.md", "zoe-van-der-ijssel-v1.md"),
])
def test_the_ascii_fallback_is_a_clean_slug_too(name, unicode_name, ascii_name):
    assert download_name([(name, "persona"), ("v1", "v1")], "md") == (unicode_name, ascii_name)


def test_the_header_parameters_follow_rfc_5987():
    assert content_disposition("zoë-日本 v1.md", "zoe-v1.md") == {
        "filename": "zoe-v1.md",
        "filename*": "UTF-8''zo%C3%AB-%E6%97%A5%E6%9C%AC%20v1.md"}
