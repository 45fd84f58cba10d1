"""Profiles: customer datasets, segments, the persona each stands for, and claims checked
against them (issue 27; the analysis is workshop/domain/profiles, docs/profiles.md).

Reading a file, sizing segments and checking claims is heavy: each op's `prepare` does it in
the worker pool before the op's transaction, reading the stored columns it needs; the
handler then checks that what was read is still current (else `conflict`: try again) and
writes the result in one step. Events carry aggregates only, never a row; with beliefs
first (the `data_hidden` setting) participants get every data event without its figures
until the facilitator reveals the data.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from sqlalchemy import select

from workshop.domain.permissions import FACILITATOR
from workshop.domain.profiles.segments import weight_problems
from workshop.domain.settings import data_hidden
from workshop.domain.tokens import new_id
from workshop.models import (
    Assumption,
    AssumptionGroup,
    Claim,
    Dataset,
    Participant,
    PersonaSegment,
    Segment,
    utcnow,
)
from workshop.ops.context import OpContext, Outcome, by_id, count, persona_in_workshop
from workshop.ops.registry import OpSet, Preparing
from workshop.services import profiling, visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, IsoDate, Payload, free_text, parse
from workshop.services.shapes import claim_view, dataset_view, segment_view, tie_view

AREA = OpSet()
op = AREA.op

MAX_DATASETS = 20
MAX_SEGMENTS = 50
MAX_CLAIMS = 500
# A file in base64 (4/3 of its bytes): exports of "tens of MB" fit, with room to spare.
MAX_FILE_BASE64 = 96 * 1024 * 1024

ColumnName = free_text(1, 200)
Role = Literal["attribute", "sensitive", "dropped"]
Unit = Literal["customer", "account", "visitor"]
# A trait's field in the persona document that can carry a claim.
ClaimField = Annotated[str, StringConstraints(pattern=r"^identity\.(age_range|location)$")]


# ---- payloads ------------------------------------------------------------------------------

class DatasetImport(Payload):
    """dataset.import: a CSV export (base64), read and stored in one step (HTTP import).

    Through `POST …/datasets` the file is the request's attachment, decoded by a worker
    (services/uploads.py), and `content_base64` is no longer in the data."""

    name: free_text(1, 120)
    source: free_text(0, 200) = ""
    as_of: IsoDate
    unit: Unit = "customer"
    filename: free_text(1, 200) = "export.csv"
    content_base64: Annotated[str, StringConstraints(
        min_length=1, max_length=MAX_FILE_BASE64)] | None = None
    # Column → role; a column not named keeps its suggested role (None: all suggestions).
    roles: dict[ColumnName, Role] | None = Field(default=None, max_length=500)
    # Refresh: a newer export of the same source replaces this dataset (same header).
    replaces: Id | None = None


class DatasetMap(Payload):
    """dataset.map: change the roles of a dataset's kept columns."""

    id: Id
    roles: dict[ColumnName, Role] = Field(min_length=1, max_length=500)


class DatasetWeight(Payload):
    """dataset.weight: the number column that weighs segment shares (null: none)."""

    id: Id
    column: ColumnName | None


class DatasetDelete(Payload):
    """dataset.delete: remove the stored columns; the metadata and figures shown stay."""

    id: Id


class SegmentDefine(Payload):
    """segment.define: a named rule over a dataset's columns (docs/profiles.md, Rules)."""

    dataset_id: Id
    name: free_text(1, 120)
    rule: dict


class SegmentChange(Payload):
    """segment.change: a new name or rule."""

    id: Id
    name: free_text(1, 120) | None = None
    rule: dict | None = None


class SegmentRemove(Payload):
    """segment.remove"""

    id: Id


class PersonaTie(Payload):
    """persona.tie: the segment a persona stands for (null unties it)."""

    persona_id: Id
    segment_id: Id | None


class ClaimSet(Payload):
    """claim.set: what a trait claims about a column, e.g. "35–45" on age."""

    persona_id: Id
    assumption_id: Id | None = None
    group_id: Id | None = None
    field: ClaimField | None = None
    column: ColumnName
    kind: Literal["range", "most_common", "more_likely"] = "range"
    # The claim as written ("35–45", "35 to 45", "40s", "Utrecht"); parsed per kind.
    text: free_text(1, 200)


class ClaimClear(Payload):
    """claim.clear"""

    id: Id


class ClaimsRecheck(Payload):
    """claims.recheck: every claim against its persona's segment, now."""


