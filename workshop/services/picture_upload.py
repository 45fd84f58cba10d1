"""Uploading a persona picture: checked and shrunk (services/pictures), then set by an op."""

from __future__ import annotations

from workshop.ops.apply import apply_op
from workshop.services.errors import ServiceError
from workshop.services.pictures import MAX_UPLOAD_BASE64, TOO_LARGE, prepare_upload
from workshop.services.schemas import PictureUpload, parse
from workshop.services.workshops import find_member


def upload(backend, workshop_id: str, actor_id: str | None, persona_id: str, raw: object) -> dict:
    """Check and shrink an uploaded picture, then set it by `document.picture` (the ack)."""
    content = raw.get("content_base64") if isinstance(raw, dict) else None
    if isinstance(content, str) and len(content) > MAX_UPLOAD_BASE64:
        # Said before the schema's looser length check, so every oversized image gets
        # the same answer, whatever its size up to the request limit.
        raise ServiceError("too_large", TOO_LARGE)
    body = parse(PictureUpload, raw)
    if find_member(backend, workshop_id, actor_id) is None:  # before any decoding work
        raise ServiceError("unauthenticated", "join this workshop through its link first")
    # Decoding up to 40 megapixels and re-encoding takes long: in a worker, off the hub.
    picture = backend.offload.run(prepare_upload, body.content_base64, owner=actor_id)
    return apply_op(backend, workshop_id, actor_id, {
        "op_id": body.op_id, "type": "document.picture",
        "data": {"persona_id": persona_id, "picture": picture, "base_rev": body.base_rev,
                 "reopen": body.reopen}})
