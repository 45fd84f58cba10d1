"""Failures under /api/ answer JSON like any refusal; pages keep their HTML error pages."""

import sqlite3
from contextlib import closing

import pytest
from flask import request
from sqlalchemy import event

from workshop.db import sqlite_file


@pytest.fixture
def served(app):
    """The app as `python wsgi.py` serves it: a failure is answered, not raised in the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_a_write_the_full_database_cannot_store_answers_503_unavailable(served, sqlite_url):
    with closing(sqlite3.connect(sqlite_file(sqlite_url))) as admin:
        limit = admin.execute("PRAGMA page_count").fetchone()[0] + 5  # 20 KB to spare
    database = served.extensions["workshop"].db
    database.engine.pool.dispose()  # connections from now on have the limit
    event.listen(database.engine, "connect",
                 lambda dbapi, _record: dbapi.execute(f"PRAGMA max_page_count={limit}"))
    client = served.test_client()
    for _ in range(100):
        response = client.post("/api/workshops", json={"title": "Full " + "x" * 150})
        if response.status_code != 201:
            break
    assert response.status_code == 503
    assert response.get_json() == {"error": {
        "code": "unavailable", "message": "the server could not save this; try again"}}


def test_an_unexpected_failure_under_api_answers_500_json(served):
    @served.get("/api/always-fails")
    def always_fails():
        raise RuntimeError("a bug")

    response = served.test_client().get("/api/always-fails")
    assert response.status_code == 500
    assert response.is_json
    assert response.get_json()["error"]["code"] == "internal"


def test_other_http_errors_under_api_answer_json_with_the_protocols_code(served):
    @served.get("/api/needs-a-form")
    def needs_a_form():
        return request.form["missing"]  # Werkzeug answers a missing key with 400

    response = served.test_client().get("/api/needs-a-form")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_pages_keep_flasks_html_error_page(served):
    @served.get("/always-fails")
    def always_fails():
        raise RuntimeError("a bug")

    response = served.test_client().get("/always-fails")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
