"""The persona as JSON: a documented, versioned schema that carries provenance and evidence.

An export is `{"schema": SCHEMA_URL, "schema_version": 2, "meta": META, "persona": DOCUMENT}`
where DOCUMENT is the shape in `domain/merge.py` and META the export metadata. The pydantic
models below are the schema; `docs/persona.schema.json` is generated from them
(`python -m workshop.domain.export.json_format > docs/persona.schema.json`).

Version 2 added the persona's `data` (the segment it represents, the dataset's metadata and
each trait's data check, aggregates only) and, in META, its life after the workshop: its
review status, the decisions that used it and its research questions. A consumer that
validates against the version 1 schema would refuse those keys, so the version went up;
version 1 files still import (the new keys read as absent).

`to_json` validates and normalises through the same models `from_json` reads with, so
`to_json(*from_json(to_json(d, m))) == to_json(d, m)` holds exactly.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workshop.domain import provenance

SCHEMA_URL = "https://persona-workshop.example/schemas/persona-2.json"
SCHEMA_VERSION = 2
# Versions `from_json` reads: 1 is 2 without the meta's review, usages and questions.
READABLE_VERSIONS = (1, 2)
_URLS = {1: "https://persona-workshop.example/schemas/persona-1.json", 2: SCHEMA_URL}

Text = Annotated[str, Field(max_length=20_000)]
Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    """No unknown keys, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Picture(_Strict):
    """An uploaded image, base64-encoded; no picture (null) means the generated avatar."""

    kind: Literal["upload"]
    media_type: Literal["image/png", "image/jpeg", "image/webp"]
    data: Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$")]


class Identity(_Strict):
    """Who the persona is; `story` is Markdown."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    quote: Text
    story: Text
    role: Text
    age_range: Text
    location: Text
    picture: Picture | None


class Source(_Strict):
    """A sticky note an item came from, with its author's team (null when anonymous)."""

    id: str
    text: Text
    team: str | None


class TeamVotes(_Strict):
    """One team's votes on an item."""

    agree: Count
    disagree: Count
    unsure: Count


class Votes(_Strict):
    """Vote figures: tally per team, agreement, group-aware consensus (GAC), dots, voters."""

    tally: dict[str, TeamVotes]
    agreement: Share | None
    consensus: Share | None
    dots: Count
    voters: Count


class DissentingTeam(TeamVotes):
    """A team that leaned disagree on an item that was accepted."""

    team: str


class Dissent(_Strict):
    """The minority view of a contested item that was accepted: the teams that leaned disagree.

    The facilitator's reason for accepting it anyway is `decision.reason`, not the dissenters'
    words; exports before that rule also carried it here as `reason`, which is read and
    dropped.
    """

    teams: list[DissentingTeam]

    @model_validator(mode="before")
    @classmethod
    def _drop_old_reason(cls, data: object) -> object:
        """Older exports repeated the facilitator's reason as `reason`: drop it."""
        if isinstance(data, dict) and "reason" in data:
            data = {key: value for key, value in data.items() if key != "reason"}
        return data


class Decision(_Strict):
    """Who accepted the item, when and why (`text`: the new wording of a rewording)."""

    decision: Literal["accepted", "reworded"]
    reason: Text
    text: Text
    by: str | None
    by_name: str | None
    at: str | None


class Evidence(_Strict):
    """A passage of a research note that supports or contradicts the item."""

    id: str
    note_id: str
    note_title: Text
    source_type: str | None
    date: str | None
    relation: Literal["supports", "contradicts"]
    quote: Text


class Provenance(_Strict):
    """Where an item came from: notes, teams, votes, decision, evidence."""

    kind: Literal["assumption", "group"]
    original: Text
    sources: list[Source]
    believers: list[str]
    votes: Votes
    contested: bool
    dissent: Dissent | None
    decision: Decision
    evidence: list[Evidence]
    evidence_state: Literal["validated", "contradicted", "untested"]
    research_pending: bool = Field(
        default=False, description="Accepted in a category that requires research, with no "
        "supporting evidence: accepted before research was required, no evidence yet.")


class RecordPart(_Strict):
    """One labelled part of an item's record, as every export and the app's panel word it."""

    part: Literal[provenance.PARTS]  # type: ignore[valid-type]
    label: str
    text: Text


class Item(_Strict):
    """One trait of the persona; `text` is what people edited."""

    id: Annotated[str, Field(pattern=r"^[ag]:\S+$")]
    text: Text
    provenance: Provenance
    record: list[RecordPart] = Field(
        default_factory=list, description="The provenance in labelled parts "
        "(workshop/domain/provenance.py), written by every export; ignored on import.")


class Section(_Strict):
    """A category of the persona with its items, best agreed first."""

    category: Annotated[str, Field(min_length=1)]
    label: str
    items: Annotated[list[Item], Field(min_length=1)]


class DataSegment(_Strict):
    """The segment the persona represents; sizes are null when fewer than k people."""

    id: str
    name: Text
    size: Count | None
    share: Share | None
    weighted_share: Share | None


class DataSource(_Strict):
    """The customer data export the segment is part of: metadata only, never a row."""

    id: str
    name: Text
    source: Text
    as_of: str
    unit: Literal["customer", "account", "visitor"]
    row_count: Count | None
    sha256: str
    weight_column: Text | None = Field(default=None, description="The number column the "
                                       "weighted share is of (e.g. revenue); null: none")
    deleted: bool = Field(description="Its stored data was deleted since (the figures here "
                                      "stay as they were)")