class _SegmentPayload(Payload):
    """What segment.define or segment.change may carry (their prepare serves both)."""

    id: Id | None = None
    dataset_id: Id | None = None
    name: free_text(1, 120) | None = None
    rule: dict | None = None


# ---- what prepare reads --------------------------------------------------------------------

def _read(prep: Preparing, read) -> object:
    with prep.db.reading() as session:
        return read(session)


def _allowed(prep: Preparing) -> bool:
    """Whether the sender is this workshop's facilitator. Anyone else gets no heavy work
    done and no data read for them: the op path refuses them with its usual error."""
    def read(session):
        member = session.get(Participant, prep.actor_id)
        return (member is not None and member.workshop_id == prep.workshop_id
                and not member.removed and member.role == FACILITATOR)
    return _read(prep, read)


def guarded(schema: type[Payload]):
    """A prepare hook that works only for a valid payload from this workshop's facilitator.

    Anything else gets no heavy work and no data read: `{}`, and the op path refuses it with
    its usual error (the role, the payload), as for any op. A look-up that fails here
    (`not_found`, `conflict`) is left to the handler too, which makes the same checks.
    """
    def wrap(hook):
        def prepare(prep: Preparing, data: object) -> dict:
            if not _allowed(prep):
                return {}
            try:
                parse(schema, data)
            except ServiceError:
                return {}
            try:
                return hook(prep, data)
            except ServiceError as error:
                if error.code in ("not_found", "conflict"):
                    return {}
                raise
        prepare.__doc__ = hook.__doc__
        return prepare
    return wrap


def _stored(session, workshop_id: str, dataset_id: str) -> Dataset:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None or dataset.workshop_id != workshop_id:
        raise ServiceError("not_found", "no such dataset in this workshop")
    if dataset.content is None:
        raise ServiceError("conflict", "this dataset's data was deleted: import it again",
                           reason="data_deleted")
    return dataset


def _segments_of(session, dataset_id: str) -> list[Segment]:
    return list(session.scalars(select(Segment).where(Segment.dataset_id == dataset_id)
                                .order_by(Segment.created_seq)))


def _claims_on(session, workshop_id: str, segment_ids: set[str]) -> list[tuple[Claim, str]]:
    """Every claim of a persona tied to one of these segments, with that segment's id."""
    rows = session.execute(select(Claim, PersonaSegment.segment_id)
                           .join(PersonaSegment, PersonaSegment.persona_id == Claim.persona_id)
                           .where(Claim.workshop_id == workshop_id,
                                  PersonaSegment.segment_id.in_(segment_ids))
                           .order_by(Claim.created_seq))
    return [(claim, segment_id) for claim, segment_id in rows]


def weight_of(dataset: Dataset) -> str | None:
    """The column that weighs the dataset's segment shares, if one was chosen. It lives in
    the summary's JSON (a setting beside the sizing it shapes; no schema change for it)."""
    return (dataset.summary or {}).get("weight_column")


def _work(dataset: Dataset, segments: list[Segment], claims: list[tuple[Claim, str]],
          changed: dict | None = None) -> dict:
    """The plain data a worker needs to size segments (with the dataset's weight) and check
    claims."""
    defs = [{"id": s.id, "name": s.name, "rule": s.rule} for s in segments]
    if changed is not None:
        defs = [d for d in defs if d["id"] != changed["id"]] + [changed]
    return {"segments": defs,
            "claims": [{"id": c.id, "segment": sid, "claim": c.claim} for c, sid in claims],
            "previous": {c.id: c.result for c, _ in claims}, "weight": weight_of(dataset)}


def _fingerprint(segments, claims, dataset: Dataset | None = None) -> list:
    """What the handler compares with what prepare read: rules, and claims with their ties
    (and the dataset's weight, for ops that size with it)."""
    weight = [("w", weight_of(dataset) or "")] if dataset is not None else []
    return sorted([("s", s.id, s.updated_seq) for s in segments]
                  + [("c", c.id, c.updated_seq, sid) for c, sid in claims]) + weight


