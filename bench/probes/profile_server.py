"""`python wsgi.py` under pyinstrument: SIGUSR1 starts profiling, SIGUSR2 stops it and writes
$BENCH_PROFILE_OUT.txt and .html. Used by `bench/run.py --profile`.

eventlet only: every green thread runs on the main thread, so pyinstrument's sampler sees
whichever green thread is running (request handlers, socket writers, the hub waiting in epoll).
"""

import os
import signal
import sys

os.environ.setdefault("WORKSHOP_ASYNC_MODE", "eventlet")
import eventlet  # noqa: E402

eventlet.monkey_patch()

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from pyinstrument import Profiler  # noqa: E402

from workshop import create_app, startup  # noqa: E402
from workshop.serving import serve  # noqa: E402

OUT = os.environ.get("BENCH_PROFILE_OUT", "profile")
_started, _stopped = eventlet.Event(), eventlet.Event()


def _controller():
    """Start and stop in one green thread: pyinstrument insists on the same context."""
    _started.wait()
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    _stopped.wait()
    profiler.stop()
    session = profiler.last_session
    for suffix, text in ((".txt", aggregate(session) + "\n\n" + profiler.output_text(
                              unicode=True, color=False)),
                         (".html", profiler.output_html())):
        with open(OUT + suffix + ".part", "w") as f:
            f.write(text)
        os.replace(OUT + suffix + ".part", OUT + suffix)  # the driver waits for .html


def aggregate(session, top: int = 45) -> str:
    """Inclusive and self time per function summed over every green thread.

    pyinstrument keeps one tree per green thread (eventlet gives each its own thread
    identity), so a hot function called from 200 short-lived green threads is spread over
    200 small trees; this folds them together.
    """
    inclusive: dict[str, float] = {}
    own: dict[str, float] = {}

    def walk(frame, on_stack: frozenset):
        key = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        if key not in on_stack:
            inclusive[key] = inclusive.get(key, 0.0) + frame.time
        own[key] = own.get(key, 0.0) + frame.total_self_time
        for child in frame.children:
            walk(child, on_stack | {key})

    root = session.root_frame()
    walk(root, frozenset())
    total = root.time or 1.0
    lines = [f"Wall time {session.duration:.2f} s, CPU time {session.cpu_time:.2f} s, "
             f"{session.sample_count} samples, summed over all green threads.", "",
             "Inclusive time (function and everything it calls):"]
    for key, value in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * value / total:5.1f}%  {value:7.3f} s  {key}")
    lines += ["", "Self time:"]
    for key, value in sorted(own.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"  {100 * value / total:5.1f}%  {value:7.3f} s  {key}")
    return "\n".join(lines)


# Signal handlers only wake the controller (they may run inside any green thread).
signal.signal(signal.SIGUSR1, lambda *_: _started.ready() or _started.send())
signal.signal(signal.SIGUSR2, lambda *_: _stopped.ready() or _stopped.send())
eventlet.spawn(_controller)

if __name__ == "__main__":
    app = create_app()
    serving_lock = startup.prepare(app.extensions["workshop"].db)  # as wsgi.py serves
    serve(app)
