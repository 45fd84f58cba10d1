"""The persona as Markdown: one page of text, evidence as footnotes, dissent kept in view.

Each item's evidence becomes footnotes (`[^1]`) right after the item; the definitions come at
the end: note title, source type, date and the quoted passage. A draft says so at the top.
"""

from __future__ import annotations

import re

from workshop.domain.merge import document_coverage

STATE_MARKS = {"validated": "✓ validated", "contradicted": "✗ contradicted",
               "untested": "? untested"}


def _line(text: str) -> str:
    """Text on one line, so a list item or footnote stays one block."""
    return re.sub(r"\s+", " ", text).strip()


def _inline(text: str) -> str:
    """One-line text whose Markdown punctuation cannot start structure or break footnotes."""
    # Brackets would let an item's text forge a footnote reference or a link.
    escaped = re.sub(r"([\\`*_\[\]<>])", r"\\\1", _line(text))
    # A leading "#", "-", "+", "|", "=" or "1." would turn the line into other structure.
    escaped = re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)
    return re.sub(r"^([#+\-|=])", r"\\\1", escaped)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def _figures(votes: dict) -> str:
    return (f"agreement {_percent(votes['agreement'])} · consensus (GAC) "
            f"{'–' if votes['consensus'] is None else format(votes['consensus'], '.2f')} · "
            f"{_count(votes['voters'], 'voter')} · {_count(votes['dots'], 'dot')}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _dissent(dissent: dict) -> str:
    teams = ", ".join(f"{_inline(t['team'])} ({t['agree']} agree, {t['disagree']} disagree, "
                      f"{t['unsure']} unsure)" for t in dissent["teams"])
    reason = f" Accepted because: {_inline(dissent['reason'])}" if dissent["reason"] else ""
    return f"**Dissent:** {teams or 'some teams'} disagreed.{reason}"


def to_markdown(document: dict, meta: dict) -> str:
    """The whole persona as a Markdown document."""
    identity = document["identity"]
    out: list[str] = [f"# {_inline(identity['name'])}", ""]
    if meta["status"] == "draft":
        out += [f"> **DRAFT** — version {meta['version']}, not agreed yet.", ""]
    else:
        out += [f"> Agreed version {meta['version']}"
                + (f", {meta['agreed_at']}" if meta.get("agreed_at") else "") + ".", ""]
    if identity["quote"]:
        out += [f"> *“{_inline(identity['quote'])}”*", ""]
    facts = [f"**{label}:** {_inline(identity[key])}"
             for key, label in (("role", "Role"), ("age_range", "Age"),
                                ("location", "Location")) if identity[key]]
    if facts:
        out += [" · ".join(facts), ""]
    if identity["story"].strip():
        out += [identity["story"].strip(), ""]  # the story is Markdown already
    cov = document_coverage(document)
    out += [f"*Evidence coverage: {cov['supported']} of {cov['accepted']} traits backed by "
            f"research ({_percent(cov['coverage'])}) · assumption debt: {cov['debt']} · "
            f"contradicted: {cov['contradicted']}*", ""]
    footnotes: list[str] = []
    for section in document["sections"]:
        out += [f"## {_inline(section['label'])}", ""]
        for item in section["items"]:
            prov = item["provenance"]
            marks = ""
            for evidence in prov["evidence"]:
                footnotes.append(_footnote(len(footnotes) + 1, evidence))
                marks += f"[^{len(footnotes)}]"
            out.append(f"- {_inline(item['text'])}{marks}")
            believers = ", ".join(map(_inline, prov["believers"])) or "no team"
            out.append(f"  - *{STATE_MARKS[prov['evidence_state']]} · believed by {believers}"
                       f" · {_figures(prov['votes'])}*")
            if prov["dissent"]:
                out.append(f"  - {_dissent(prov['dissent'])}")
        out.append("")
    out += ["---", "", f"*{_inline(meta['workshop_title'])} · version {meta['version']} · "
                       f"{meta['status']} · exported {meta.get('exported_at') or '–'}*", ""]
    if footnotes:
        out += [*footnotes, ""]
    return "\n".join(out)


def _footnote(number: int, evidence: dict) -> str:
    details = ", ".join(filter(None, (evidence["source_type"], evidence["date"])))
    relation = "supports" if evidence["relation"] == "supports" else "contradicts"
    return (f"[^{number}]: **{_inline(evidence['note_title'])}** ({details or 'undated'}), "
            f"{relation}: “{_inline(evidence['quote'])}”")
