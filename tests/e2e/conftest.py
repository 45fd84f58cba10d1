"""End-to-end fixtures: the real app served by `python wsgi.py` in its own process.

The server runs exactly as in production (eventlet, migrated SQLite file, env configuration),
so these tests see what a browser or a third-party client would see over the network.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import requests

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
# Every async mode the server runs in; the live tests run under each (README, "Async modes").
ASYNC_MODES = ["eventlet", "gevent", "threading"]


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int, database_url: str, async_mode: str = "eventlet") -> dict[str, str]:
    """The environment `python wsgi.py` reads, isolated from the developer's own settings."""
    env = dict(os.environ)
    for name in ("WORKSHOP_MESSAGE_QUEUE", "WORKSHOP_PUBLIC_URL", "WORKSHOP_ALLOWED_ORIGINS"):
        env.pop(name, None)
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WORKSHOP_DATABASE_URL=database_url,
        WORKSHOP_SECRET_KEY="test-secret",
        WORKSHOP_ASYNC_MODE=async_mode,
        PYTHONUNBUFFERED="1",
    )
    return env


class LiveServer:
    """`python wsgi.py` on a fixed port and database; can be stopped and started again."""

    def __init__(self, workdir: Path, async_mode: str = "eventlet"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{workdir / 'e2e.sqlite3'}"
        self.async_mode = async_mode
        self.env = server_env(self.port, self.database_url, async_mode)
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def migrate(self) -> None:
        """Apply the Alembic migrations, as `make run` does before serving."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "workshop", "db-upgrade"],
            cwd=REPO_ROOT, env=self.env, capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0:
            pytest.fail(f"db-upgrade failed ({result.returncode}):\n{result.stdout}\n"
                        f"{result.stderr}")

    @property
    def log_path(self) -> Path:
        return self.workdir / f"server-{self.starts}.log"

    def logs(self) -> str:
        """What the current (or last) server process wrote to stdout and stderr."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> None:
        """Start the server and wait until /healthz answers 200."""
        assert self.process is None, "already running"
        self.starts += 1
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "wsgi.py"], cwd=REPO_ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.process = None
                pytest.fail(f"the server exited with {code} while starting:\n{self.logs()}")
            try:
                response = requests.get(self.url + "/healthz", timeout=1)
                if response.status_code == 200:
                    return
                last_error = AssertionError(f"/healthz answered {response.status_code}")
            except requests.RequestException as error:
                last_error = error
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"the server did not become healthy within {STARTUP_TIMEOUT_S:.0f} s "
                    f"({last_error}):\n{self.logs()}")

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL if it lingers)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None

    @contextmanager
    def serving(self) -> Iterator[LiveServer]:
        """Migrate, serve while the block runs, then stop (even when the block fails)."""
        self.migrate()
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def restart(self) -> None:
        """Kill the process and serve again on the same port and database."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)
            self.process = None
        self.start()


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory):
    """The app in its own process on a free port with a migrated SQLite file.

    Served under eventlet, like `python wsgi.py`; a module can parametrize `async_mode`
    indirectly to run the same tests under threading (simple-websocket) too.
    Yields a LiveServer: `.url`, `.restart()`, `.logs()`.
    """
    async_mode = getattr(request, "param", "eventlet")
    with LiveServer(tmp_path_factory.mktemp("live"), async_mode).serving() as server:
        yield server


# ---- browsers (Playwright driving Debian's Chromium) ------------------------------------

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI") == "true"
TIMEOUT_MS = 10_000


def _unavailable(reason: str) -> None:
    """Skip locally, but fail in CI where the browser tests must run."""
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (Debian's build; never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"playwright is not installed: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@dataclass
class Person:
    """One person's browser: a context of their own and the page they look at."""

    name: str
    page: Page
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def person(browser, live_server):
    """person(name) -> a Person on a fresh browser context; asserts no page errors at the end."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    people: list[Person] = []
    contexts = []

    def _person(name: str) -> Person:
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": 1400, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        someone = Person(name, page)
        page.on("pageerror", lambda error: someone.errors.append(f"pageerror: {error}"))
        page.on("console", lambda message: someone.errors.append(
            f"console.{message.type}: {message.text}") if message.type == "error" else None)
        people.append(someone)
        return someone

    yield _person
    for context in contexts:
        context.close()
    errors = {p.name: p.errors for p in people if p.errors}
    assert not errors, f"errors in the browser: {errors}"
