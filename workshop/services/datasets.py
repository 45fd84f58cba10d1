"""Importing customer data exports: the mapping step, the import, and the command line's way in.

The file is read in the worker pool twice: once to inspect it (kinds, suggested roles, a
masked preview, and whether it refreshes a dataset already here), and once, with the roles
the facilitator set, by the `dataset.import` op's `prepare`, which stores it in one step.
Nothing is kept between the two: an inspected file is not stored anywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

from pydantic import StringConstraints
from sqlalchemy import func, select

from workshop.domain.export import segments_format
from workshop.domain.permissions import FACILITATOR
from workshop.domain.profiles.segments import rule_problems
from workshop.models import Dataset, Participant, Segment
from workshop.ops.apply import apply_op
from workshop.ops.catalogue import OPS
from workshop.ops.profiles import MAX_FILE_BASE64, MAX_SEGMENTS, SegmentDefine
from workshop.services import profiling, uploads
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.schemas import IsoDate, Payload, parse
from workshop.services.workshops import find_member

# A request that brings a file (POST …/datasets and …/datasets/inspect): a customer data
# export of 100,000+ rows is tens of MB, and base64 adds a third.
UPLOAD_MAX_BYTES = 100 * 1024 * 1024
CONTENT = "content_base64"


class InspectRequest(Payload):
    """Body of POST /api/workshops/<id>/datasets/inspect (the file: `content_base64`, or the
    request's attachment)."""

    content_base64: Annotated[str, StringConstraints(
        min_length=1, max_length=MAX_FILE_BASE64)] | None = None
    as_of: IsoDate | None = None


def _importer(backend: Backend, workshop_id: str, actor_id: str | None,
              counted: bool = True) -> dict:
    """The member, if they may import data (and, `counted`, are not sending too fast)."""
    member = find_member(backend, workshop_id, actor_id)
    if member is None:
        raise ServiceError("unauthenticated", "join this workshop through its link first")
    if not OPS.may_send(member["role"], "dataset.import"):
        raise ServiceError("forbidden", f"{member['role']}s may not import data")
    if counted and not backend.rate_limiter.allow(actor_id):
        raise ServiceError("rate_limited", "too many imports at once: wait a moment and try "
                                           "again")
    return member


def inspect(backend: Backend, workshop_id: str, actor_id: str | None, raw: object,
            content: Path | None = None) -> dict:
    """The mapping step for a file: kinds, suggested roles, a masked preview, problems, and
    the dataset it would refresh (same header), whose roles it then suggests. The file is
    `content` on disk, or `raw`'s `content_base64`."""
    body = parse(InspectRequest, raw)
    _importer(backend, workshop_id, actor_id)
    source = content if content is not None else body.content_base64
    if source is None:
        raise ServiceError("invalid", f"{CONTENT}: Field required")
    inspection = backend.offload.run(profiling.inspected, source, body.as_of, owner=actor_id)
    if inspection is None:
        raise ServiceError("invalid", "content_base64: not valid base64")
    refresh = None
    with backend.db.reading() as session:
        previous = session.scalars(select(Dataset).where(
            Dataset.workshop_id == workshop_id,
            Dataset.header_fingerprint == inspection["fingerprint"],
            Dataset.content.is_not(None)).order_by(Dataset.created_seq.desc())).first()
        if previous is not None:
            refresh = {"id": previous.id, "name": previous.name, "source": previous.source,
                       "as_of": previous.as_of, "unit": previous.unit,
                       "roles": {c["name"]: c["role"] for c in previous.mapping}}
    return {"ok": inspection["ok"], "inspection": inspection, "refresh": refresh}


def import_dataset(backend: Backend, workshop_id: str, actor_id: str | None,
                   raw: object, content: Path | None = None) -> dict:
    """Import a file with its roles as one `dataset.import` op; the ack, or why not (with
    the file's problems: row, column, why). The file is `content` on disk, or `raw`'s
    `content_base64`."""
    if not isinstance(raw, dict):
        raise ServiceError("invalid", "the body must be a JSON object")
    _importer(backend, workshop_id, actor_id)
    data = {key: value for key, value in raw.items() if key != "op_id"}
    op_id = raw.get("op_id") or uuid.uuid4().hex
    return apply_op(backend, workshop_id, actor_id,
                    {"op_id": op_id, "type": "dataset.import", "data": data},
                    attachment=content)


@contextmanager
def _uploaded(backend: Backend, workshop_id: str, actor_id: str | None,
              stream: BinaryIO) -> Iterator[uploads.Unpacked]:
    """A request body still on its way in, taken to disk and unpacked by a worker, so the
    hub never parses tens of MB (services/uploads.py); only for someone who may import."""
    _importer(backend, workshop_id, actor_id, counted=False)  # before writing to disk
    with uploads.unpacked(backend.offload, stream, UPLOAD_MAX_BYTES, CONTENT,
                          owner=actor_id) as upload:
        yield upload


def inspect_upload(backend: Backend, workshop_id: str, actor_id: str | None,
                   stream: BinaryIO) -> dict:
    """`inspect` for a request body still on its way in."""
    with _uploaded(backend, workshop_id, actor_id, stream) as upload:
        return inspect(backend, workshop_id, actor_id, upload.fields, upload.content)


def import_upload(backend: Backend, workshop_id: str, actor_id: str | None,
                  stream: BinaryIO) -> dict:
    """`import_dataset` for a request body still on its way in."""
    with _uploaded(backend, workshop_id, actor_id, stream) as upload:
        return import_dataset(backend, workshop_id, actor_id, upload.fields, upload.content)


def command_line_importer(backend: Backend, workshop_id: str) -> str:
    """The participant a command-line import is recorded as: the workshop's first
    facilitator (someone must have joined through the facilitator link)."""
    with backend.db.reading() as session:
        found = session.scalar(select(Participant.id).where(
            Participant.workshop_id == workshop_id, Participant.role == FACILITATOR,
            Participant.removed.is_(False)).order_by(Participant.joined_seq).limit(1))
    if found is None:
        raise ServiceError("not_found", "no facilitator has joined this workshop: open its "
                                        "facilitator link once, then import")
    return found


def _payload_problems(dataset_id: str, definition: dict) -> list[dict]:
    """What segment.define's payload check would refuse in a definition (its name, say)."""
    try:
        parse(SegmentDefine, {"dataset_id": dataset_id, **definition})
    except ServiceError as error:
        return [{"row": None, "column": None, "code": "invalid", "reason": error.message}]
    return []


def import_segments(backend: Backend, workshop_id: str, actor_id: str | None, dataset_id: str,
                    raw: object) -> dict:
    """Define the segments of an exported definitions file on a dataset (a newer export, say),
    one `segment.define` op each. A rule or name that cannot work on this dataset refuses
    the whole file first (`details.problems`: segment number, name, code, why); an op
    refused later (the limit, data deleted meanwhile) stops there and says which."""
    member = find_member(backend, workshop_id, actor_id)
    if member is None:
        raise ServiceError("unauthenticated", "join this workshop through its link first")
    if not OPS.may_send(member["role"], "segment.define"):
        raise ServiceError("forbidden", f"{member['role']}s may not define segments")
    try:
        wanted = segments_format.read_definitions(raw)
    except ValueError as error:
        raise ServiceError("invalid", f"definitions: {error}") from None
    # Every rule is checked against the dataset's columns before any is defined, so a file
    # written for other columns stores nothing and says which segment fails and why.
    with backend.db.reading() as session:
        dataset = session.get(Dataset, dataset_id)
        if dataset is None or dataset.workshop_id != workshop_id:
            raise ServiceError("not_found", "no such dataset in this workshop")
        if dataset.content is None:
            raise ServiceError("conflict", "this dataset's data was deleted: import it again",
                               reason="data_deleted")
        columns = list(dataset.mapping)
        room = MAX_SEGMENTS - session.scalar(select(func.count()).select_from(Segment).where(
            Segment.workshop_id == workshop_id))
    if len(wanted) > room:
        raise ServiceError("limit", f"a workshop holds at most {MAX_SEGMENTS} segments: "
                                    f"room for {max(room, 0)} more, the file has {len(wanted)}")
    problems = [{**found, "segment": number, "name": definition["name"]}
                for number, definition in enumerate(wanted, 1)
                for found in (_payload_problems(dataset_id, definition)
                              or rule_problems(definition["rule"], columns))]
    if problems:
        first = problems[0]
        return {"ok": False, "defined": [], "error": {
            "code": "invalid", "details": {"problems": problems},
            "message": f"nothing was defined: segment {first['segment']} "
                       f"(“{first['name']}”): {first['reason']}"
                       + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")}}
    defined = []
    for definition in wanted:
        ack = apply_op(backend, workshop_id, actor_id, {
            "op_id": uuid.uuid4().hex, "type": "segment.define",
            "data": {"dataset_id": dataset_id, **definition}})
        if not ack["ok"]:
            error = ack["error"]
            return {"ok": False, "defined": defined,
                    "error": {**error, "message": f"segment “{definition['name']}”: "
                                                  f"{error['message']}"}}
        defined.append(ack["event"]["data"]["segment"]["id"])
    return {"ok": True, "defined": defined}
