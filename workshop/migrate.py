"""Schema migrations with Alembic, run from code so no alembic.ini is needed."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from workshop.config import ROOT

UPGRADE_COMMAND = "flask --app workshop db-upgrade"


class SchemaNotCurrent(Exception):
    """The database's schema is not the one this code serves; the message says what to do."""


@dataclass(frozen=True)
class Upgrade:
    """What `upgrade` did: the schema revision before (None: never migrated) and after."""

    before: str | None
    after: str | None

    def describe(self) -> str:
        """One line for the operator: what was migrated, or that nothing needed to be."""
        if self.before == self.after:
            return f"the database is already up to date (schema revision {self.after})"
        if self.before is None:
            return f"migrated the new database to schema revision {self.after}"
        return f"migrated the database from schema revision {self.before} to {self.after}"


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic configuration for the migrations/ folder and this database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The schema revision this code serves (the newest migration)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The database's schema revision, or None if it was never migrated."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> Upgrade:
    """Bring the database schema up to the given revision; returns what it did."""
    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    return Upgrade(before, current_revision(database_url))


def require_current(database_url: str) -> None:
    """Raise SchemaNotCurrent, with one line saying what to run, unless the schema is this
    code's: a server on a database that was never migrated answered 500s (issue 25)."""
    head = head_revision()
    found = current_revision(database_url)
    if found == head:
        return
    if found is None:
        raise SchemaNotCurrent(f"the database was never migrated: run `{UPGRADE_COMMAND}` "
                               f"(this code needs schema revision {head})")
    known = {script.revision for script in
             ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions()}
    if found in known:
        raise SchemaNotCurrent(f"the database is at schema revision {found}, this code needs "
                               f"{head}: run `{UPGRADE_COMMAND}`")
    raise SchemaNotCurrent(f"the database is at schema revision {found}, newer than this "
                           f"code's {head}: serve it with the version that migrated it")