@guarded(DatasetImport)
def prepare_import(prep: Preparing, data: object) -> dict:
    """Read the file in a worker; on a refresh also re-size segments and re-check claims."""
    # The file: the request's attachment, or base64 decoded in the worker (tens of MB of
    # it would hold the hub for a while).
    raw = prep.attachment if prep.attachment is not None else data.get("content_base64")
    if raw is None:
        raise ServiceError("invalid", "content_base64: Field required")
    roles = data.get("roles") if isinstance(data.get("roles"), dict) else None
    as_of = data.get("as_of") if isinstance(data.get("as_of"), str) else None
    work: dict = {"segments": [], "claims": [], "previous": {}}
    replaces = data.get("replaces")
    seen: list = []
    if isinstance(replaces, str):
        def read(session):
            old = _stored(session, prep.workshop_id, replaces)
            segments = _segments_of(session, old.id)
            claims = _claims_on(session, prep.workshop_id, {s.id for s in segments})
            return (old.mapping, old.header_fingerprint, _work(old, segments, claims),
                    _fingerprint(segments, claims, old))
        mapping, header, work, seen = _read(prep, read)
        # The mapping is re-used: a column the facilitator dropped stays dropped.
        roles = {**{c["name"]: c["role"] for c in mapping}, **(roles or {})}
        work["header"] = header
    result = prep.offload.run(profiling.imported, raw, roles, as_of, work, owner=prep.actor_id)
    return {"result": result, "seen": seen}


@guarded(_SegmentPayload)
def prepare_segment(prep: Preparing, data: object) -> dict:
    """Size a new or changed segment (and its dataset's others) and re-check its claims."""
    if not isinstance(data, dict):
        return {}
    segment_id = data.get("id")
    rule = data.get("rule")

    def read(session):
        if isinstance(segment_id, str):
            segment = session.get(Segment, segment_id)
            if segment is None or segment.workshop_id != prep.workshop_id:
                raise ServiceError("not_found", "no such segment in this workshop")
            dataset_id = segment.dataset_id
            changed = {"id": segment.id, "name": segment.name,
                       "rule": rule if isinstance(rule, dict) else segment.rule}
        elif isinstance(data.get("dataset_id"), str) and isinstance(rule, dict):
            dataset_id = data["dataset_id"]
            changed = {"id": "new", "name": str(data.get("name") or ""), "rule": rule}
        else:
            return None
        dataset = _stored(session, prep.workshop_id, dataset_id)
        segments = _segments_of(session, dataset.id)
        claims = _claims_on(session, prep.workshop_id, {s.id for s in segments})
        return (dataset.content, dataset.mapping, _work(dataset, segments, claims, changed),
                _fingerprint(segments, claims, dataset))

    read_back = _read(prep, read)
    if read_back is None:
        return {}
    content, mapping, work, seen = read_back
    result = prep.offload.run(profiling.analysed, content, mapping, work, owner=prep.actor_id)
    return {"result": result, "seen": seen}


def _prepare_checks(prep: Preparing, persona_id: object, segment_id: object,
                    extra: dict | None = None) -> dict:
    """Check a persona's claims (and `extra`, a new one) against a segment."""
    if not isinstance(persona_id, str) or not isinstance(segment_id, str):
        return {}

    def read(session):
        segment = session.get(Segment, segment_id)
        if segment is None or segment.workshop_id != prep.workshop_id:
            raise ServiceError("not_found", "no such segment in this workshop")
        dataset = _stored(session, prep.workshop_id, segment.dataset_id)
        claims = list(session.scalars(select(Claim).where(
            Claim.workshop_id == prep.workshop_id, Claim.persona_id == persona_id)))
        work = {"segments": [{"id": segment.id, "name": segment.name, "rule": segment.rule}],
                "claims": [{"id": c.id, "segment": segment.id, "claim": c.claim}
                           for c in claims]
                + ([{**extra, "segment": segment.id}] if extra else []),
                "previous": {c.id: c.result for c in claims}, "only_checks": True,
                "weight": weight_of(dataset)}
        return (dataset.content, dataset.mapping, work,
                _fingerprint([segment], [(c, segment.id) for c in claims]))

    content, mapping, work, seen = _read(prep, read)
    result = prep.offload.run(profiling.analysed, content, mapping, work, owner=prep.actor_id)
    return {"result": result, "seen": seen}


@guarded(DatasetWeight)
def prepare_weight(prep: Preparing, data: object) -> dict:
    """Re-size the dataset's segments with the new weight (no claim depends on it)."""
    column = data.get("column")

    def read(session):
        dataset = _stored(session, prep.workshop_id, data.get("id"))
        if column == weight_of(dataset) or (
                column is not None and weight_problems(column, dataset.mapping)):
            return None  # the handler says why
        segments = _segments_of(session, dataset.id)
        work = {**_work(dataset, segments, []), "weight": column}
        return dataset.content, dataset.mapping, work, _fingerprint(segments, [], dataset)

    read_back = _read(prep, read)
    if read_back is None:
        return {}
    content, mapping, work, seen = read_back
    result = prep.offload.run(profiling.analysed, content, mapping, work, owner=prep.actor_id)
    return {"result": result, "seen": seen}


