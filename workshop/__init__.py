"""Persona Workshop: a real-time board where teams agree on who their customer is."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from workshop.config import INSTANCE_DIR, ROOT, Config
from workshop.db import Database
from workshop.domain.review import ReviewSettings
from workshop.offload import WorkerPool
from workshop.services.backend import Backend
from workshop.services.join_limits import JoinLimits
from workshop.services.rate_limit import DEFAULT_SIGNAL_RATE, OpRateLimiter
from workshop.services.shared_presence import presence_registry
from workshop.webhook_sender import WebhookSender


def create_app(config: Config | None = None) -> Flask:
    """Wire configuration, database, Socket.IO, HTTP routes and commands together."""
    config = config or Config.from_env()
    app = Flask(__name__, static_folder=str(ROOT / "static"),
                template_folder=str(ROOT / "templates"), instance_path=str(INSTANCE_DIR))
    https = bool(config.public_url and config.public_url.startswith("https://"))
    app.config.update(
        SECRET_KEY=config.secret_key,
        PUBLIC_URL=config.public_url,
        SESSION_COOKIE_NAME="workshop_session",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(days=60),
        MAX_CONTENT_LENGTH=64 * 1024,  # as large as a Socket.IO message may be
    )

    from workshop import cli, realtime, web

    database = Database(config.database_url, config.prepared_statements)
    publisher = realtime.init_app(app, config)
    limiter = OpRateLimiter.from_config(config.op_rate, config.message_queue)
    presence = presence_registry(config.message_queue, config.message_queue_channel)
    realtime.keep_presence_alive(presence)
    joins = JoinLimits.from_config(config.join_rate_per_address, config.join_rate_per_workshop,
                                   config.max_participants, config.message_queue)
    signals = OpRateLimiter.from_config(config.signal_rate, config.message_queue, "signal",
                                        DEFAULT_SIGNAL_RATE)
    app.extensions["workshop"] = Backend(database, publisher, presence, limiter, joins, signals,
                                         WorkerPool(config.offload_workers,
                                                    per_owner=config.heavy_at_once),
                                         review=ReviewSettings(config.review_after_days,
                                                               config.stale_after_months))
    app.extensions["workshop"].webhooks = WebhookSender(
        database, realtime.socketio.start_background_task, realtime.socketio.sleep,
        allow_private=config.webhook_allow_private, backoff_base=config.webhook_retry_base)
    app.config.update(SHARE_FRAME_ANCESTORS=config.share_frame_ancestors,
                      LIBRARY=config.library)
    if config.trusted_proxies:
        # request.remote_addr is then the client's address as the proxies saw it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies)
    # Keep payloads in the order the protocol documents (and the cookie's memberships in the
    # order they were joined: web/sessions.py drops the oldest first).
    app.json.sort_keys = False
    web.init_app(app, https=https)
    cli.init_app(app)
    return app
