"""Schema migrations with Alembic, run from code so no alembic.ini is needed."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig

from workshop.config import ROOT


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic configuration for the migrations/ folder and this database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to the given revision."""
    command.upgrade(alembic_config(database_url), revision)