@guarded(PersonaTie)
def prepare_tie(prep: Preparing, data: object) -> dict:
    """Check the persona's claims against the segment it is being tied to."""
    if not isinstance(data, dict):
        return {}
    return _prepare_checks(prep, data.get("persona_id"), data.get("segment_id"))


@guarded(ClaimSet)
def prepare_claim(prep: Preparing, data: object) -> dict:
    """Parse and check a new claim against the segment its persona stands for."""
    if not isinstance(data, dict) or not isinstance(data.get("persona_id"), str):
        return {}
    persona_id = data["persona_id"]
    segment_id = _read(prep, lambda session: session.scalar(
        select(PersonaSegment.segment_id).where(PersonaSegment.persona_id == persona_id,
                                                PersonaSegment.workshop_id == prep.workshop_id)))
    if segment_id is None:
        return {}
    kind, column, text = data.get("kind", "range"), data.get("column"), data.get("text")
    if not all(isinstance(v, str) and 0 < len(v) <= 200 for v in (kind, column, text)):
        return {}  # the payload check refuses it
    if kind not in ("range", "most_common", "more_likely"):
        return {}
    parsed = profiling.parse_claim(kind, column.strip(), text.strip())
    if parsed is None:
        return {}  # the handler says why
    return _prepare_checks(prep, persona_id, segment_id, {"id": "new", "claim": parsed})


@guarded(ClaimsRecheck)
def prepare_recheck(prep: Preparing, data: object) -> dict:
    """Re-check every claim of every tied persona against its segment's stored data."""
    def read(session):
        ties = list(session.scalars(select(PersonaSegment).where(
            PersonaSegment.workshop_id == prep.workshop_id)))
        by_dataset: dict[str, list[Segment]] = {}
        for tie in ties:
            segment = session.get(Segment, tie.segment_id)
            by_dataset.setdefault(segment.dataset_id, []).append(segment)
        jobs = []
        seen = []
        for dataset_id, segments in sorted(by_dataset.items()):
            dataset = session.get(Dataset, dataset_id)
            if dataset.content is None:
                continue  # deleted: its claims keep their last result
            claims = _claims_on(session, prep.workshop_id, {s.id for s in segments})
            work = _work(dataset, segments, claims)
            work["only_checks"] = True
            jobs.append((dataset.content, dataset.mapping, work))
            seen += _fingerprint(segments, claims)
        return jobs, sorted(seen)

    jobs, seen = _read(prep, read)
    results = [prep.offload.run(profiling.analysed, content, mapping, work, owner=prep.actor_id)
               for content, mapping, work in jobs]
    return {"results": results, "seen": seen}


# ---- handler helpers ---------------------------------------------------------------------

def _outcome(ctx: OpContext, type_: str, data: dict, public: dict) -> Outcome:
    """An event with data figures: their public form while the data is hidden (beliefs first)."""
    if data_hidden(ctx.settings):
        return Outcome(type_, data, audience=ctx.actor.id,
                       public={"type": type_, "data": public, "actor": ctx.actor.id})
    return Outcome(type_, data)


def _result(ctx: OpContext) -> dict:
    result = ctx.prepared.get("result")
    if result is None:
        raise ServiceError("invalid", "nothing to analyse: check the dataset and rule")
    if not result.get("ok", True):
        raise ServiceError("invalid", result.get("message") or "the data could not be read",
                           details={"problems": result.get("problems", [])})
    return result


def _current(ctx: OpContext, segments: list[Segment], claims: list[tuple[Claim, str]],
             dataset: Dataset | None = None) -> None:
    """Refuse when segments or claims (or the dataset's weight) changed since prepare read
    them."""
    if _fingerprint(segments, claims, dataset) != ctx.prepared.get("seen", []):
        raise ServiceError("conflict", "the segments or claims changed while the data was "
                                       "analysed: try again", reason="data_changed")


def _dataset(ctx: OpContext, dataset_id: str) -> Dataset:
    dataset = by_id(ctx.session, Dataset, dataset_id)
    if dataset is None or dataset.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such dataset in this workshop")
    return dataset


def _segment(ctx: OpContext, segment_id: str) -> Segment:
    segment = by_id(ctx.session, Segment, segment_id)
    if segment is None or segment.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such segment in this workshop")
    return segment


