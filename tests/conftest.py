"""Shared fixtures: a migrated database per test (SQLite, and PostgreSQL where reachable)."""

from __future__ import annotations

import os
import shutil

import pytest
from sqlalchemy import create_engine, text

from tests.fakes import CollectingPublisher
from tests.outbox_watch import OutboxWatch
from workshop import create_app
from workshop.config import Config
from workshop.db import Database
from workshop.domain.events import validate as validate_event
from workshop.migrate import upgrade
from workshop.offload import WorkerPool
from workshop.services.backend import Backend, PresenceRegistry
from workshop.services.rate_limit import OpRateLimiter

IN_CI = os.environ.get("CI") == "true"
PG_ADMIN_URL = os.environ.get("WORKSHOP_TEST_PG_ADMIN",
                              "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
PG_TEST_DB = f"workshop_pytest_{os.getpid()}"  # parallel runs never share a database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once; each test copies it (faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database migrated once per session, or a skip with the reason."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {PG_TEST_DB}"))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_TEST_DB}"
    upgrade(url)
    yield url
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_TEST_DB} WITH (FORCE)"))
    admin.dispose()


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE workshops, participants, personas, assumptions, votes, events "
                          "RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    """A fresh, migrated SQLite database for one test."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request):
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url = request.getfixturevalue("postgres_url")
    _truncate_all(url)
    return url


@pytest.fixture(scope="session")
def worker_pool():
    """One pool of worker processes for heavy work, shared by every test's app and backend.

    Workers start on first use and import WeasyPrint once, not once per test; the pool is
    closed (its processes gone) when the session ends.
    """
    pool = WorkerPool(workers=2)
    yield pool
    pool.close()


class ModelCheckingPublisher(CollectingPublisher):
    """A collecting publisher that checks every event it is given against its model
    (workshop/domain/events.py), so no service test emits an event the models do not
    describe."""

    def publish_event(self, workshop_id: str, event: dict,
                      participant_id: str | None = None, origin: str | None = None) -> None:
        """Check the event strictly, then keep it."""
        validate_event(event)
        super().publish_event(workshop_id, event, participant_id, origin)


@pytest.fixture
def backend(database_url, worker_pool):
    """Services' dependencies without Flask: a real database and a collecting publisher."""
    db = Database(database_url)
    # Tests that are not about rate limits fire ops faster than any person could.
    yield Backend(db, ModelCheckingPublisher(), PresenceRegistry(),
                  OpRateLimiter("10000/second"), offload=worker_pool)
    db.dispose()


@pytest.fixture
def app(sqlite_url, worker_pool, monkeypatch):
    """The Flask app on a fresh SQLite database, in threading mode.

    Its events go out batched by the outbox's task, as when served; socket tests wait for
    them with the watch in `extensions["outbox_watch"]` (tests/outbox_watch.py).
    """
    watch = OutboxWatch()
    watch.install(monkeypatch)
    application = create_app(Config(database_url=sqlite_url, secret_key="test-secret",
                                    async_mode="threading"))
    application.testing = True  # an exception in a view reaches the test, not a 500 page
    application.extensions["workshop"].offload.close()  # never started: nothing to stop
    application.extensions["workshop"].offload = worker_pool
    application.extensions["outbox_watch"] = watch
    yield application
    application.extensions["workshop"].db.dispose()


@pytest.fixture
def client(app):
    """A Flask test client (keeps cookies, like a browser)."""
    return app.test_client()
