"""The framework floor: a bare Flask-SocketIO relay (join a room, number, rebroadcast).

It speaks the app's wire shape (auth {"workshop": id}, `op` acked with {"ok", "seq", "event"},
`event` {"seq", "type", "actor", "at", "op_id", "data"} to the rest of the room: the sender
has it in its ack) with the same async mode, the same Socket.IO settings and the same
TCP_NODELAY listener as the app, but with no database, validation or visibility rules. The
distance between the app and this server is what the app itself costs.

With BENCH_RELAY_SQLITE=<file> it is the *persisting floor*: before rebroadcasting it also
writes the event to that SQLite file (WAL, synchronous=NORMAL, like the app) through the
sqlite3 module directly, one INSERT and a commit per op, with no ORM and no checks. That is
the least any server that keeps every op before sending it pays on top of the relay.

    WORKSHOP_ASYNC_MODE=eventlet|gevent|threading PORT=5001 python bench/relays/relay_flask.py
"""

import os
import sys

ASYNC_MODE = os.environ.get("WORKSHOP_ASYNC_MODE", "eventlet")
if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import json  # noqa: E402
import sqlite3  # noqa: E402
import threading  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

from workshop.realtime import MAX_MESSAGE_BYTES  # noqa: E402
from workshop.serving import serve  # noqa: E402

app = Flask(__name__)
# The same Socket.IO settings as workshop/realtime/__init__.py's init_app.
relay = SocketIO(app, async_mode=ASYNC_MODE, max_http_buffer_size=MAX_MESSAGE_BYTES,
                 async_handlers=False, ping_interval=20, ping_timeout=20,
                 message_queue=os.environ.get("WORKSHOP_MESSAGE_QUEUE") or None)
_seq: dict[str, int] = {}
_rooms: dict[str, str] = {}
_lock = threading.Lock()
_db: sqlite3.Connection | None = None
if os.environ.get("BENCH_RELAY_SQLITE"):
    _db = sqlite3.connect(os.environ["BENCH_RELAY_SQLITE"], isolation_level=None,
                          check_same_thread=False)
    _db.execute("PRAGMA journal_mode=WAL")
    _db.execute("PRAGMA synchronous=NORMAL")
    _db.execute("CREATE TABLE IF NOT EXISTS events (room TEXT, seq INTEGER, op_id TEXT, "
                "body TEXT, PRIMARY KEY (room, seq))")


@app.get("/healthz")
def healthz():
    """Liveness, like the app's."""
    return jsonify(status="ok")


@relay.on("connect")
def on_connect(auth=None):
    """Join the room named by auth.workshop."""
    room = (auth or {}).get("workshop", "bench")
    _rooms[request.sid] = room
    join_room(room)


@relay.on("disconnect")
def on_disconnect(*_args):
    """Forget the connection."""
    _rooms.pop(request.sid, None)


@relay.on("op")
def on_op(payload=None):
    """Number the op and rebroadcast it to the room; ack with its seq."""
    room = _rooms.get(request.sid, "bench")
    payload = payload if isinstance(payload, dict) else {}
    with _lock:  # like the app's write lock: numbered and sent in order
        seq = _seq[room] = _seq.get(room, 0) + 1
        event = {"seq": seq, "type": payload.get("type"), "actor": request.sid,
                 "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                 "op_id": payload.get("op_id"), "data": payload.get("data")}
        if _db is not None:  # commit, then emit
            _db.execute("BEGIN IMMEDIATE")
            _db.execute("INSERT INTO events VALUES (?, ?, ?, ?)",
                        (room, seq, event["op_id"], json.dumps(event)))
            _db.execute("COMMIT")
        relay.emit("event", event, to=room, skip_sid=request.sid)
    return {"ok": True, "seq": seq, "event": event}


if __name__ == "__main__":
    serve(app, server=relay, name="Flask-SocketIO relay")
