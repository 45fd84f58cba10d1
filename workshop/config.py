"""Settings read from the environment, with defaults that run the app locally."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"


def _default_database_url() -> str:
    """SQLite file under instance/, the embedded default."""
    return f"sqlite:///{INSTANCE_DIR / 'workshop.sqlite3'}"


def _secret_key() -> str:
    """The configured key, or one kept in instance/ so cookies survive a restart."""
    configured = os.environ.get("WORKSHOP_SECRET_KEY")
    if configured:
        return configured
    key_file = INSTANCE_DIR / "secret_key"
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg2, which waits for the database through eventlet
    when serving under it (see db._green_psycopg2); a driver named in the URL is kept."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


@dataclass
class Config:
    """Everything the app factory needs; tests build one directly."""

    database_url: str = field(default_factory=_default_database_url)
    secret_key: str = field(default_factory=_secret_key)
    message_queue: str | None = None
    # Redis pub/sub channels are global to a Redis server (not per database number), so
    # deployments (or test runs) sharing one Redis need channels of their own.
    message_queue_channel: str = "flask-socketio"
    allowed_origins: list[str] | None = None
    async_mode: str | None = None
    public_url: str | None = None
    op_rate: str | None = None
    # At most one `presence` signal per workshop per this many seconds (0: one per change).
    presence_interval: float = 0.25
    # PostgreSQL: prepare the op path's statements on the server, once per connection. Off
    # behind a pooler that hands a session's statements to other clients (PgBouncer in
    # transaction mode): see docs/deploy.md.
    prepared_statements: bool = True
    # Worker processes for heavy work (PDFs, imports; workshop/offload.py); None: cores - 1.
    offload_workers: int | None = None
    testing: bool = False

    @classmethod
    def from_env(cls) -> Config:
        """Build the settings from WORKSHOP_* variables."""
        origins = os.environ.get("WORKSHOP_ALLOWED_ORIGINS")
        return cls(
            database_url=normalise_database_url(
                os.environ.get("WORKSHOP_DATABASE_URL") or _default_database_url()
            ),
            secret_key=_secret_key(),
            message_queue=os.environ.get("WORKSHOP_MESSAGE_QUEUE") or None,
            message_queue_channel=(os.environ.get("WORKSHOP_MESSAGE_QUEUE_CHANNEL")
                                   or "flask-socketio"),
            allowed_origins=[o.strip() for o in origins.split(",")] if origins else None,
            async_mode=os.environ.get("WORKSHOP_ASYNC_MODE") or None,
            public_url=os.environ.get("WORKSHOP_PUBLIC_URL") or None,
            op_rate=os.environ.get("WORKSHOP_OP_RATE") or None,
            presence_interval=float(os.environ.get("WORKSHOP_PRESENCE_INTERVAL") or 0.25),
            prepared_statements=os.environ.get("WORKSHOP_PREPARED_STATEMENTS", "on").lower()
            not in ("0", "off", "false", "no"),
            offload_workers=int(os.environ.get("WORKSHOP_OFFLOAD_WORKERS") or 0) or None,
        )
