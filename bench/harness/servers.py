"""The servers a run measures, each in its own process: the app, the two relays, PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import requests

from harness.machine import pin
from harness.paths import NODE, PG_ADMIN, PY, REDIS_URL, RELAY_FLASK, RELAY_NODE, ROOT


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]



class Server:
    """One server process (app worker, Flask-SocketIO relay or Node relay)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int,
                 workdir: Path, cwd: Path = ROOT):
        self.name, self.argv, self.env, self.port = name, argv, env, port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = workdir / f"{name}-{port}.log"
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """The server process id."""
        return self.process.pid

    def start(self, timeout: float = 30) -> Server:
        """Start and wait for /healthz."""
        with open(self.log_path, "wb") as out:
            self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, preexec_fn=pin("server"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz in {timeout} s")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


# Settings given with --app-env, for every app server this run starts.
APP_ENV: dict[str, str] = {}


def app_env(port: int, mode: str, database_url: str, queue: str | None = None,
            channel: str | None = None) -> dict[str, str]:
    """What `python wsgi.py` reads; the op and join rate limits are raised so they never
    refuse bench ops, nor its 200 people joining from one address within a second or two."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    env.update(APP_ENV)
    env.update(HOST="127.0.0.1", PORT=str(port), WORKSHOP_ASYNC_MODE=mode,
               WORKSHOP_DATABASE_URL=database_url, WORKSHOP_SECRET_KEY="bench-secret",
               WORKSHOP_OP_RATE="1000/second", WORKSHOP_JOIN_RATE_PER_ADDRESS="1000/second",
               WORKSHOP_JOIN_RATE_PER_WORKSHOP="1000/second", PYTHONUNBUFFERED="1")
    if queue:
        env["WORKSHOP_MESSAGE_QUEUE"] = queue
        env["WORKSHOP_MESSAGE_QUEUE_CHANNEL"] = channel or f"bench-{os.getpid()}"
    return env


def migrate(env: dict[str, str], cwd: Path = ROOT) -> None:
    """flask db-upgrade on the server's database."""
    subprocess.run([PY, "-m", "flask", "--app", "workshop", "db-upgrade"], cwd=cwd, env=env,
                   check=True, capture_output=True, timeout=120)


def start_app(workdir: Path, mode: str, database_url: str, queue: str | None = None,
              name: str = "app", argv: list[str] | None = None,
              extra_env: dict | None = None, cwd: Path = ROOT) -> Server:
    """A served app (`python wsgi.py`, or `argv`) from the checkout at `cwd`, answering."""
    port = free_port()
    env = app_env(port, mode, database_url, queue)
    env.update(extra_env or {})
    return Server(name, argv or [PY, "wsgi.py"], env, port, workdir, cwd=cwd).start()


def start_floor(workdir: Path, mode: str, sqlite: Path | None = None) -> Server:
    """The bare relay; with `sqlite`, the persisting floor (one INSERT and commit per op)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    env.update(PORT=str(port), HOST="127.0.0.1", WORKSHOP_ASYNC_MODE=mode, PYTHONUNBUFFERED="1")
    if sqlite is not None:
        env["BENCH_RELAY_SQLITE"] = str(sqlite)
    return Server("floor-db" if sqlite else "floor", [PY, str(RELAY_FLASK)], env,
                  port, workdir).start()


def start_node(workdir: Path) -> Server:
    """The Node socket.io relay, answering."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1")
    return Server("node", [NODE, str(RELAY_NODE)], env, port, workdir).start()


class PostgresDatabase:
    """A throwaway PostgreSQL database for the scale group."""

    def __init__(self):
        from sqlalchemy import create_engine, text
        self.name = f"workshop_bench_{os.getpid()}"
        self._engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        self._text = text
        with self._engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {self.name}"))
        self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self):
        """Drop the database, whoever is still connected."""
        with self._engine.connect() as conn:
            conn.execute(self._text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        self._engine.dispose()



def redis_reachable() -> None:
    """Raise unless the Redis of REDIS_URL answers a ping."""
    import redis

    redis.Redis.from_url(REDIS_URL).ping()