def _apply_checks(ctx: OpContext, claims: list[Claim], checks: dict) -> list[dict]:
    """Store each claim's new result; answer the changed claims' views."""
    changed = []
    for claim in claims:
        if claim.id in checks:
            claim.result = checks[claim.id]
            claim.updated_seq = ctx.seq
            changed.append(claim_view(claim))
    return changed


def _apply_sizes(ctx: OpContext, dataset: Dataset, result: dict) -> list[Segment]:
    """Store the sizing on the dataset and each segment's aggregates; answer the segments."""
    dataset.summary = {**dataset.summary, "sizing": result["sizing"]}
    segments = _segments_of(ctx.session, dataset.id)
    for segment in segments:
        if segment.id in result["segments"]:
            segment.aggregates = result["segments"][segment.id]
    return segments


def _claims_public(views: list[dict]) -> list[dict]:
    return [visibility.claim_without_figures(v) for v in views]


def _segments_public(views: list[dict]) -> list[dict]:
    return [visibility.segment_without_figures(v) for v in views]


# ---- datasets ------------------------------------------------------------------------------

@op("dataset.import", payload=DatasetImport, roles={FACILITATOR}, prepare=prepare_import)
def dataset_import(ctx: OpContext, data: DatasetImport) -> Outcome:
    """Store a read CSV export: its metadata, mapping, aggregates and kept columns."""
    result = _result(ctx)
    if count(ctx, Dataset) >= MAX_DATASETS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_DATASETS} datasets")
    old = None
    if data.replaces is not None:
        old = _dataset(ctx, data.replaces)
        if old.content is None:
            raise ServiceError("conflict", "this dataset's data was deleted: import it again",
                               reason="data_deleted")
        if result["dataset"]["header_fingerprint"] != old.header_fingerprint:
            raise ServiceError("conflict", "this file's columns differ from the dataset it "
                                           "would refresh: import it as a new dataset",
                               reason="not_a_refresh")
        segments = _segments_of(ctx.session, old.id)
        _current(ctx, segments, _claims_on(ctx.session, ctx.workshop_id,
                                           {s.id for s in segments}), old)
    meta = result["dataset"]
    dataset = Dataset(id=new_id(), workshop_id=ctx.workshop_id, name=data.name,
                      source=data.source, as_of=data.as_of, unit=data.unit,
                      row_count=meta["row_count"], sha256=meta["sha256"],
                      header_fingerprint=meta["header_fingerprint"], mapping=meta["mapping"],
                      summary=meta["summary"], imported_by=ctx.actor.id,
                      imported_at=utcnow(), content=result["content"],
                      replaces_id=old.id if old else None, created_seq=ctx.seq)
    ctx.session.add(dataset)
    segments, claims = [], []
    if old is not None:
        # The segments move to the newer export; the older one keeps its metadata only.
        ctx.session.flush()
        for segment in _segments_of(ctx.session, old.id):
            segment.dataset_id = dataset.id
            segment.updated_seq = ctx.seq
        ctx.session.flush()
        segments = [segment_view(s) for s in _apply_sizes(ctx, dataset, result)]
        tied = _claims_on(ctx.session, ctx.workshop_id, {s["id"] for s in segments})
        claims = _apply_checks(ctx, [c for c, _ in tied], result["checks"])
        old.content = None
        old.deleted_seq = ctx.seq
    view = dataset_view(dataset)
    full = {"dataset": view, "segments": segments, "claims": claims,
            "changes": result.get("changes", [])}
    return _outcome(ctx, "dataset.imported", full, {
        "dataset": visibility.dataset_without_figures(view),
        "segments": _segments_public(segments), "claims": _claims_public(claims),
        "changes": []})


@op("dataset.map", payload=DatasetMap, roles={FACILITATOR})
def dataset_map(ctx: OpContext, data: DatasetMap) -> Outcome:
    """Change column roles: attribute and sensitive trade places; a dropped column stays out."""
    dataset = _dataset(ctx, data.id)
    known = {column["name"]: column for column in dataset.mapping}
    for name, role in data.roles.items():
        if name not in known:
            raise ServiceError("invalid", f"roles: the dataset has no column {name!r}")
        if known[name]["role"] == "dropped" and role != "dropped":
            raise ServiceError("conflict", f"{name!r} was dropped at import, so its values "
                                           "were never stored: import the file again to keep "
                                           "it", reason="column_dropped")
        if role == "dropped" and name == weight_of(dataset):
            raise ServiceError("conflict", f"{name!r} weighs the segments' shares: choose "
                                           "another weight first", reason="weight_dropped")
    previous = [dict(column) for column in dataset.mapping]
    dataset.mapping = [{**column, "role": data.roles.get(column["name"], column["role"])}
                       for column in dataset.mapping]
    event = {"id": dataset.id, "mapping": dataset.mapping, "previous": previous}
    return _outcome(ctx, "dataset.mapped", event, {
        "id": dataset.id, "mapping": visibility.mapping_without_figures(dataset.mapping),
        "previous": visibility.mapping_without_figures(previous)})


