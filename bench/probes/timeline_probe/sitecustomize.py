"""A timeline probe: when each step of an op happens inside a served process.

Python imports `sitecustomize` at startup from any directory on PYTHONPATH. Exported for the
whole benchmark, it loads into every Python server it starts (the app and both relays),
without changing any of them:

    PYTHONPATH=$PWD/bench/probes/timeline_probe BENCH_TIMELINE=/tmp/timeline \\
        .venv/bin/python bench/run.py --only eventlet --steps 25x1 --compare /tmp/base
    .venv/bin/python bench/probes/timeline.py /tmp/timeline

The path is absolute because `--compare` starts the other app in its own checkout. Each
`python wsgi.py` and `python bench/relays/relay_flask.py` process writes
`$BENCH_TIMELINE/<script>-<pid>.tl`: one line per mark, `<perf_counter ns> <mark>`. Marks:

- `recv_op` / `recv_end`: python-socketio starts and ends handling a client's `op` message;
- `op0` / `op1`: the app's `apply_op` (parse, write, commit, queue the event) starts and ends;
- `send0` / `send1`: the app's outbox task starts and ends sending a workshop's events;
- `emit0` / `emit1`: a Flask-SocketIO `emit` (the relays emit inside the handler);
- `w_ack`, `w_ev`: a WebSocket frame written to a client: an ack, or an event (`event` or
  `events`); `w_other`: anything else (pings, presence).

Marks are kept in memory and written out by an OS thread once a second, so the probe costs
a list append per mark on the hub.
"""

import _thread
import os
import sys
import time

# bench/probes/probe_hooks.py, shared by the probes; bench/ is on the path only for this import.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from probe_hooks import after_import  # noqa: E402

sys.path.pop()


SCRIPTS = ("wsgi.py", "relay_flask.py")


def _install(out) -> None:
    """Wrap the marked functions once their modules are imported; flush marks every second."""
    marks: list[tuple[int, str]] = []
    now = time.perf_counter_ns
    real_sleep = time.sleep  # taken before eventlet patches it: the writer is an OS thread

    def flush_forever():
        while True:
            real_sleep(1.0)
            taken = marks[:len(marks)]
            del marks[:len(taken)]
            out.write("".join(f"{at} {mark}\n" for at, mark in taken))
            out.flush()

    _thread.start_new_thread(flush_forever, ())

    def mark_around(owner, name: str, before, after: str | None) -> None:
        """Replace owner.name by a wrapper that marks its start (and end)."""
        wrapped = getattr(owner, name)

        def marked(*args, **kwargs):
            marks.append((now(), before(args) if callable(before) else before))
            try:
                return wrapped(*args, **kwargs)
            finally:
                if after:
                    marks.append((now(), after))

        setattr(owner, name, marked)

    def received(args) -> str:
        data = args[2] if len(args) > 2 else ""
        # A Socket.IO EVENT packet ("2") whose first argument is "op".
        is_op = isinstance(data, str) and data.startswith("2") and '"op"' in data[:16]
        return "recv_op" if is_op else "recv_other"

    def written(args) -> str:
        frame = args[1] if len(args) > 1 else ""
        head = frame[:2].decode(errors="replace") if isinstance(frame, bytes) else frame[:2]
        # Engine.IO MESSAGE ("4") carrying a Socket.IO ACK ("3") or EVENT ("2").
        return {"43": "w_ack", "42": "w_ev"}.get(head, "w_other")

    hooks = {
        "socketio.server": lambda m: mark_around(m.Server, "_handle_eio_message", received,
                                                 "recv_end"),
        "eventlet.websocket": lambda m: mark_around(m.RFC6455WebSocket, "send", written, None),
        "flask_socketio": lambda m: mark_around(m.SocketIO, "emit", "emit0", "emit1"),
        "workshop.ops.apply": lambda m: mark_around(m, "apply_op", "op0", "op1"),
        "workshop.realtime": lambda m: mark_around(m.SocketIOPublisher, "send_events",
                                                   "send0", "send1"),
    }

    after_import(hooks)


_script = os.path.basename(sys.argv[0] if sys.argv else "")
if _script in SCRIPTS and os.environ.get("BENCH_TIMELINE"):
    os.makedirs(os.environ["BENCH_TIMELINE"], exist_ok=True)
    _install(open(os.path.join(os.environ["BENCH_TIMELINE"], f"{_script}-{os.getpid()}.tl"),
                  "a"))
