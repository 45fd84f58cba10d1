"""The machine: CPU and memory of the server processes from /proc, what it is, how fast now."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import threading
import time
from contextlib import contextmanager

from harness.paths import NODE

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# While pinned (the room and wide groups), the server processes run on the first core and the
# client processes on the second, as issue 29 measured: a client that saturates its core
# then shows in its own CPU figure instead of in the server's latencies.
_PINNED: dict[str, set[int] | None] = {"server": None, "client": None}


@contextmanager
def pinned():
    """Servers on core 0 and clients on core 1 inside the block (no-op on one core)."""
    if (os.cpu_count() or 1) < 2:
        yield
        return
    _PINNED.update(server={0}, client={1})
    try:
        yield
    finally:
        _PINNED.update(server=None, client=None)


def pin(role: str):
    """A preexec_fn that puts a new process (and all its threads) on `role`'s cores, or None."""
    cores = _PINNED[role]
    return (lambda: os.sched_setaffinity(0, cores)) if cores else None


# The shared services a scale-out deployment adds: their CPU counts against each delivery.
INFRA_COMMANDS = ("postgres", "redis-server")


def infra_cpu_seconds() -> float:
    """User + system CPU time of every PostgreSQL and Redis process on this host."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() not in INFRA_COMMANDS:
                    continue
            total += cpu_seconds(int(entry))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue  # a backend that ended between listing and reading
    return total


class Sampler:
    """Samples (epoch s, CPU s, RSS KiB, infra CPU s) summed over some processes every 50 ms;
    the PostgreSQL and Redis CPU only when asked (`infra`), else 0."""

    def __init__(self, pids: list[int], interval: float = 0.05, infra: bool = False):
        self.pids, self.interval, self.infra = pids, interval, infra
        self.samples: list[tuple[float, float, int, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> tuple[float, float, int, float]:
        """One sample now."""
        now = time.time()
        return (now, sum(cpu_seconds(p) for p in self.pids), sum(rss_kib(p) for p in self.pids),
                infra_cpu_seconds() if self.infra else 0.0)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.samples.append(self.sample())
            except (FileNotFoundError, ProcessLookupError):
                return
            self._stop.wait(self.interval)

    def __enter__(self):
        self.samples.append(self.sample())
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.samples.append(self.sample())

    def at(self, epoch: float) -> tuple[float, float, int, float]:
        """The last sample taken at or before `epoch`."""
        best = self.samples[0]
        for sample in self.samples:
            if sample[0] <= epoch:
                best = sample
        return best



def machine() -> str:
    """CPU model, cores, memory, OS and versions."""
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = int(open("/proc/meminfo").readline().split()[1]) // 1024 // 1024
    except OSError:
        mem = 0
    node = subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{model}, {os.cpu_count()} cores, {mem} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, Node {node}")


def host_speed_ms(rounds: int = 5) -> float:
    """Median time of a fixed piece of Python work (JSON, sorting, dicts) in this process.

    The host's speed moves within the hour (other machines share its cores), and a run's
    figures only compare with runs made at a similar speed. Lower is faster.
    """
    payload = {"events": [{"seq": n, "type": "vote.cast", "data": {"tally": {"a": n, "b": -n}}}
                          for n in range(200)]}
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(40):
            decoded = json.loads(json.dumps(payload))
            sorted(decoded["events"], key=lambda e: -e["seq"])
            {e["seq"]: e["data"] for e in decoded["events"]}
        times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times), 1)