@op("dataset.weight", payload=DatasetWeight, roles={FACILITATOR}, prepare=prepare_weight)
def dataset_weight(ctx: OpContext, data: DatasetWeight) -> Outcome:
    """Weigh the segments' shares by a kept number column (or stop), re-sizing them all."""
    dataset = _dataset(ctx, data.id)
    if dataset.content is None:
        raise ServiceError("conflict", "this dataset's data was deleted: import it again",
                           reason="data_deleted")
    problems = weight_problems(data.column, dataset.mapping) if data.column is not None else []
    if problems:
        raise ServiceError("invalid", f"column: {problems[0]['reason']}",
                           details={"problems": problems}, reason="weight_column")
    previous = weight_of(dataset)
    if data.column == previous:
        raise ServiceError("invalid", "nothing to change: the shares are weighed so already")
    _current(ctx, _segments_of(ctx.session, dataset.id), [], dataset)
    result = _result(ctx)
    dataset.summary = {**dataset.summary, "weight_column": data.column}
    segments = [segment_view(s) for s in _apply_sizes(ctx, dataset, result)]
    full = {"id": dataset.id, "weight_column": data.column, "previous": previous,
            "sizing": result["sizing"], "segments": segments}
    return _outcome(ctx, "dataset.weighted", full, {
        **full, "sizing": None, "segments": _segments_public(segments)})


@op("dataset.delete", payload=DatasetDelete, roles={FACILITATOR})
def dataset_delete(ctx: OpContext, data: DatasetDelete) -> Outcome:
    """Remove the stored columns; segments and claims keep their last figures, frozen."""
    dataset = _dataset(ctx, data.id)
    if dataset.content is None and dataset.deleted_seq is not None:
        raise ServiceError("conflict", "this dataset's data is already deleted",
                           reason="data_deleted")
    dataset.content = None
    dataset.deleted_seq = ctx.seq
    return Outcome("dataset.deleted", {"id": dataset.id, "deleted_seq": ctx.seq})


# ---- segments ------------------------------------------------------------------------------

@op("segment.define", payload=SegmentDefine, roles={FACILITATOR}, prepare=prepare_segment)
def segment_define(ctx: OpContext, data: SegmentDefine) -> Outcome:
    """A new segment, sized, with every segment of its dataset re-sized (overlaps)."""
    dataset = _dataset(ctx, data.dataset_id)
    if dataset.content is None:
        raise ServiceError("conflict", "this dataset's data was deleted: import it again",
                           reason="data_deleted")
    existing = _segments_of(ctx.session, dataset.id)
    _current(ctx, existing, _claims_on(ctx.session, ctx.workshop_id, {s.id for s in existing}),
             dataset)
    result = _result(ctx)
    if count(ctx, Segment) >= MAX_SEGMENTS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_SEGMENTS} segments")
    segment = Segment(id=new_id(), workshop_id=ctx.workshop_id, dataset_id=dataset.id,
                      name=data.name, rule=result["rules"]["new"], aggregates={},
                      created_seq=ctx.seq, updated_seq=ctx.seq)
    ctx.session.add(segment)
    ctx.session.flush()
    result["segments"][segment.id] = result["segments"].pop("new")
    result["sizing"] = profiling.renamed(result["sizing"], "new", segment.id)
    segments = [segment_view(s) for s in _apply_sizes(ctx, dataset, result)]
    full = {"segment": segment_view(segment), "sizing": dataset.summary["sizing"],
            "segments": [s for s in segments if s["id"] != segment.id]}
    return _outcome(ctx, "segment.defined", full, {
        "segment": visibility.segment_without_figures(full["segment"]), "sizing": None,
        "segments": _segments_public(full["segments"])})


