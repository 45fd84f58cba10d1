"""Segment definitions on their own: names and rules, to run again against a newer export.

`{"schema": SCHEMA_URL, "schema_version": 1, "segments": [{"name", "rule", "dataset":
{"name", "source", "as_of", "header_fingerprint"}}]}`: no figure and no row, only what
defines each segment and which export it was written for. Importing them against another
dataset defines each segment there (`workshop/services/datasets.import_segments`).
"""

from __future__ import annotations

import json

SCHEMA_URL = "https://persona-workshop.example/schemas/segments-1.json"
SCHEMA_VERSION = 1
MAX_SEGMENTS = 50


def definitions(snapshot: dict) -> dict:
    """Every segment of a board state with its rule and its dataset's identity."""
    datasets = {d["id"]: d for d in snapshot.get("datasets", [])}
    segments = []
    for segment in snapshot.get("segments", []):
        dataset = datasets.get(segment["dataset_id"], {})
        segments.append({"name": segment["name"], "rule": segment["rule"],
                         "dataset": {key: dataset.get(key, "") for key in
                                     ("name", "source", "as_of", "header_fingerprint")}})
    return {"schema": SCHEMA_URL, "schema_version": SCHEMA_VERSION, "segments": segments}


def segments_file(snapshot: dict, notes: list[dict], links: list[dict]) -> bytes:
    """The definitions as a JSON file (a workshop export: formats.py)."""
    return json.dumps(definitions(snapshot), ensure_ascii=False, indent=2).encode()


def read_definitions(data: object) -> list[dict]:
    """The `{name, rule}` of each segment in a definitions file; ValueError says what is wrong."""
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError("not a segment definitions file (schema_version 1 expected)")
    segments = data.get("segments")
    if not isinstance(segments, list) or not 0 < len(segments) <= MAX_SEGMENTS:
        raise ValueError(f"segments: give 1 to {MAX_SEGMENTS} segments")
    out = []
    for number, segment in enumerate(segments, 1):
        if (not isinstance(segment, dict) or not isinstance(segment.get("name"), str)
                or not isinstance(segment.get("rule"), dict)):
            raise ValueError(f"segments.{number}: needs a name and a rule")
        out.append({"name": segment["name"], "rule": segment["rule"]})
    return out
