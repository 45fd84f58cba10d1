"""events: research-note and grouping event types renamed (issue 26)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 13:30:00

Research-note events are `research_note.*`/`research_notes.imported` and the grouping and
reveal events of sticky notes `assumptions.*` (docs/protocol.md, Events). The stored log is
renamed here, so no running code ever reads a mix of old and new names.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None
# Written out, not imported: a migration must not change when the code does.
RENAMED = {"note.added": "research_note.added", "note.edited": "research_note.edited",
           "note.deleted": "research_note.deleted", "notes.imported": "research_notes.imported",
           "notes.grouped": "assumptions.grouped", "notes.ungrouped": "assumptions.ungrouped",
           "notes.revealed": "assumptions.revealed"}


def _rename(mapping: dict[str, str]) -> None:
    events = sa.table("events", sa.column("type", sa.String))
    op.execute(events.update().where(events.c.type.in_(list(mapping)))
               .values(type=sa.case(mapping, value=events.c.type)))


def upgrade() -> None:
    """Apply this revision."""
    _rename(RENAMED)


def downgrade() -> None:
    """Revert this revision."""
    _rename({new: old for old, new in RENAMED.items()})
