"""research notes, evidence links and their full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:40:00

Search is each database's own: an FTS5 table kept current by triggers on SQLite, and a
generated tsvector column with a GIN index on PostgreSQL ('simple' configuration: notes are
written in English and Dutch alike, so no language's stemming is assumed).
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE research_notes_fts USING fts5(
           note_id UNINDEXED, workshop_id UNINDEXED, title, body, tags,
           tokenize = 'unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER research_notes_ai AFTER INSERT ON research_notes BEGIN
           INSERT INTO research_notes_fts (note_id, workshop_id, title, body, tags)
           VALUES (new.id, new.workshop_id, new.title, new.body, new.tags_text);
       END""",
    """CREATE TRIGGER research_notes_au AFTER UPDATE ON research_notes BEGIN
           DELETE FROM research_notes_fts WHERE note_id = old.id;
           INSERT INTO research_notes_fts (note_id, workshop_id, title, body, tags)
           VALUES (new.id, new.workshop_id, new.title, new.body, new.tags_text);
       END""",
    """CREATE TRIGGER research_notes_ad AFTER DELETE ON research_notes BEGIN
           DELETE FROM research_notes_fts WHERE note_id = old.id;
       END""",
]

_POSTGRES_FTS = [
    # unaccent is a trusted extension (PostgreSQL 13+): a database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() itself is only STABLE; with its dictionary named it is safe to declare
    # IMMUTABLE, which a generated column needs ("café" then matches "cafe", as on SQLite).
    """CREATE OR REPLACE FUNCTION workshop_unaccent(text) RETURNS text
           LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
           AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """ALTER TABLE research_notes ADD COLUMN search tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('simple', workshop_unaccent(coalesce(title, ''))), 'A') ||
           setweight(to_tsvector('simple', workshop_unaccent(coalesce(tags_text, ''))), 'B') ||
           setweight(to_tsvector('simple', workshop_unaccent(coalesce(body, ''))), 'C')) STORED""",
    "CREATE INDEX ix_research_notes_search ON research_notes USING gin (search)",
]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('research_notes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('tags_text', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.String(length=32), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.Column('updated_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('research_notes', schema=None) as batch_op:
        batch_op.create_index('ix_research_notes_workshop', ['workshop_id', 'created_seq'],
                              unique=False)

    op.create_table('evidence_links',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.String(length=16), nullable=False),
    sa.Column('note_id', sa.String(length=32), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('target_id', sa.String(length=32), nullable=False),
    sa.Column('relation', sa.String(length=12), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('author_id', sa.String(length=32), nullable=False),
    sa.Column('created_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['note_id'], ['research_notes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_links_target', ['workshop_id', 'target_id'],
                              unique=False)

    statements = _SQLITE_FTS if op.get_bind().dialect.name == "sqlite" else _POSTGRES_FTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE research_notes_fts")  # its triggers go with research_notes
    else:
        op.execute("DROP FUNCTION IF EXISTS workshop_unaccent(text) CASCADE")
    op.drop_table('evidence_links')
    op.drop_table('research_notes')
