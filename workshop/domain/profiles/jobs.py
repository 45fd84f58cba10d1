"""Entry points for the worker pool: plain data in, plain data out (they must pickle).

`workshop/offload.py` spawns its workers (Polars' thread pool does not survive a fork), so
each job imports this package in a fresh process; results are dicts of JSON values.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from workshop.domain.profiles.cards import profile_cards
from workshop.domain.profiles.claims import check_claim
from workshop.domain.profiles.problems import ProfileDataError
from workshop.domain.profiles.reading import header_fingerprint, inspect_csv
from workshop.domain.profiles.segments import size_segments, validate_rule
from workshop.domain.profiles.shapes import Check, Claim, Inspection, Kind, Role, SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K
from workshop.domain.profiles.table import load_table, table_from_bytes, table_to_bytes


def _date(as_of: str | None) -> dt.date | None:
    return dt.date.fromisoformat(as_of) if as_of else None


def inspect_job(data: bytes, as_of: str | None = None) -> Inspection:
    """inspect_csv on a file's bytes; as_of is an ISO date."""
    return inspect_csv(data, as_of=_date(as_of))


def import_job(data: bytes, mapping: dict[str, Role], types: dict[str, Kind] | None = None,
               as_of: str | None = None) -> dict:
    """Load and store: {"table": bytes, "columns", "row_count", "sha256", "fingerprint",
    "as_of"}; raises ProfileDataError with the problems."""
    day = _date(as_of) or dt.date.today()
    table = load_table(data, mapping, types=types, as_of=day)
    return {"table": table_to_bytes(table), "columns": table.columns,
            "row_count": table.row_count, "sha256": hashlib.sha256(data).hexdigest(),
            "fingerprint": header_fingerprint(table.headers), "as_of": day.isoformat()}


def analyse_job(table: bytes, segments: list[SegmentDef], claims: list[dict],
                weight: str | None = None, k: int = DEFAULT_K) -> dict:
    """{"sizing", "cards": {segment id: card}, "checks": [check], "problems"}; claims are
    {"segment": id, "claim": Claim}; segments with bad rules come back as problems."""
    loaded = table_from_bytes(table)
    problems, usable = [], []
    for segment in segments:
        found = validate_rule(segment["rule"], loaded)
        problems.extend({**p, "segment": segment["id"]} for p in found)
        if not found:
            usable.append(segment)
    try:
        sizing = size_segments(loaded, usable, weight=weight, k=k)
    except ProfileDataError as error:  # a bad weight column: size without it
        problems.extend(error.problems)
        sizing = size_segments(loaded, usable, k=k)
    # A segment whose size the sizing audit hid gets no card and no checks either: its card
    # beside an overlapping segment's would give the small difference between them away.
    hidden = {entry["id"] for entry in sizing["segments"] if entry["size"]["suppressed"]}
    by_id = {segment["id"]: segment for segment in usable}
    checks = []
    for item in claims:
        segment = by_id.get(item["segment"])
        if segment is None:
            continue
        if segment["id"] in hidden:
            checks.append({"claim": item["claim"], "segment": segment["id"],
                           "status": "not_measurable", "reason": "too_few",
                           "summary": "the segment's size cannot be shown (too few people "
                                      f"in it, outside it or between it and another, k = {k})",
                           "n": None, "figures": {}})
        else:
            checks.append(check_claim(loaded, segment, item["claim"], k=k))
    # Drawn together: a card beside another must not give away the few people between them.
    drawn = profile_cards(loaded, [s for s in usable if s["id"] not in hidden], k=k)
    cards = {segment["id"]: drawn.get(segment["id"]) or _withheld(segment, k)
             for segment in usable}
    return {"sizing": sizing, "cards": cards, "checks": checks, "problems": problems}


def _withheld(segment: SegmentDef, k: int) -> dict:
    """The card of a segment whose size is suppressed: no figures."""
    return {"segment": segment["id"], "name": segment["name"], "n": None, "share": None,
            "suppressed": True, "k": k, "columns": [], "distinctive": [], "spread": []}


def check_job(table: bytes, segment: SegmentDef, claim: Claim, k: int = DEFAULT_K) -> Check:
    """One claim checked (for a trait saved during the session)."""
    return check_claim(table_from_bytes(table), segment, claim, k=k)
