"""persona usages (the decision register) and research questions (issue 28)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persona_usages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workshop_id", sa.String(16),
                  sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("persona_id", sa.String(32),
                  sa.ForeignKey("personas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("link", sa.String(2000), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("team", sa.String(60), nullable=False),
        sa.Column("traits", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.String(32), sa.ForeignKey("participants.id"),
                  nullable=False),
        sa.Column("created_seq", sa.Integer(), nullable=False),
        sa.Column("updated_seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_persona_usages_persona", "persona_usages",
                    ["workshop_id", "persona_id"])
    op.create_table(
        "research_questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("workshop_id", sa.String(16),
                  sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("persona_id", sa.String(32),
                  sa.ForeignKey("personas.id", ondelete="CASCADE"), nullable=False),
        sa.Column("trait", sa.String(40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("method", sa.String(200), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("closed_by", sa.String(32), nullable=True),
        sa.Column("created_seq", sa.Integer(), nullable=False),
        sa.Column("updated_seq", sa.Integer(), nullable=False),
    )
    op.create_index("ix_research_questions_persona", "research_questions",
                    ["workshop_id", "persona_id"])


def downgrade() -> None:
    op.drop_index("ix_research_questions_persona", table_name="research_questions")
    op.drop_table("research_questions")
    op.drop_index("ix_persona_usages_persona", table_name="persona_usages")
    op.drop_table("persona_usages")
