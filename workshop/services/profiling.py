"""The profile ops' heavy work, run in the worker pool: the analysis package's jobs
(workshop/domain/profiles/jobs.py) combined into what one op stores.

Plain data in and out (it pickles across the process boundary). What comes back is
aggregates only, already k-suppressed by the analysis package; the kept columns travel as
one compressed blob that only the dataset's row stores.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from workshop.domain.profiles import claims as claim_rules
from workshop.domain.profiles import jobs
from workshop.domain.profiles.problems import ProfileDataError
from workshop.domain.profiles.refresh import compare_checks
from workshop.domain.profiles.segments import weight_problems
from workshop.domain.profiles.suppression import DEFAULT_K

# A rule that holds for every row: the population's own card for the dataset summary.
EVERYONE = {"all": []}


def _refused(problems: list[dict], message: str | None = None) -> dict:
    count = len(problems)
    first = problems[0]["reason"] if problems else (message or "the file could not be read")
    return {"ok": False, "problems": problems,
            "message": f"nothing was imported: {count} problem{'s' if count != 1 else ''} "
                       f"in the file ({first}{'; …' if count > 1 else ''})"}


def _bytes(content: str | Path) -> bytes | None:
    """A file's bytes: read from disk (an upload), or decoded from base64 (None when it is
    not base64). Here, in the worker, not on the serving hub."""
    if isinstance(content, Path):
        return content.read_bytes()
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return None


def inspected(content: str | Path, as_of: str | None) -> dict | None:
    """The mapping step: detected kinds, suggested roles and a masked preview (None when the
    content is not base64)."""
    raw = _bytes(content)
    return None if raw is None else jobs.inspect_job(raw, as_of)


def mapping_of(inspection: dict, roles: dict | None) -> tuple[dict, list[dict]]:
    """The role of every column: the facilitator's where given, else the suggestion."""
    known = {column["name"]: column for column in inspection["columns"]}
    problems = [{"row": None, "column": name, "code": "unknown_column",
                 "reason": f"the file has no column {name!r}"}
                for name in (roles or {}) if name not in known]
    mapping = {name: (roles or {}).get(name, column["suggested_role"])
               for name, column in known.items()}
    return mapping, problems


def _filled(count: int | None) -> int | None:
    """A column's filled count, unless it describes fewer than k people."""
    return count if count is None or count == 0 or count >= DEFAULT_K else None


def imported(content: str | Path, roles: dict | None, as_of: str | None, work: dict) -> dict:
    """Read, map and store a file (an upload on disk, or base64); on a refresh, re-size its
    segments and re-check claims."""
    raw = _bytes(content)
    if raw is None:
        return _refused([{"row": None, "column": None, "code": "not_base64",
                          "reason": "content_base64 is not valid base64"}])
    inspection = jobs.inspect_job(raw, as_of)
    if not inspection["ok"]:
        return _refused(inspection["problems"])
    mapping, problems = mapping_of(inspection, roles)
    if problems:
        return _refused(problems)
    try:
        loaded = jobs.import_job(raw, mapping, None, as_of)
    except ProfileDataError as error:
        return _refused(error.problems, str(error))
    columns = [{"name": c["name"], "kind": c["kind"], "role": mapping[c["name"]],
                "reason": c["reason"], "filled": _filled(c["filled"]),
                **({"derived_from": c["derived_from"]} if "derived_from" in c else {})}
               for c in inspection["columns"]]
    # A refresh keeps the older export's weight while the newer one keeps it as a number.
    weight = work.get("weight")
    if weight is not None and weight_problems(weight, columns):
        weight = None
    summary = {"k": DEFAULT_K, "encoding": inspection["encoding"],
               "population": _population(loaded["table"])}
    if weight is not None:
        summary["weight_column"] = weight
    dataset = {"row_count": loaded["row_count"], "sha256": loaded["sha256"],
               "header_fingerprint": loaded["fingerprint"], "mapping": columns,
               "summary": summary}
    answer = {"ok": True, "dataset": dataset, "content": loaded["table"]}
    if work.get("segments") or "header" in work:  # a refresh re-sizes, even no segments
        answer.update(analysed(loaded["table"], columns, {**work, "weight": weight}))
        if not answer["ok"]:
            return answer
    return answer


def _population(table: bytes) -> dict | None:
    """The whole dataset's card (what segments are compared with), if it can be drawn."""
    try:
        result = jobs.analyse_job(table, [{"id": "all", "name": "everyone", "rule": EVERYONE}],
                                  [])
    except ProfileDataError:
        return None
    return result.get("cards", {}).get("all")


def analysed(table: bytes, mapping: list[dict], work: dict) -> dict:
    """Size a dataset's segments, draw their cards and check the claims on them.

    `work`: {"segments": [SegmentDef], "claims": [{"id", "segment", "claim"}], "previous":
    {claim id: last check}, "weight": the column weighing shares, or None}. Answers {"ok",
    "sizing", "segments": {id: aggregates}, "rules": {id: rule}, "checks": {claim id: check},
    "changes": [Change]} or the problems.
    """
    segments = work["segments"]
    claims = work.get("claims", [])
    try:
        result = jobs.analyse_job(table, segments,
                                  [{"segment": c["segment"], "claim": c["claim"]}
                                   for c in claims], weight=work.get("weight"))
    except ProfileDataError as error:
        return {"ok": False, "problems": error.problems, "message": str(error)}
    if result.get("problems"):
        first = result["problems"][0]
        return {"ok": False, "problems": result["problems"],
                "message": f"the rule cannot be used: {first['reason']}"}
    sizes = {s["id"]: s for s in result["sizing"]["segments"]}
    checks = dict(zip([c["id"] for c in claims], result["checks"], strict=True))
    previous = work.get("previous", {})
    old = [previous[c] for c in checks if previous.get(c)]
    new = [checks[c] for c in checks if previous.get(c)]
    return {"ok": True, "sizing": result["sizing"],
            "segments": {s["id"]: {"size": sizes[s["id"]]["size"],
                                   "weighted_share": sizes[s["id"]]["weighted_share"],
                                   "card": result["cards"].get(s["id"])}
                         for s in segments},
            "rules": {s["id"]: s["rule"] for s in segments},
            "checks": checks,
            "changes": compare_checks(old, new) if old else []}


def parse_claim(kind: str, column: str, text: str) -> dict | None:
    """A claim of this kind from what a trait says, or None when it cannot be read."""
    if kind == "range":
        return claim_rules.parse_range(text, column)
    parsed = claim_rules.parse_claim(text, column)
    if parsed is not None and parsed["kind"] == kind:
        return parsed
    # A bare value ("Utrecht") is the value itself for the two category kinds.
    return {"kind": kind, "column": column, "value": text, "text": text}


def renamed(sizing: dict, old: str, new: str) -> dict:
    """A sizing with one segment id replaced (a new segment gets its id once stored)."""
    rename = {old: new}
    return {**sizing,
            "segments": [{**s, "id": rename.get(s["id"], s["id"])} for s in sizing["segments"]],
            "overlaps": [{**o, "a": rename.get(o["a"], o["a"]), "b": rename.get(o["b"], o["b"])}
                         for o in sizing["overlaps"]]}
