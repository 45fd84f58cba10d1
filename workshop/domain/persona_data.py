"""What a persona's document says about its data: the segment it represents, the dataset,
and each trait's check, aggregates only (issue 27; the checks: docs/profiles.md).

The block is `document["data"]` (absent when the persona stands for no segment). A draft's
block is rebuilt from the board on every export; an agreed version keeps the one it was
agreed with, so its figures stay as they were even after the data is deleted.
"""

from __future__ import annotations

from datetime import date

FIELD_LABELS = {"identity.age_range": "Age range", "identity.location": "Location"}
STATUSES = ("consistent", "contradicted", "weak", "not_measurable")


def persona_data(state: dict, persona_id: str) -> dict | None:
    """The data block of a persona in a board state (a snapshot), or None when untied, or
    while the data is hidden (beliefs first: a document goes to everyone)."""
    settings = (state.get("workshop") or {}).get("settings") or {}
    if settings.get("data_hidden") and not settings.get("data_revealed"):
        return None
    tie = next((t for t in state.get("ties", []) if t["persona_id"] == persona_id), None)
    if tie is None:
        return None
    segment = next((s for s in state.get("segments", []) if s["id"] == tie["segment_id"]), None)
    if segment is None:
        return None
    dataset = next((d for d in state.get("datasets", []) if d["id"] == segment["dataset_id"]),
                   {})
    size = (segment.get("aggregates") or {}).get("size") or {}
    texts = {("assumption", a["id"]): a["text"] for a in state.get("assumptions", [])}
    texts.update({("group", g["id"]): g["title"] for g in state.get("groups", [])})
    checks = []
    for claim in state.get("claims", []):
        result = claim.get("result")
        if claim["persona_id"] != persona_id or not result:
            continue
        target = (f"items.{claim['target_type'][0]}:{claim['target_id']}"
                  if claim["target_type"] != "field" else claim["target_id"])
        checks.append({
            "target": target,
            "trait": texts.get((claim["target_type"], claim["target_id"]))
            or FIELD_LABELS.get(claim["target_id"], claim["target_id"]),
            "column": claim["column"], "claim": claim["claim"].get("text") or "",
            "status": result["status"], "summary": result.get("summary", ""),
            "n": result.get("n"), "figures": result.get("figures") or {}})
    return {
        "segment": {"id": segment["id"], "name": segment["name"], "size": size.get("count"),
                    "share": size.get("share"),
                    "weighted_share": (segment.get("aggregates") or {}).get("weighted_share")},
        "dataset": {"id": dataset.get("id", ""), "name": dataset.get("name", ""),
                    "source": dataset.get("source", ""), "as_of": dataset.get("as_of", ""),
                    "unit": dataset.get("unit", "customer"),
                    "row_count": dataset.get("row_count"),
                    "sha256": dataset.get("sha256", ""),
                    "weight_column": dataset.get("weight_column"),
                    "deleted": dataset.get("deleted_seq") is not None},
        "checks": checks}


def unit_plural(unit: str, count: int | None) -> str:
    """"customers", "accounts", "visitors" (one: the singular)."""
    return unit if count == 1 else f"{unit}s"


def long_date(iso: str) -> str:
    """2026-10-01 → "1 Oct 2026" (English, as the one-pager is)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%b')} {day.year}"


def represents(data: dict) -> str:
    """"Urban families, 4,210 customers (18%), CRM export as of 2026-10-01"."""
    segment, dataset = data["segment"], data["dataset"]
    parts = [segment["name"]]
    if segment["size"] is not None:
        share = f" ({round(segment['share'] * 100)}%)" if segment["share"] is not None else ""
        parts.append(f"{segment['size']:,} {unit_plural(dataset['unit'], segment['size'])}"
                     f"{share}")
    parts.append(f"{dataset['source'] or dataset['name']} as of {dataset['as_of']}")
    return ", ".join(parts)


def one_line(data: dict) -> str:
    """The one-pager's line: "Represents 4,210 customers (18%) · CRM export 1 Oct 2026 ·
    1 trait contradicted by data"."""
    segment, dataset = data["segment"], data["dataset"]
    if segment["size"] is not None:
        share = f" ({round(segment['share'] * 100)}%)" if segment["share"] is not None else ""
        first = (f"Represents {segment['size']:,} "
                 f"{unit_plural(dataset['unit'], segment['size'])}{share}")
    else:
        first = f"Represents {segment['name']}"
    parts = [first, f"{dataset['source'] or dataset['name']} {long_date(dataset['as_of'])}"]
    contradicted = sum(check["status"] == "contradicted" for check in data["checks"])
    if contradicted:
        parts.append(f"{contradicted} trait{'s' if contradicted != 1 else ''} contradicted "
                     "by data")
    elif data["checks"]:
        parts.append(f"{len(data['checks'])} trait{'s' if len(data['checks']) != 1 else ''} "
                     "checked against data")
    return " · ".join(parts)


def checks_for(data: dict | None, target: str) -> list[dict]:
    """The checks on one trait (`items.a:<id>`, `items.g:<id>` or `identity.<field>`)."""
    return [check for check in (data or {}).get("checks", []) if check["target"] == target]
