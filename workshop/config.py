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


def _number(name: str, default: float) -> float:
    """A numeric setting from the environment; unset or empty means the default."""
    value = os.environ.get(name)
    return float(value) if value else default


def _flag(name: str, default: bool) -> bool:
    """An on/off setting from the environment; unset or empty means the default."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    return value not in ("0", "off", "false", "no")


@dataclass(frozen=True)
class ServingLimits:
    """How many connections one server process holds, and how long a request may take to
    arrive; docs/deploy.md says what the reverse proxy adds in front of them."""

    # Open client connections at once (eventlet's own default is 1,024). Each participant
    # holds one WebSocket; the file-descriptor limit is raised to match at start-up.
    max_connections: int = 10_000
    # Seconds from the start of a request (or of a keep-alive connection's wait for its
    # next one) until its request line and headers must have arrived; then it is closed.
    header_timeout: float = 10.0

    @classmethod
    def from_env(cls) -> ServingLimits:
        """Read WORKSHOP_MAX_CONNECTIONS and WORKSHOP_HEADER_TIMEOUT."""
        return cls(max_connections=int(_number("WORKSHOP_MAX_CONNECTIONS",
                                               cls.max_connections)),
                   header_timeout=_number("WORKSHOP_HEADER_TIMEOUT", cls.header_timeout))


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
    # Joins per client address and per workshop, signals per participant (the `limits`
    # notation; None: the defaults in services/join_limits.py and services/rate_limit.py).
    join_rate_per_address: str | None = None
    join_rate_per_workshop: str | None = None
    signal_rate: str | None = None
    max_participants: int | None = None
    # Bytes a connection may have queued and unsent before it is dropped (a reader that
    # never reads); it resyncs by seq when it comes back (realtime/send_queue.py).
    send_queue_bytes: int = 2 * 1024 * 1024
    # Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: none), so
    # that joins are counted per client address rather than per proxy.
    trusted_proxies: int = 0
    # At most one `presence` signal per workshop per this many seconds (0: one per change).
    presence_interval: float = 0.25
    # PostgreSQL: prepare the op path's statements on the server, once per connection. Off
    # behind a pooler that hands a session's statements to other clients (PgBouncer in
    # transaction mode): see docs/deploy.md.
    prepared_statements: bool = True
    # Worker processes for heavy work (PDFs, imports; workshop/offload.py); None: cores - 1.
    offload_workers: int | None = None
    # Heavy jobs one participant may have accepted at once (None: 2, workshop/offload.py).
    heavy_at_once: int | None = None
    # Days from agreeing a persona version to its review-by date, and the age (in months)
    # past which evidence is stale (workshop/domain/review.py).
    review_after_days: int = 180
    stale_after_months: int = 18
    # Who may embed a share page (/p/<token>) in a frame: a CSP frame-ancestors source list.
    share_frame_ancestors: str = "'none'"
    # The persona library at /library (off: it answers 404).
    library: bool = True
    # Webhooks may call loopback and private addresses (a receiver on the same network);
    # link-local addresses (cloud metadata) stay refused.
    webhook_allow_private: bool = False
    # Seconds before a failed webhook delivery is tried again; doubles per try (capped).
    webhook_retry_base: float = 30.0

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
            join_rate_per_address=os.environ.get("WORKSHOP_JOIN_RATE_PER_ADDRESS") or None,
            join_rate_per_workshop=os.environ.get("WORKSHOP_JOIN_RATE_PER_WORKSHOP") or None,
            signal_rate=os.environ.get("WORKSHOP_SIGNAL_RATE") or None,
            max_participants=int(_number("WORKSHOP_MAX_PARTICIPANTS", 0)) or None,
            send_queue_bytes=int(_number("WORKSHOP_SEND_QUEUE_BYTES", 2 * 1024 * 1024)),
            trusted_proxies=int(_number("WORKSHOP_TRUSTED_PROXIES", 0)),
            presence_interval=float(os.environ.get("WORKSHOP_PRESENCE_INTERVAL") or 0.25),
            prepared_statements=os.environ.get("WORKSHOP_PREPARED_STATEMENTS", "on").lower()
            not in ("0", "off", "false", "no"),
            offload_workers=int(os.environ.get("WORKSHOP_OFFLOAD_WORKERS") or 0) or None,
            heavy_at_once=int(_number("WORKSHOP_HEAVY_AT_ONCE", 0)) or None,
            review_after_days=int(_number("WORKSHOP_REVIEW_AFTER_DAYS", 180)),
            stale_after_months=int(_number("WORKSHOP_STALE_AFTER_MONTHS", 18)),
            share_frame_ancestors=os.environ.get("WORKSHOP_SHARE_FRAME_ANCESTORS") or "'none'",
            library=_flag("WORKSHOP_LIBRARY", True),
            webhook_allow_private=_flag("WORKSHOP_WEBHOOK_ALLOW_PRIVATE", False),
            webhook_retry_base=_number("WORKSHOP_WEBHOOK_RETRY_BASE", 30.0),
        )
