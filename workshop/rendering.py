"""Markdown → sanitised HTML: the only place in the app where Markdown becomes HTML.

Two layers, so that a mistake in one is caught by the other:

1. The `markdown` package renders with its raw-HTML handling switched off (the `html_block`
   preprocessor and the `html` inline pattern are deregistered), so HTML typed into a note is
   shown as text and never interpreted.
2. nh3 (ammonia) then cleans the result against an explicit allowlist of tags, attributes and
   URL schemes.

Images are not rendered: an image becomes a plain link to it (its alt text as the link text).
Research notes are text, and a remote image would be fetched by every reader's browser on
sight, leaking their IP address and the moment they read the note to whoever hosts it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

# Standard extensions only; none of them lets raw HTML or attributes in (attr_list and
# md_in_html would, so they are deliberately absent).
EXTENSIONS = ("tables", "fenced_code", "sane_lists")
# Tables align cells with an `align` attribute instead of a `style` (style is not allowed).
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li",
    "a",
    "table", "thead", "tbody", "tr", "th", "td",
})
# Attributes allowed whatever their value (URLs are still checked against URL_SCHEMES).
# "*" is spelled out as empty: otherwise ammonia allows its default `title` and `lang` anywhere.
ALLOWED_ATTRIBUTES = {"*": frozenset(), "a": frozenset({"href", "title"}),
                      "ol": frozenset({"start"})}
# Attributes allowed only with one of these values.
ALLOWED_ATTRIBUTE_VALUES = {
    "th": {"align": frozenset({"left", "center", "right"})},
    "td": {"align": frozenset({"left", "center", "right"})},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Should raw HTML ever get this far, these go with everything inside them (not just the tag).
CLEAN_CONTENT_TAGS = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "noembed", "noframes",
    "template", "textarea", "title", "xmp", "plaintext", "svg", "math", "select",
})

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()}
                          for tag, allowed in ALLOWED_ATTRIBUTE_VALUES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)

# The markdown package uses STX/ETX internally to mark placeholders; with other control
# characters they have no business in a note (validation refuses them), so they are dropped
# here rather than let a note forge a placeholder.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _ImagesAsLinks(Treeprocessor):
    """Turns every <img> into a link to the image, so nothing is fetched without a click."""

    def run(self, root: etree.Element) -> None:
        """Rewrite the images of the tree in place."""
        for element in list(root.iter("img")):
            source = element.get("src", "")
            text = element.get("alt") or element.get("title") or source or "image"
            element.attrib.clear()
            element.tag = "a"
            element.set("href", source)
            # The image was inline, so its (empty) text is free; keep whatever followed it.
            element.text = text


class _HeadingsUnderTheReader(Treeprocessor):
    """Moves a note's headings below the page's own: `#` becomes h4, `##` h5, the rest h6.

    A note is always shown under a heading of the page (the reader's title is an h3), so
    its own outline must continue from there; an h1 inside it would break the page's.
    """

    SHIFT = 3

    def run(self, root: etree.Element) -> None:
        """Rename the headings of the tree in place."""
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                element.tag = f"h{min(6, int(element.tag[1]) + self.SHIFT)}"


def _markdown() -> markdown.Markdown:
    """A fresh Markdown converter with raw HTML switched off (instances are not thread-safe)."""
    converter = markdown.Markdown(extensions=list(EXTENSIONS),
                                  extension_configs=EXTENSION_CONFIGS,
                                  output_format="html")
    # Raw HTML in the source must stay text: drop the block-level HTML stash and the
    # inline `<tag>` pattern. Without `html`, `<javascript:...>` is not an autolink either,
    # because the autolink pattern only accepts http(s)/ftp URLs.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    # Priority below "inline" (20) so that images exist already when it runs.
    converter.treeprocessors.register(_ImagesAsLinks(converter), "images_as_links", 15)
    converter.treeprocessors.register(_HeadingsUnderTheReader(converter), "headings", 14)
    return converter


def _sanitise(html: str) -> str:
    """HTML reduced to the allowlist (private: sanitising is part of rendering, not a tool)."""
    return _CLEANER.clean(html)


def render_markdown(text: str) -> str:
    """Markdown as sanitised HTML, safe to put into a page as it is."""
    return _sanitise(_markdown().convert(_CONTROL.sub("", text)))


def render_all(texts: list[str]) -> dict[str, str]:
    """Each text's `render_markdown`, by text (a worker process renders many at once)."""
    return {text: render_markdown(text) for text in texts}


# Elements that start a new line for a reader; text inside any other element runs on, so
# "**pays every bill on her phone**, usually" reads "pays every bill on her phone, usually".
BLOCK_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
})


class _TextCollector(HTMLParser):
    """Collects the text content of HTML, with a line break at every block boundary."""

    def __init__(self) -> None:
        """Start with no text."""
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """A block starts on a new line; an inline element adds nothing."""
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """A block ends its line."""
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        """Keep a piece of text as it is (no space is added between pieces)."""
        self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of (sanitised) HTML as a reader sees it: inline pieces run together, blocks
    are separated by white space; white space itself is left as it is."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


# ---- Markdown → plain text, for search snippets ------------------------------------------

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)?")  # [text](url) and ![alt](url) → text
_LINK_TAIL = re.compile(r"\]\([^)\s]*\)?")  # the target of a link the snippet cut in two
_BLOCK_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+|\|)")
_TABLE_RULE = re.compile(r"(?m)^\s*\|?\s*:?-{3,}.*$")
_INLINE_MARKS = re.compile(r"(\*\*|__|~~|`+|(?<!\w)[*_]|[*_](?!\w))")
_SPACE = re.compile(r"\s+")


def plain_text(markdown_text: str) -> str:
    """Markdown as the words a reader sees, on one line: no #, *, _, `, link targets or rules.

    Characters outside Markdown's syntax (such as the private-use match markers of search)
    are kept where they are.
    """
    text = _LINK.sub(r"\1", markdown_text)
    text = _LINK_TAIL.sub("", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _BLOCK_MARKS.sub("", text)
    text = _INLINE_MARKS.sub("", text).replace("|", " ")
    return _SPACE.sub(" ", text).strip()
