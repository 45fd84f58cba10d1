"""Who is in: the current links of a workshop, for its facilitators."""

from __future__ import annotations

from workshop.domain import permissions
from workshop.domain.tokens import make_token
from workshop.models import Workshop
from workshop.ops.membership import SECRET_FIELD
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError


def links(backend: Backend, workshop_id: str, viewer: dict) -> dict[str, str]:
    """The current link tokens of a workshop, for its facilitators only."""
    if viewer["role"] != permissions.FACILITATOR:
        raise ServiceError("forbidden", "only the facilitator sees the links")
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        return {role: make_token(workshop.id, getattr(workshop, field))
                for role, field in SECRET_FIELD.items()}