class DataCheck(_Strict):
    """A trait checked against the segment's data (docs/profiles.md, Check)."""

    target: str = Field(description="items.a:<id>, items.g:<id> or identity.<field>")
    trait: Text
    column: Text
    claim: Text
    status: Literal["consistent", "contradicted", "weak", "not_measurable"]
    summary: Text
    n: Count | None
    figures: dict[str, float | int | str | list | None]


class PersonaData(_Strict):
    """What the data says about the persona (schema version 2): aggregates only."""

    segment: DataSegment
    dataset: DataSource
    checks: list[DataCheck]


class Document(_Strict):
    """The persona document (see domain/merge.py)."""

    persona_id: str
    identity: Identity
    sections: list[Section]
    data: PersonaData | None = Field(default=None, description="The segment it represents and "
                                     "its data checks; null when it stands for no segment")

    @model_validator(mode="after")
    def _unique(self) -> Document:
        """Item ids and section categories each appear once."""
        ids = [item.id for section in self.sections for item in section.items]
        if len(ids) != len(set(ids)):
            raise ValueError("sections: an item id appears twice")
        categories = [section.category for section in self.sections]
        if len(categories) != len(set(categories)):
            raise ValueError("sections: a category appears twice")
        return self


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Review(_Strict):
    """When the persona is due for review, and which traits rest on stale evidence."""

    review_by: Day | None = Field(description="null: no version agreed yet")
    due: bool
    stale: list[str] = Field(description="Item ids of traits whose newest evidence is older "
                                         "than `stale_months`")
    stale_months: Count
    notices: list[str] = Field(description="What a reader is told, in English")


class Usage(_Strict):
    """A decision that used the persona, and the traits (item ids) it relied on."""

    title: str
    link: str
    date: Day
    team: str
    traits: list[str]


class Question(_Strict):
    """A research question about one trait (item id) of the validation backlog."""

    trait: str
    question: str
    owner: str
    method: str
    due: Day
    closed: bool = Field(description="Closed by evidence linked to its trait")


class Meta(_Strict):
    """About this export: which workshop, which version, agreed or draft, and (version 2) its
    review status, the decisions that used it and its research questions."""

    workshop_title: str
    persona_name: str
    version: Annotated[int, Field(ge=0, description="0: a draft previewed from the board "
                                  "before the persona document exists (status draft)")]
    status: Literal["draft", "agreed"]
    agreed_at: str | None
    exported_at: str | None
    teams: list[str]
    review: Review | None = None
    usages: list[Usage] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    @model_validator(mode="after")
    def _preview_is_a_draft(self) -> Meta:
        """Version 0 is the preview before the document exists: never agreed."""
        if self.version == 0 and self.status != "draft":
            raise ValueError("version 0 is a preview draft: status must be draft")
        return self


class PersonaExport(_Strict):
    """A persona exported from Persona Workshop, schema version 2 (1 still imports)."""

    model_config = ConfigDict(title="Persona Workshop persona export", populate_by_name=True)

    schema_url: Literal["https://persona-workshop.example/schemas/persona-2.json",
                        "https://persona-workshop.example/schemas/persona-1.json"] = Field(
        alias="schema")
    schema_version: Literal[2, 1]
    meta: Meta
    persona: Document


def _readable(error: ValidationError) -> str:
    """One line per problem: `persona.sections.0.items.1.text: Input should be …`."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        lines.append(f"{where}: {problem['msg']}")
    return "; ".join(lines)


def _validated(data: object) -> PersonaExport:
    try:
        return PersonaExport.model_validate(data, by_alias=True)
    except ValidationError as error:
        raise ValueError(f"not a valid persona export: {_readable(error)}") from None


def _with_records(document: dict) -> dict:
    """The document with each item's record in labelled parts (`provenance.describe`)."""
    return {**document, "sections": [
        {**section, "items": [{**item, "record": [
            {"part": part.key, "label": part.label, "text": part.text}
            for part in provenance.describe(item)]} for item in section["items"]]}
        for section in document["sections"]]}


def to_json(document: dict, meta: dict) -> dict:
    """The export as JSON-ready data, validated against the schema."""
    # The meta's keys the schema names; others (the web page's picture_src, the backlog's
    # placement, which is derived) are for the other formats.
    raw = {"schema": SCHEMA_URL, "schema_version": SCHEMA_VERSION,
           "meta": {key: value for key, value in meta.items() if key in Meta.model_fields},
           "persona": _with_records(document)}
    return _validated(raw).model_dump(mode="json", by_alias=True)


def from_json(data: object) -> tuple[dict, dict]:
    """(document, meta) from an export; ValueError that says what is wrong and where."""
    if not isinstance(data, dict):
        raise ValueError("not a valid persona export: expected a JSON object")
    if data.get("schema_version") not in (None, *READABLE_VERSIONS):
        raise ValueError(f"not a valid persona export: schema_version "
                         f"{data.get('schema_version')!r} is not supported (only 1 and 2)")
    if data.get("schema") != _URLS.get(data.get("schema_version"), data.get("schema")):
        raise ValueError("not a valid persona export: schema and schema_version disagree")
    export = _validated(data).model_dump(mode="json", by_alias=True)
    if export["persona"]["data"] is None:
        del export["persona"]["data"]  # a persona that stands for no segment has none
    for section in export["persona"]["sections"]:
        for item in section["items"]:
            del item["record"]  # derived from the provenance: written anew on export
    return export["persona"], export["meta"]


def json_schema() -> dict:
    """The JSON Schema (2020-12) of an export, as written to docs/persona.schema.json."""
    schema = PersonaExport.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_URL,
            **schema}


if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
