"""A readable side-by-side diff of two versions of a persona document.

One row per editable field, in document order (identity fields, then each section's items;
an item only in the old version comes right after the item it followed there). Word-level
changes are marked with <del> (old side) and <ins> (new side); all text is HTML-escaped.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re

from workshop.domain.merge import IDENTITY_FIELDS, IDENTITY_LABELS

LABEL_WORDS = 6
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str, new: str) -> tuple[str, str]:
    """(old_html, new_html) with removed words in <del> and added words in <ins>."""
    a, b = _tokens(old), _tokens(new)
    old_html, new_html = [], []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if op == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return "".join(old_html), "".join(new_html)


def _short(text: str) -> str:
    words = text.split()
    return " ".join(words[:LABEL_WORDS]) + (" …" if len(words) > LABEL_WORDS else "")


def _item_rows(document: dict) -> list[tuple[str, str, str, str]]:
    """(item id, section label, text, section key) of every item, in order."""
    return [(item["id"], section["label"], item["text"], section["category"])
            for section in document["sections"] for item in section["items"]]


def _merged_order(old: list[str], new: list[str]) -> list[str]:
    """New order, with each removed id placed after the id it followed in the old order."""
    order = list(new)
    kept = set(new)
    previous = None
    for key in old:
        if key not in kept:
            at = order.index(previous) + 1 if previous is not None else 0
            order.insert(at, key)
            kept.add(key)
        previous = key
    return order


def _row(path: str, label: str, old: str | None, new: str | None) -> dict:
    if old is None:
        status = "added"
    elif new is None:
        status = "removed"
    else:
        status = "same" if old == new else "changed"
    if status == "changed":
        old_html, new_html = word_diff(old, new)
    else:
        old_html = "" if old is None else html.escape(old)
        new_html = "" if new is None else html.escape(new)
    return {"path": path, "label": label, "status": status, "old": old, "new": new,
            "old_html": old_html, "new_html": new_html}


def diff_documents(old: dict, new: dict) -> list[dict]:
    """Rows {path, label, status, old, new, old_html, new_html}; unchanged rows included.

    status is same, changed, added or removed; old/new are None on the side that lacks the
    field. The picture is compared as one row ("Picture": "uploaded …" / "generated avatar").
    """
    rows = [_row(f"identity.{field}", IDENTITY_LABELS[field], old["identity"][field],
                 new["identity"][field]) for field in IDENTITY_FIELDS]
    rows.append(_row("identity.picture", "Picture", _picture(old), _picture(new)))
    old_items = {row[0]: row for row in _item_rows(old)}
    new_items = {row[0]: row for row in _item_rows(new)}
    for item_id in _merged_order(list(old_items), list(new_items)):
        _, section, text, _ = new_items.get(item_id) or old_items[item_id]
        rows.append(_row(f"items.{item_id}", f"{section} · {_short(text)}",
                         old_items[item_id][2] if item_id in old_items else None,
                         new_items[item_id][2] if item_id in new_items else None))
    return rows


def _picture(document: dict) -> str:
    """The picture as a diff reads it."""
    picture = document["identity"].get("picture")
    if not picture:
        return "generated avatar"
    # The data itself is not readable; a short fingerprint tells two uploads apart.
    digest = hashlib.sha256(picture["data"].encode("ascii")).hexdigest()[:8]
    return f"uploaded {picture['media_type']} ({digest})"


def affected_usages(rows: list[dict], usages: list[dict]) -> list[dict]:
    """The decisions (usage entries) that relied on a trait this diff changes or drops.

    `rows` are `diff_documents(...)`; a usage names the traits it relied on by document item
    id (`traits`). Each affected usage comes back as `{id, title, link, date, team, traits:
    [{id, label, status}]}` (status `changed` or `removed`), in the usages' order.
    """
    touched = {row["path"][len("items."):]: row for row in rows
               if row["path"].startswith("items.") and row["status"] in ("changed", "removed")}
    out = []
    for usage in usages:
        hits = [{"id": trait, "label": touched[trait]["label"],
                 "status": touched[trait]["status"]}
                for trait in usage.get("traits") or () if trait in touched]
        if hits:
            out.append({key: usage.get(key) for key in ("id", "title", "link", "date", "team")}
                       | {"traits": hits})
    return out
