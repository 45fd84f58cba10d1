"""What a share link shows: which version, and the document with nobody's id or (when the
workshop is anonymous) anybody's name in it. Plain Python."""

from __future__ import annotations

import copy


def version_to_show(versions: list[tuple[int, str]], pinned: int | None) -> int | None:
    """The version number a share link shows, from (number, status) pairs: the pinned one
    when it is agreed, else the latest agreed one; None when nothing is agreed (yet)."""
    agreed = [number for number, status in versions if status == "agreed"]
    if pinned is not None:
        return pinned if pinned in agreed else None
    return max(agreed, default=None)


def public_document(document: dict, anonymous: bool) -> dict:
    """The document as a share link shows it: participants' ids never leave; in anonymous
    mode neither do the names of who decided nor the teams of who wrote."""
    shown = copy.deepcopy(document)
    for section in shown.get("sections", []):
        for item in section.get("items", []):
            provenance = item.get("provenance") or {}
            decision = provenance.get("decision") or {}
            decision.pop("by", None)
            if anonymous:
                decision["by_name"] = None
                for source in provenance.get("sources", []):
                    source["team"] = None
    return shown
