"""`python wsgi.py` serves Persona Workshop on HOST:PORT.

eventlet is the default and is monkey-patched before anything else is imported;
WORKSHOP_ASYNC_MODE=threading serves with simple-websocket threads instead.

Everything happens under `if __name__ == "__main__"`: the worker processes for heavy work
(workshop/offload.py) start with `spawn`, which imports this file as `__mp_main__`, and
they must neither monkey-patch nor build an app of their own.
"""

import os

if __name__ == "__main__":
    os.environ.setdefault("WORKSHOP_ASYNC_MODE", "eventlet")
    if os.environ["WORKSHOP_ASYNC_MODE"] == "eventlet":
        import eventlet

        eventlet.monkey_patch()

    from workshop import create_app
    from workshop.serving import serve

    app = create_app()
    database = app.extensions["workshop"].db
    # A served SQLite file is checkpointed from an OS thread (workshop/wal_checkpoints.py).
    database.checkpoint_in_background()
    # Then the op path is readied (statements compiled, connections open): the first ops
    # served took about 2 ms longer each otherwise (bench/README.md, item 42).
    database.warm_up()
    serve(app)
