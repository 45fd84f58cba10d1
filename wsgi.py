"""`python wsgi.py` serves Persona Workshop on HOST:PORT.

eventlet is the default and is monkey-patched before anything else is imported;
WORKSHOP_ASYNC_MODE=threading serves with simple-websocket threads instead.
"""

import os
import sys

os.environ.setdefault("WORKSHOP_ASYNC_MODE", "eventlet")
if os.environ["WORKSHOP_ASYNC_MODE"] == "eventlet":
    import eventlet

    eventlet.monkey_patch()

from workshop import create_app, startup  # noqa: E402
from workshop.serving import serve  # noqa: E402

app = create_app()

if __name__ == "__main__":
    try:
        # Kept while serving: `flask restore` is refused while this lock is held.
        serving_lock = startup.prepare(app.extensions["workshop"].db)
    except startup.CannotServe as problem:
        sys.exit(f"Persona Workshop cannot start: {problem}")
    serve(app)
