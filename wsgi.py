"""`python wsgi.py` serves Persona Workshop on HOST:PORT.

eventlet is the default and is monkey-patched before anything else is imported;
WORKSHOP_ASYNC_MODE=gevent serves with gevent instead (patched the same way), and
WORKSHOP_ASYNC_MODE=threading with simple-websocket threads.

Everything happens under `if __name__ == "__main__"`: the worker processes for heavy work
(workshop/offload.py) start with `spawn`, which imports this file as `__mp_main__`, and
they must neither monkey-patch nor build an app of their own.
"""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("WORKSHOP_ASYNC_MODE", "eventlet")
    if os.environ["WORKSHOP_ASYNC_MODE"] == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif os.environ["WORKSHOP_ASYNC_MODE"] == "gevent":
        from gevent import monkey

        monkey.patch_all()

    from workshop import create_app, startup
    from workshop.serving import serve

    app = create_app()
    try:
        # Kept while serving: `flask restore` is refused while this lock is held. It also
        # checks the schema, starts the checkpoint thread and warms the op path up.
        serving_lock = startup.prepare(app.extensions["workshop"].db)
    except startup.CannotServe as problem:
        sys.exit(f"Persona Workshop cannot start: {problem}")
    serve(app)
