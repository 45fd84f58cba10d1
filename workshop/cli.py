"""Commands: `flask --app workshop db-upgrade`, `seed-demo`."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app

from workshop import migrate
from workshop.services import demo


def _base_url() -> str:
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    host = os.environ.get("HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::"):  # listening everywhere; this machine reaches it locally
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('PORT', '5000')}"


@click.command("db-upgrade")
def db_upgrade_command() -> None:
    """Apply the Alembic migrations to the configured database."""
    backend = current_app.extensions["workshop"]
    migrate.upgrade(backend.db.url)
    click.echo("database is up to date")


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


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_upgrade_command)
    app.cli.add_command(seed_demo_command)
