"""research search: a text search configuration that highlights matches found through accents

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 15:00:00

PostgreSQL only. The search column indexes `workshop_unaccent(text)`, so "cafe" finds "Café",
but `ts_headline('simple', …)` on the original text cannot see that "Café" is "cafe" and marks
nothing. `workshop_search` parses like `simple` and strips accents first (the `unaccent`
dictionary filters into `simple`), so a headline over the original text marks "Café" for
"cafe" and still shows the accent. SQLite needs nothing: FTS5's remove_diacritics does it.
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# Every token type that can carry letters; the rest (numbers, URLs, …) stay as in `simple`.
_WORD_TYPES = ("asciiword, asciihword, hword_asciipart, word, hword, hword_part, "
               "numword, numhword, hword_numpart")


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TEXT SEARCH CONFIGURATION workshop_search (COPY = pg_catalog.simple)")
    op.execute(f"ALTER TEXT SEARCH CONFIGURATION workshop_search ALTER MAPPING FOR {_WORD_TYPES} "
               "WITH public.unaccent, pg_catalog.simple")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS workshop_search")
