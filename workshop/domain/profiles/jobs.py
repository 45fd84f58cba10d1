"""Entry points for the worker pool: plain data in, plain data out (they must pickle)."""

from __future__ import annotations

from workshop.domain.profiles.shapes import Claim, Inspection, Kind, Role, SegmentDef
from workshop.domain.profiles.suppression import DEFAULT_K


def inspect_job(data: bytes, as_of: str | None = None) -> Inspection:
    """inspect_csv on a file's bytes; as_of is an ISO date."""
    raise NotImplementedError


def import_job(data: bytes, mapping: dict[str, Role], types: dict[str, Kind] | None = None,
               as_of: str | None = None) -> dict:
    """Load and store: {"table": bytes, "columns", "row_count", "sha256", "fingerprint"};
    raises ProfileDataError with the problems."""
    raise NotImplementedError


def analyse_job(table: bytes, segments: list[SegmentDef], claims: list[dict],
                weight: str | None = None, k: int = DEFAULT_K) -> dict:
    """{"sizing", "cards": {segment id: card}, "checks": [check]}; claims are
    {"segment": id, "claim": Claim}; bad rules come back as problems, not exceptions."""
    raise NotImplementedError


def check_job(table: bytes, segment: SegmentDef, claim: Claim, k: int = DEFAULT_K) -> dict:
    """One claim checked (for a trait saved during the session)."""
    raise NotImplementedError
