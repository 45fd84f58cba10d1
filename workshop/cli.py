"""Commands: `flask --app workshop db-upgrade`, `seed-demo`, `backup`, `restore`, `export`,
`reviews`, `dataset import`."""

from __future__ import annotations

import os
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext

from workshop import backup, demo, migrate
from workshop.domain.export import formats


def _base_url() -> str:
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    host = os.environ.get("HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::"):  # listening everywhere; this machine reaches it locally
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('PORT', '5000')}"


@click.command("db-upgrade")
@with_appcontext
def db_upgrade_command() -> None:
    """Apply the Alembic migrations to the configured database; say what that did."""
    backend = current_app.extensions["workshop"]
    click.echo(migrate.upgrade(backend.db.url).describe())


@click.command("seed-demo")
@click.option("--fresh", is_flag=True, help="Create a new demo even if one exists.")
def seed_demo_command(fresh: bool) -> None:
    """Create the demo workshop (once) and print its facilitator link."""
    backend = current_app.extensions["workshop"]
    token = None if fresh else demo.find_demo(backend)
    if token is None:
        token = demo.seed_demo(backend)
        click.echo("created the demo workshop")
    click.echo(f"Demo facilitator link: {_base_url()}/join/{token}")


@click.command("backup")
@click.argument("path", required=False, type=click.Path())
@with_appcontext
def backup_command(path: str | None) -> None:
    """Copy the SQLite database to PATH, safely while the server runs.

    PATH defaults to instance/backups/workshop-<UTC time>.sqlite3; a folder (existing, or
    ending in /) gets that name inside it. For PostgreSQL it prints the pg_dump command to
    run instead.
    """
    database = current_app.extensions["workshop"].db
    name = backup.default_backup_name(".sqlite3" if database.is_sqlite else ".dump")
    if path is None:
        target = Path(current_app.instance_path) / "backups" / name
    elif path.endswith(("/", os.sep)) or Path(path).is_dir():
        target = Path(path) / name
    else:
        target = Path(path)
    try:
        result = backup.backup_sqlite(database.url, target)
    except (backup.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up the database to {result.path} ({result.size:,} bytes, "
               f"schema revision {result.revision})")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH; refused while a server runs.

    For PostgreSQL it prints the pg_restore command to run instead.
    """
    database = current_app.extensions["workshop"].db
    try:
        target = backup.sqlite_file(database.url)
        if target is not None and target.exists():
            backup.refuse_while_served(target)  # before asking, not after
        if target is not None and target.exists() and not yes:
            click.confirm(f"Replace the database {target} with the backup {path}? Everything "
                          "written since that backup is lost. Stop the server first.",
                          abort=True)
        result = backup.restore_sqlite(path, database.url, force=True)
    except (backup.BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    database.dispose()
    click.echo(f"Restored {path} into {result.path} ({result.size:,} bytes, "
               f"schema revision {result.revision})")
    if result.removed:
        click.echo("Removed the old database's leftover "
                   + ", ".join(side.name for side in result.removed))
    note = _schema_note(database.url, result.revision)
    if note:
        click.echo(note)
    click.echo("Restart the server so it serves the restored database.")


def _schema_note(url: str, revision: str) -> str | None:
    """What to do when a restored database's schema is not this code's."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config(url))
    head = scripts.get_current_head()
    if revision == head:
        return None
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        return (f"The backup's schema revision {revision} is newer than this code's ({head}): "
                "serve it with the version of Persona Workshop that wrote it.")
    return (f"The backup's schema revision {revision} is older than this code's ({head}): run "
            "`flask --app workshop db-upgrade` before starting the server.")


# The command line reads like a facilitator who sees no one's private notes.
CLI_VIEWER = {"id": None, "name": "command line", "team": "", "role": "facilitator"}


def export_command() -> click.Command:
    """`export`, its `--format` choices read from the registry of export formats (made when
    the app is, so a format registered there is offered here too)."""
    persona_formats = [fmt.extension for fmt in formats.of_scope(formats.PERSONA)]
    workshop_formats = [fmt.extension for fmt in formats.of_scope(formats.WORKSHOP)]

    @click.command("export")
    @click.argument("workshop_id")
    @click.option("--persona", "persona", default=None,
                  help="Persona id or name (default: the workshop's first persona).")
    @click.option("--format", "fmt", type=click.Choice(persona_formats + workshop_formats),
                  default=persona_formats[0], show_default=True,
                  help=f"{', '.join(workshop_formats)}: every assumption of the workshop "
                       "instead of a persona.")
    @click.option("--version", "number", type=int, default=None,
                  help="A version number (default: the current version, or a draft).")
    @click.option("--output", "-o", default=None,
                  help="File to write (default: a name like anouk-v2.md here; - for stdout).")
    @with_appcontext
    def command(workshop_id: str, persona: str | None, fmt: str, number: int | None,
                output: str | None) -> None:
        """Export a persona, or every assumption of the workshop, as a file."""
        _export(workshop_id, persona, fmt, number, output,
                workshop_format=fmt in workshop_formats)

    return command


def _export(workshop_id: str, persona: str | None, fmt: str, number: int | None,
            output: str | None, *, workshop_format: bool) -> None:
    """Write one export to a file or to stdout, as the API would hand it out."""
    from workshop.reads.snapshot import snapshot
    from workshop.services import exports
    from workshop.services.errors import ServiceError

    backend = current_app.extensions["workshop"]
    try:
        if workshop_format:
            result = exports.export_assumptions(backend, workshop_id, CLI_VIEWER, fmt)
        else:
            personas = snapshot(backend, workshop_id, CLI_VIEWER)["personas"]
            chosen = next((p for p in personas if persona in (None, p["id"], p["name"])), None)
            if chosen is None:
                raise click.ClickException(f"no persona {persona!r} in this workshop; there "
                                           f"are: {', '.join(p['name'] for p in personas)}")
            result = exports.export_persona(backend, workshop_id, CLI_VIEWER, chosen["id"],
                                            fmt, number)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    if output == "-":
        click.echo(result.content, nl=False)  # bytes go to the binary stream as they are
        return
    target = Path(output or result.filename)
    target.write_bytes(result.content)
    click.echo(f"Wrote {target} ({len(result.content):,} bytes)", err=True)


# `reviews --due` exits with this when something is due (0: nothing is), so a scheduled job
# can act on it; 1 and 2 stay click's own (an error, a usage mistake).
SOMETHING_DUE = 3


@click.command("reviews")
@click.option("--due", is_flag=True,
              help="Only the versions due for review today, each recorded once as a "
                   "review.due event; exit status 3 when any is due, 0 when none is.")
@click.option("--on", "on", default=None, metavar="YYYY-MM-DD",
              help="Take this day as today (default: today in UTC).")
@with_appcontext
def reviews_command(due: bool, on: str | None) -> None:
    """List agreed personas by review date: one tab-separated line per persona version."""
    from datetime import date

    from workshop.services import reviews

    backend = current_app.extensions["workshop"]
    try:
        day = date.fromisoformat(on) if on else reviews.today()
    except ValueError:
        raise click.BadParameter("not a calendar date (YYYY-MM-DD)", param_hint="--on") \
            from None
    rows = reviews.due(backend, day) if due else reviews.agreed(backend, day)
    for row in rows:
        state = ("due, new" if row.recorded else "due") if row.due else "not due"
        click.echo("\t".join((row.review_by, state, row.workshop_id, row.workshop_title,
                              row.persona_name, f"v{row.number}",
                              f"{row.stale_traits} stale")))
    if due:
        click.echo(f"{len(rows)} due for review on {day.isoformat()}", err=True)
        if rows:
            raise SystemExit(SOMETHING_DUE)


@click.group("dataset")
def dataset_group() -> None:
    """Customer data exports (profiles): import a CSV into a workshop."""


@dataset_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workshop", "workshop_id", required=True, help="The workshop's id.")
@click.option("--name", required=True, help="What the dataset is called on the page.")
@click.option("--as-of", "as_of", required=True, help="The export's date, YYYY-MM-DD.")
@click.option("--unit", type=click.Choice(["customer", "account", "visitor"]),
              default="customer", show_default=True, help="What one row is.")
@click.option("--source", default="", help="Where it came from, e.g. \"CRM export\".")
@click.option("--role", "roles", multiple=True, metavar="COLUMN=ROLE",
              help="attribute, sensitive or dropped; repeat per column.")
@click.option("--accept-defaults", is_flag=True,
              help="Give every column not named by --role its suggested role.")
@with_appcontext
def dataset_import_command(file: Path, workshop_id: str, name: str, as_of: str, unit: str,
                           source: str, roles: tuple[str, ...], accept_defaults: bool) -> None:
    """Import FILE (a CSV export) as one step; bad files are reported row by row."""
    from workshop.services import datasets
    from workshop.services.errors import ServiceError

    backend = current_app.extensions["workshop"]
    given = {}
    for pair in roles:
        column, _, role = pair.rpartition("=")
        if not column or role not in ("attribute", "sensitive", "dropped"):
            raise click.UsageError(f"--role {pair!r}: write COLUMN=attribute|sensitive|dropped")
        given[column] = role
    try:
        actor = datasets.command_line_importer(backend, workshop_id)
        # The workers read FILE where it is: no base64 on the way.
        inspection = datasets.inspect(backend, workshop_id, actor, {"as_of": as_of},
                                      content=file.resolve())
        report = inspection["inspection"]
        if not inspection["ok"]:
            _problems(report["problems"])
        if not accept_defaults:
            unnamed = [c["name"] for c in report["columns"] if c["name"] not in given]
            if unnamed:
                for column in report["columns"]:
                    click.echo(f"  {column['name']}: {column['kind']}, suggested "
                               f"{column['suggested_role']} ({column['reason']})", err=True)
                raise click.UsageError("give every column a --role, or --accept-defaults")
        refresh = inspection["refresh"]
        body = {"name": name, "source": source, "as_of": as_of, "unit": unit,
                "filename": file.name, "roles": given or None}
        if refresh:
            body["replaces"] = refresh["id"]
            click.echo(f"Refreshes {refresh['name']} (as of {refresh['as_of']}): its "
                       "mapping is re-used and every claim re-checked", err=True)
        ack = datasets.import_dataset(backend, workshop_id, actor, body, content=file.resolve())
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    if not ack["ok"]:
        _problems(ack["error"].get("details", {}).get("problems", []), ack["error"]["message"])
    data = ack["event"]["data"]
    kept = [c["name"] for c in data["dataset"]["mapping"] if c["role"] != "dropped"]
    click.echo(f"Imported {data['dataset']['row_count']:,} rows as {name!r} "
               f"(id {data['dataset']['id']}); kept {len(kept)} columns: {', '.join(kept)}")
    for change in data["changes"]:
        click.echo(f"  changed: {change['sentence']}")


def _problems(problems: list[dict], message: str = "the file cannot be imported") -> None:
    """Stop with each problem on its own line: row, column, why."""
    for problem in problems:
        where = ", ".join(part for part in (
            f"row {problem['row']}" if problem["row"] else "", problem["column"] or "") if part)
        click.echo(f"  {where or 'file'}: {problem['reason']}", err=True)
    raise click.ClickException(f"nothing was imported: {message}")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_upgrade_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(export_command())
    app.cli.add_command(reviews_command)
    app.cli.add_command(dataset_group)
