"""The persona as Markdown: one page of text, evidence as footnotes, dissent kept in view.

Each item's evidence becomes footnotes (`[^1]`) right after the item; the definitions come at
the end: note title, source type, date and the quoted passage. A data check (issue 27) is a
footnote too, with its status, figures, segment and dataset; a tied persona says what it
represents under its name. Under each item its record,
one labelled part per line, worded by `domain/provenance.describe`. A draft says so at the
top.
"""

from __future__ import annotations

import re

from workshop.domain.merge import document_coverage
from workshop.domain.persona_data import checks_for, represents
from workshop.domain.provenance import describe

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


def _record(item: dict) -> list[str]:
    """The item's record as sub-items, one labelled part each (`provenance.describe`)."""
    lines = []
    for part in describe(item):
        text = _inline(part.text)
        if part.key == "evidence" and item["provenance"]["evidence"]:
            text = f"{STATE_MARKS[item['provenance']['evidence_state']]} — {text}"
        elif part.key == "evidence":
            text = f"? {text}"  # "? no research linked yet: an untested assumption"
        lines.append(f"  - **{_inline(part.label)}:** {text}")
    return lines


def to_markdown(document: dict, meta: dict) -> str:
    """The whole persona as a Markdown document."""
    identity = document["identity"]
    out: list[str] = [f"# {_inline(identity['name'])}", ""]
    if meta["status"] == "draft" and not meta["version"]:
        out += ["> **DRAFT** — a preview from the board: the persona document is not created "
                "yet.", ""]
    elif meta["status"] == "draft":
        out += [f"> **DRAFT** — version {meta['version']}, not agreed yet.", ""]
    else:
        out += [f"> Agreed version {meta['version']}"
                + (f", {meta['agreed_at']}" if meta.get("agreed_at") else "") + ".", ""]
    out += _review(meta)
    if identity["quote"]:
        out += [f"> *“{_inline(identity['quote'])}”*", ""]
    facts = [f"**{label}:** {_inline(identity[key])}"
             for key, label in (("role", "Role"), ("age_range", "Age"),
                                ("location", "Location")) if identity[key]]
    if facts:
        out += [" · ".join(facts), ""]
    data = document.get("data")
    footnotes: list[str] = []
    if data:
        out += [f"**Represents:** {_inline(represents(data))}", ""]
        marks = ""
        for key in ("age_range", "location"):
            for check in checks_for(data, f"identity.{key}"):
                footnotes.append(_data_footnote(len(footnotes) + 1, check, data))
                marks += f"[^{len(footnotes)}]"
        if marks:
            out += [f"*Data checks of the identity:* {marks}", ""]
    if identity["story"].strip():
        out += [identity["story"].strip(), ""]  # the story is Markdown already
    cov = document_coverage(document)
    out += [f"*Evidence coverage: {cov['supported']} of {cov['accepted']} traits backed by "
            f"research ({_percent(cov['coverage'])}) · assumption debt: {cov['debt']} · "
            f"contradicted: {cov['contradicted']}*", ""]
    for section in document["sections"]:
        out += [f"## {_inline(section['label'])}", ""]
        for item in section["items"]:
            prov = item["provenance"]
            marks = ""
            for evidence in prov["evidence"]:
                if evidence.get("source_type") == "data":
                    continue  # its data check is its own footnote, with the figures
                footnotes.append(_footnote(len(footnotes) + 1, evidence))
                marks += f"[^{len(footnotes)}]"
            for check in checks_for(data, f"items.{item['id']}"):
                footnotes.append(_data_footnote(len(footnotes) + 1, check, data))
                marks += f"[^{len(footnotes)}]"
            out.append(f"- {_inline(item['text'])}{marks}")
            out += _record(item)
        out.append("")
    out += _usages(document, meta)
    out += ["---", "", f"*{_inline(meta['workshop_title'])} · version {meta['version']} · "
                       f"{meta['status']} · exported {meta.get('exported_at') or '–'}*", ""]
    if footnotes:
        out += [*footnotes, ""]
    return "\n".join(out)


def _review(meta: dict) -> list[str]:
    """'Review by …', and what is due or stale (domain/review.status), as a quote block."""
    review = meta.get("review")
    if not review or not (review["review_by"] or review["notices"]):
        return []
    lines = [f"> **{_inline(notice)}**" for notice in review["notices"]]
    if review["review_by"] and not review["due"]:
        lines.insert(0, f"> Review by {review['review_by']}.")
    return ["  \n".join(lines), ""]


def _usages(document: dict, meta: dict) -> list[str]:
    """The decisions that used the persona, each with the traits it relied on."""
    usages = meta.get("usages") or []
    if not usages:
        return []
    texts = {item["id"]: item["text"] for section in document["sections"]
             for item in section["items"]}
    noun = "decision" if len(usages) == 1 else "decisions"
    out = [f"## Used in {len(usages)} {noun}", ""]
    for usage in usages:
        title = _inline(usage["title"])
        if usage["link"].startswith(("https://", "http://")):
            title = f"[{title}](<{usage['link'].replace('>', '%3E')}>)"
        team = f", {_inline(usage['team'])}" if usage["team"] else ""
        relied = "; ".join(_inline(texts.get(trait, f"{trait} (not in this version)"))
                           for trait in usage["traits"])
        out.append(f"- {title} ({usage['date']}{team})"
                   + (f" — relied on: {relied}" if relied else ""))
    return [*out, ""]


def _footnote(number: int, evidence: dict) -> str:
    details = ", ".join(filter(None, (evidence["source_type"], evidence["date"])))
    relation = "supports" if evidence["relation"] == "supports" else "contradicts"
    return (f"[^{number}]: **{_inline(evidence['note_title'])}** ({details or 'undated'}), "
            f"{relation}: “{_inline(evidence['quote'])}”")


def _data_footnote(number: int, check: dict, data: dict) -> str:
    """A data check as a footnote: status, the claim, the figures, the dataset and n."""
    dataset = data["dataset"]
    return (f"[^{number}]: **Data: {check['status'].replace('_', ' ')}** — "
            f"{_inline(check['trait'])}: “{_inline(check['claim'])}” on "
            f"{_inline(check['column'])}. {_inline(check['summary'])} "
            f"({_inline(data['segment']['name'])}, {_inline(dataset['name'])}, as of "
            f"{dataset['as_of']}{'; its data was deleted since' if dataset['deleted'] else ''})")
