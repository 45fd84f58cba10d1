"""Every op area in one list: the registry that dispatch, roles and the OpenAPI document read.

Each area module registers its ops with `@op(...)` as it is imported; importing them here, at
start-up, is what makes every op type known before the first op arrives. A new area is one
more line below (docs/adding-an-op.md).
"""

from __future__ import annotations

from workshop.ops import (
    backlog,
    board,
    documents,
    facilitation,
    membership,
    profiles,
    progress,
    reach,
    reconcile,
    research,
    review,
    usage,
    voting,
)
from workshop.ops.registry import Registry

# In this order in the OpenAPI document and docs/protocol.md.
OPS = Registry(board.AREA, voting.AREA, facilitation.AREA, reconcile.AREA, membership.AREA,
               research.AREA, documents.AREA, reach.AREA, review.AREA, usage.AREA,
               backlog.AREA, progress.AREA,
               profiles.AREA)
