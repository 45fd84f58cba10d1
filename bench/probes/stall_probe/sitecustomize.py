"""A stall probe for the served app: where the eventlet hub was when it stopped turning.

Python imports `sitecustomize` at startup from any directory on PYTHONPATH, so the
benchmark can load this into every app server it starts without touching the app:

    .venv/bin/python bench/run.py --only eventlet --steps 100x2 \\
        --app-env PYTHONPATH=bench/probes/stall_probe --app-env BENCH_STALL_LOG=/tmp/stalls

In a `python wsgi.py` process it writes `$BENCH_STALL_LOG/stalls-<pid>.log` (default
/tmp/stalls), one line per finding, stamped with the wall clock:

- `lag`: a green thread that sleeps 1 ms woke more than 6 ms later (the hub was busy);
- `stall`: the hub had not turned for 8 ms; the main thread's stack at that moment follows,
  sampled by an OS thread (it runs while the hub is stuck in C code or in a long Python
  call, because both give up the GIL at least every 5 ms);
- `gc`: a garbage collection that took more than 1 ms;
- `checkpoint`: each WAL checkpoint of workshop/wal_checkpoints.py, with SQLite's answer
  (busy, log pages, pages copied); (0, -1, -1) means the file is not in WAL mode.

Other processes (migrations, the relays) are left alone. A checkpointer answering
(0, -1, -1) on every turn is how this probe once found one that never checkpointed
(docs/decisions/checkpoint-thread.md).
"""

import _thread
import gc
import os
import sys
import time
import traceback

# bench/probes/probe_hooks.py, shared by the probes; bench/ is on the path only for this import.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from probe_hooks import after_import  # noqa: E402

sys.path.pop()

LAG_MS = 6.0  # a 1 ms sleep that takes longer than this is logged
STALL_MS = 8.0  # no hub turn for this long: sample the main thread's stack


def _install(out) -> None:
    """Hook the collector now, and the hub and the checkpointer once they are imported."""
    # Taken before eventlet patches them: the sampler must be a real thread that really sleeps.
    real_sleep = time.sleep
    start_os_thread = _thread.start_new_thread
    main_thread = _thread.get_ident()
    last_turn = [time.perf_counter()]
    gc_started = [0.0]

    def write(line: str) -> None:
        out.write(f"{time.time():.3f} {line}\n")

    def on_gc(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - gc_started[0]) * 1000
        if took > 1.0:
            write(f"gc gen{info['generation']} {took:.2f} ms")

    gc.callbacks.append(on_gc)

    def sample_stalls():
        """An OS thread: when the hub has not turned for STALL_MS, log the main stack once."""
        reported = None
        while True:
            real_sleep(0.002)
            stuck = (time.perf_counter() - last_turn[0]) * 1000
            if stuck > STALL_MS and reported != last_turn[0]:
                reported = last_turn[0]
                frame = sys._current_frames().get(main_thread)
                stack = "".join(traceback.format_stack(frame)[-14:]) if frame else ""
                write(f"stall {stuck:.1f} ms, main thread at:\n{stack}----")

    def hook_serving(module):
        serve = module.serve

        def serve_with_probe(*args, **kwargs):
            import eventlet

            def turn():
                while True:
                    started = last_turn[0] = time.perf_counter()
                    eventlet.sleep(0.001)
                    late = (time.perf_counter() - started) * 1000
                    if late > LAG_MS:
                        write(f"lag {late:.2f} ms")

            eventlet.spawn(turn)
            start_os_thread(sample_stalls, ())
            return serve(*args, **kwargs)

        module.serve = serve_with_probe

    def hook_checkpoints(module):
        checkpoint = module.WalCheckpointer.checkpoint

        def timed_checkpoint(self, connection):
            started = time.perf_counter()
            result = checkpoint(self, connection)
            write(f"checkpoint {(time.perf_counter() - started) * 1000:.2f} ms {result}")
            return result

        module.WalCheckpointer.checkpoint = timed_checkpoint

    hooks = {"workshop.serving": hook_serving, "workshop.wal_checkpoints": hook_checkpoints}

    after_import(hooks)


if os.path.basename(sys.argv[0] if sys.argv else "") == "wsgi.py":
    _directory = os.environ.get("BENCH_STALL_LOG", "/tmp/stalls")
    os.makedirs(_directory, exist_ok=True)
    _install(open(os.path.join(_directory, f"stalls-{os.getpid()}.log"), "a", buffering=1))