@op("segment.change", payload=SegmentChange, roles={FACILITATOR}, prepare=prepare_segment)
def segment_change(ctx: OpContext, data: SegmentChange) -> Outcome:
    """Rename a segment or change its rule (re-sized, and its claims re-checked)."""
    segment = _segment(ctx, data.id)
    if data.name is None and data.rule is None:
        raise ServiceError("invalid", "nothing to change")
    previous = {"name": segment.name, "rule": segment.rule}
    if data.name is not None:
        segment.name = data.name
    claims: list[dict] = []
    segments: list[dict] = []
    sizing = None
    if data.rule is not None:
        dataset = _dataset(ctx, segment.dataset_id)
        existing = _segments_of(ctx.session, dataset.id)
        tied = _claims_on(ctx.session, ctx.workshop_id, {s.id for s in existing})
        _current(ctx, existing, tied, dataset)
        result = _result(ctx)
        segment.rule = result["rules"][segment.id]
        segments = [segment_view(s) for s in _apply_sizes(ctx, dataset, result)]
        claims = _apply_checks(ctx, [c for c, _ in tied], result["checks"])
        sizing = dataset.summary["sizing"]
    segment.updated_seq = ctx.seq
    view = segment_view(segment)
    full = {"segment": view, "previous": previous, "sizing": sizing,
            "segments": [s for s in segments if s["id"] != segment.id], "claims": claims}
    return _outcome(ctx, "segment.changed", full, {
        **full, "segment": visibility.segment_without_figures(view), "sizing": None,
        "segments": _segments_public(full["segments"]), "claims": _claims_public(claims)})


@op("segment.remove", payload=SegmentRemove, roles={FACILITATOR})
def segment_remove(ctx: OpContext, data: SegmentRemove) -> Outcome:
    """Remove a segment no persona stands for (its overlaps go with it)."""
    segment = _segment(ctx, data.id)
    tied = ctx.session.scalar(select(PersonaSegment.persona_id)
                              .where(PersonaSegment.segment_id == segment.id).limit(1))
    if tied is not None:
        raise ServiceError("conflict", "a persona stands for this segment: untie it first",
                           reason="segment_tied")
    outcome = {"id": segment.id, "previous": {"name": segment.name, "rule": segment.rule}}
    ctx.session.delete(segment)
    return Outcome("segment.removed", outcome)


# ---- personas and claims -----------------------------------------------------------------

@op("persona.tie", payload=PersonaTie, roles={FACILITATOR}, prepare=prepare_tie)
def persona_tie(ctx: OpContext, data: PersonaTie) -> Outcome:
    """Tie a persona to the segment it stands for (its claims re-checked), or untie it."""
    persona = persona_in_workshop(ctx, data.persona_id)
    tie = by_id_tie(ctx, persona.id)
    previous = tie.segment_id if tie else None
    claims = list(ctx.session.scalars(select(Claim).where(Claim.persona_id == persona.id)
                                      .order_by(Claim.created_seq)))
    if data.segment_id is None:
        if tie is not None:
            ctx.session.delete(tie)
        checks = {c.id: None for c in claims}
    else:
        segment = _segment(ctx, data.segment_id)
        _current(ctx, [segment], [(c, segment.id) for c in claims])
        result = _result(ctx)
        checks = result["checks"]
        if tie is None:
            tie = PersonaSegment(persona_id=persona.id, workshop_id=ctx.workshop_id,
                                 segment_id=segment.id, seq=ctx.seq)
            ctx.session.add(tie)
        else:
            tie.segment_id, tie.seq = segment.id, ctx.seq
    changed = _apply_checks(ctx, claims, checks)
    full = {"persona_id": persona.id, "segment_id": data.segment_id,
            "tie": tie_view(tie) if data.segment_id else None, "previous": previous,
            "claims": changed}
    return _outcome(ctx, "persona.tied", full, {**full, "claims": _claims_public(changed)})


def by_id_tie(ctx: OpContext, persona_id: str) -> PersonaSegment | None:
    """The persona's tie to a segment, if any."""
    return ctx.session.get(PersonaSegment, persona_id)


def _claim_target(ctx: OpContext, data: ClaimSet) -> tuple[str, str]:
    given = [v for v in (data.assumption_id, data.group_id, data.field) if v is not None]
    if len(given) != 1:
        raise ServiceError("invalid", "give one of assumption_id, group_id or field")
    if data.assumption_id is not None:
        note = by_id(ctx.session, Assumption, data.assumption_id)
        if note is None or note.workshop_id != ctx.workshop_id or note.hidden:
            raise ServiceError("not_found", "no such note in this workshop")
        if note.persona_id != data.persona_id:
            raise ServiceError("invalid", "persona_id: the note is on another persona")
        return "assumption", note.id
    if data.group_id is not None:
        group = by_id(ctx.session, AssumptionGroup, data.group_id)
        if group is None or group.workshop_id != ctx.workshop_id:
            raise ServiceError("not_found", "no such group in this workshop")
        if group.persona_id != data.persona_id:
            raise ServiceError("invalid", "persona_id: the group is on another persona")
        return "group", group.id
    return "field", data.field


