"""Large request bodies go to disk in chunks and are parsed by a worker, not the hub."""

from __future__ import annotations

import base64
import io
import json
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests.hub_ticker import run_server_like
from workshop.services import uploads
from workshop.services.errors import ServiceError


def test_a_body_is_unpacked_into_its_fields_and_the_decoded_file(worker_pool):
    sent = json.dumps({"name": "CRM", "content_base64": base64.b64encode(b"a,b\n1,2\n").decode()})
    with uploads.unpacked(worker_pool, io.BytesIO(sent.encode()), 1024, "content_base64") as up:
        assert up.fields == {"name": "CRM"}
        assert up.content.read_bytes() == b"a,b\n1,2\n"
        folder = up.content.parent
        assert sorted(p.name for p in folder.iterdir()) == ["content"]  # the body is gone
        assert folder.stat().st_mode & 0o077 == 0  # no one else may read the data
    assert not folder.exists()


def test_a_body_without_the_field_has_no_content(worker_pool):
    with uploads.unpacked(worker_pool, io.BytesIO(b'{"as_of": "2026-10-01"}'), 1024,
                          "content_base64") as up:
        assert (up.fields, up.content) == ({"as_of": "2026-10-01"}, None)


def test_spooling_past_the_limit_is_refused_and_leaves_no_folder(worker_pool):
    before = set(Path(tempfile.gettempdir()).glob("workshop-upload-*"))
    stream = io.BytesIO(b"x" * (3 * uploads.CHUNK_BYTES))
    with pytest.raises(ServiceError) as refused:
        with uploads.unpacked(worker_pool, stream, uploads.CHUNK_BYTES * 2, "content_base64"):
            pass
    assert refused.value.code == "too_large" and refused.value.status == 413
    assert set(Path(tempfile.gettempdir()).glob("workshop-upload-*")) == before


@pytest.mark.parametrize(("sent", "message"), [
    (b"not json", "the body must be a JSON object"),
    (b'"a string"', "the body must be a JSON object"),
    (b"[" * 100_000, "the body must be a JSON object"),
    (b'{"content_base64": ""}', "content_base64: must be base64 text"),
    (b'{"content_base64": "a b"}', "content_base64: not valid base64"),
])
def test_unpack_refuses_what_is_not_an_object_with_base64(tmp_path, sent, message):
    (tmp_path / "body.json").write_bytes(sent)
    with pytest.raises(ServiceError) as refused:
        uploads.unpack(str(tmp_path / "body.json"), "content_base64", str(tmp_path / "out"))
    assert (refused.value.code, refused.value.message) == ("invalid", message)
    assert not (tmp_path / "out").exists()


# Started like wsgi.py: monkey-patched, and only under __main__ (workers import it too).
IMPORT_BESIDE_THE_HUB = textwrap.dedent("""
    if __name__ == "__main__":
        import eventlet
        eventlet.monkey_patch()
        import base64, io, json, time
        from tests.hub_ticker import HubTicker
        from tests.profiles_data import customer_csv
        from workshop.offload import WorkerPool
        from workshop.services import uploads

        sent = json.dumps({"name": "CRM export", "content_base64":
                           base64.b64encode(customer_csv(100_000)).decode()}).encode()
        pool = WorkerPool(workers=1)
        pool.run(len, "")  # the worker is up
        started = time.perf_counter()
        json.loads(sent)  # what the hub did with every import before
        parse = time.perf_counter() - started
        ticker = HubTicker().start()
        with uploads.unpacked(pool, io.BytesIO(sent), len(sent), "content_base64") as up:
            size = up.content.stat().st_size
        print(json.dumps({"parse": parse, "gap": ticker.stop(), "mb": size / 1e6}))
        pool.close()
""")


def test_a_100000_row_body_never_holds_the_hub_as_long_as_parsing_it_would(tmp_path):
    # Parsing the ~26 MB body on the hub is one gap of that length for every other request
    # (~25 ms here); spooled and unpacked, the hub is only ever held for one chunk's copy.
    result = run_server_like(tmp_path, IMPORT_BESIDE_THE_HUB, timeout=120)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["mb"] > 15  # the whole export arrived
    assert measured["gap"] < measured["parse"], measured
