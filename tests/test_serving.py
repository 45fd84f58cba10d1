"""Serving: accepted connections have Nagle's algorithm switched off; startup is frozen."""

import socket
import subprocess
import sys
import textwrap

from workshop.config import ROOT
from workshop.serving import YOUNG_GENERATION_THRESHOLD, NoDelayListener


def test_accepted_sockets_have_tcp_nodelay():
    raw = socket.create_server(("127.0.0.1", 0))
    listener = NoDelayListener(raw)
    client = socket.create_connection(raw.getsockname())
    try:
        conn, _ = listener.accept()
        with conn:
            assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        client.close()
        raw.close()


def test_the_listener_passes_everything_else_through():
    raw = socket.create_server(("127.0.0.1", 0))
    try:
        assert NoDelayListener(raw).getsockname() == raw.getsockname()
    finally:
        raw.close()


FREEZE_CHECK = textwrap.dedent("""
    import gc
    from workshop import create_app
    from workshop.serving import tune_garbage_collector
    app = create_app()
    startup = len(gc.get_objects())  # what a full collection walks
    tune_garbage_collector()
    print(startup, gc.get_freeze_count(), len(gc.get_objects()), gc.get_threshold()[0])
""")


def test_serving_freezes_startup_objects_and_collects_the_young_less_often():
    result = subprocess.run([sys.executable, "-c", FREEZE_CHECK], capture_output=True,
                            text=True, timeout=60, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "WORKSHOP_DATABASE_URL": "sqlite://"})
    assert result.returncode == 0, result.stderr[-2000:]
    startup, frozen, walked, young = (int(x) for x in result.stdout.split())
    assert frozen >= 0.9 * startup > 50_000  # the app's modules and objects, not a handful
    assert walked < startup / 100  # a full collection no longer walks them
    assert young == YOUNG_GENERATION_THRESHOLD > 700  # CPython's default