@op("claim.set", payload=ClaimSet, roles={FACILITATOR}, prepare=prepare_claim)
def claim_set(ctx: OpContext, data: ClaimSet) -> Outcome:
    """Set a trait's claim about a column (replacing its earlier one) and check it."""
    persona = persona_in_workshop(ctx, data.persona_id)
    target_type, target_id = _claim_target(ctx, data)
    parsed = profiling.parse_claim(data.kind, data.column, data.text)
    if parsed is None:
        raise ServiceError("invalid", f"text: {data.text!r} is not a claim this column can "
                                      "check (e.g. \"35–45\", \"40s\", a value)",
                           reason="claim_unreadable")
    claim = ctx.session.scalar(select(Claim).where(
        Claim.workshop_id == ctx.workshop_id, Claim.persona_id == persona.id,
        Claim.target_type == target_type, Claim.target_id == target_id))
    previous = claim_view(claim) if claim else None
    if claim is None:
        if count(ctx, Claim) >= MAX_CLAIMS:
            raise ServiceError("limit", f"a workshop holds at most {MAX_CLAIMS} claims")
        claim = Claim(id=new_id(), workshop_id=ctx.workshop_id, persona_id=persona.id,
                      target_type=target_type, target_id=target_id, created_seq=ctx.seq)
        ctx.session.add(claim)
    claim.column, claim.claim, claim.updated_seq = data.column, parsed, ctx.seq
    claim.result = None
    tie = by_id_tie(ctx, persona.id)
    if tie is not None:
        others = list(ctx.session.scalars(select(Claim).where(
            Claim.persona_id == persona.id, Claim.id != claim.id)))
        if previous is not None:  # prepare checked the stored claims before this change
            others.append(_as_before(previous))
        _current(ctx, [_segment(ctx, tie.segment_id)], [(c, tie.segment_id) for c in others])
        claim.result = _result(ctx)["checks"].get("new")
    view = claim_view(claim)
    full = {"claim": view, "previous": previous}
    return _outcome(ctx, "claim.set", full, {
        "claim": visibility.claim_without_figures(view),
        "previous": visibility.claim_without_figures(previous) if previous else None})


def _as_before(view: dict) -> Claim:
    """The claim as prepare read it (id and updated_seq), for the freshness check."""
    return Claim(id=view["id"], updated_seq=view["updated_seq"])


@op("claim.clear", payload=ClaimClear, roles={FACILITATOR})
def claim_clear(ctx: OpContext, data: ClaimClear) -> Outcome:
    """Remove a trait's claim."""
    claim = by_id(ctx.session, Claim, data.id)
    if claim is None or claim.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such claim in this workshop")
    view = claim_view(claim)
    ctx.session.delete(claim)
    return _outcome(ctx, "claim.cleared", {"id": claim.id, "previous": view},
                    {"id": claim.id, "previous": visibility.claim_without_figures(view)})


@op("claims.recheck", payload=ClaimsRecheck, roles={FACILITATOR}, prepare=prepare_recheck)
def claims_recheck(ctx: OpContext, _data: ClaimsRecheck) -> Outcome:
    """Every claim of every tied persona checked again; deleted data keeps its last result."""
    ties = list(ctx.session.scalars(select(PersonaSegment).where(
        PersonaSegment.workshop_id == ctx.workshop_id)))
    segments = [_segment(ctx, tie.segment_id) for tie in ties]
    live = {s.id for s in segments
            if _dataset(ctx, s.dataset_id).content is not None}
    tied = _claims_on(ctx.session, ctx.workshop_id, live)
    _current(ctx, list({s.id: s for s in segments if s.id in live}.values()), tied)
    checks: dict = {}
    changes: list = []
    for result in ctx.prepared.get("results", []):
        checks.update(result["checks"])
        changes += result.get("changes", [])
    claims = _apply_checks(ctx, [c for c, _ in tied], checks)
    full = {"claims": claims, "changes": changes}
    return _outcome(ctx, "claims.rechecked", full,
                    {"claims": _claims_public(claims), "changes": []})

