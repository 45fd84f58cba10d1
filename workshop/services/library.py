"""Filling the research library beyond single ops: file imports and the Markdown preview."""

from __future__ import annotations

import base64
import binascii

from workshop.domain.research_import import ImportPlan, plan_import
from workshop.ops.apply import apply_op
from workshop.ops.catalogue import OPS
from workshop.ops.research import RENDER_ELSEWHERE_CHARS
from workshop.rendering import render_markdown
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.schemas import ImportRequest, Preview, parse
from workshop.services.workshops import find_member

NOTE_FIELDS = ("title", "source_type", "body", "tags", "date", "respondents")


def preview(backend: Backend, raw: object, viewer_id: str | None = None) -> dict:
    """Markdown rendered exactly as the library will show it (for the editor's preview).

    A long text is rendered in a worker process, as a note op with it would be.
    """
    body = parse(Preview, raw)
    if len(body.body) > RENDER_ELSEWHERE_CHARS:
        return {"html": backend.offload.run(render_markdown, body.body, owner=viewer_id)}
    return {"html": render_markdown(body.body)}


def planned(files: list[tuple[str, str]], csv_mode: str, defaults: dict) -> ImportPlan:
    """The plan for (name, base64 content) files; runs in a worker process (workshop/offload.py)."""
    decoded = []
    for name, content_base64 in files:
        try:
            decoded.append((name, base64.b64decode(content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise ServiceError("invalid", f"files: {name} is not valid base64") from None
    return plan_import(decoded, csv_mode=csv_mode, defaults=defaults)


def _problems_message(plan: ImportPlan) -> str:
    """Why nothing was imported, naming the first problem's file."""
    count = len(plan.problems)
    first = plan.problems[0]
    return (f"nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first "
            f"({first.source}: {first.message}{'; …' if count > 1 else ''})")


def import_notes(backend: Backend, workshop_id: str, actor_id: str | None, raw: object) -> dict:
    """Plan an import from files; unless a dry run, apply it as one op (all or nothing).

    The answer always carries the plan (notes and problems) so the page can preview it.
    Reading files is heavy work: every import, a dry run too, counts against the member's
    op rate limit, and the files are read in a worker process, never on the serving hub.
    """
    body = parse(ImportRequest, raw)
    member = find_member(backend, workshop_id, actor_id)
    if member is None:
        raise ServiceError("unauthenticated", "join this workshop through its link first")
    if not OPS.may_send(member["role"], "research_notes.import"):
        raise ServiceError("forbidden", f"{member['role']}s may not import research notes")
    if not backend.rate_limiter.allow(actor_id):
        raise ServiceError("rate_limited", "too many imports at once: wait a moment and try "
                                           "again")
    defaults = body.defaults.model_dump(exclude_none=True)
    plan = backend.offload.run(planned, [(f.name, f.content_base64) for f in body.files],
                               body.csv_mode, defaults, owner=actor_id)
    answer = {"ok": plan.ok, "plan": plan.as_dict(), "imported": 0}
    if not plan.ok:
        answer["error"] = {"code": "invalid", "message": _problems_message(plan)}
        return answer
    if not plan.notes:
        raise ServiceError("invalid", "files: no notes found in these files")
    if body.dry_run:
        return answer
    if not body.op_id:
        raise ServiceError("invalid", "op_id: an import needs an op id (retries apply once)")
    ack = apply_op(backend, workshop_id, actor_id, {
        "op_id": body.op_id, "type": "research_notes.import",
        "data": {"notes": [_op_note(draft.as_dict()) for draft in plan.notes]}})
    if not ack["ok"]:
        # The plan was fine but writing it was refused (a limit, a rule the planner does not
        # know): the op is one transaction, so nothing of it was stored.
        error = ack["error"]
        return {**answer, "ok": False,
                "error": {**error, "message": f"nothing was imported: {error['message']}"}}
    return {**answer, "seq": ack["seq"], "imported": len(ack["event"]["data"]["notes"])}


def _op_note(draft: dict) -> dict:
    """A planned note in the shape of research_note.add (empty optional fields left out)."""
    return {key: value for key, value in draft.items()
            if value is not None and key in NOTE_FIELDS}
