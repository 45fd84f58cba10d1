"""The SQLite file as `python wsgi.py` serves it: in WAL mode, checkpointed by its own thread."""

import sqlite3
import time
from contextlib import closing

import requests

from workshop.db import sqlite_file


def _workshops_in_the_database_file(database_url: str) -> int:
    """Workshops in the database file itself, not counting what waits in the WAL.

    An immutable connection reads the file as it is on disk and ignores the log, so a row
    shows up here only once a checkpoint has copied it back.
    """
    uri = f"file:{sqlite_file(database_url)}?immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        return connection.execute("SELECT count(*) FROM workshops").fetchone()[0]


def test_a_freshly_migrated_file_is_served_in_wal_mode_and_checkpointed(live_server):
    # The fixture serves a file that the migrations have just made, as `make run` does.
    time.sleep(1.5)  # the checkpointer's first turns come before any write
    for title in ("Checkout", "Onboarding", "Support"):
        response = requests.post(f"{live_server.url}/api/workshops",
                                 json={"title": title, "teams": ["Sales", "Support"]},
                                 timeout=5)
        assert response.status_code == 201, response.text
    with closing(sqlite3.connect(sqlite_file(live_server.database_url))) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    # Commits leave their pages in the WAL; the thread copies them into the file within
    # about a second (before the fix it never did, short of 10,000 pages).
    deadline = time.monotonic() + 10
    while _workshops_in_the_database_file(live_server.database_url) < 3:
        assert time.monotonic() < deadline, "the WAL was not checkpointed into the file"
        time.sleep(0.1)
