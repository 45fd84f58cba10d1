"""The heavy group: a live 200-person room, alone and beside PDF exports back to back (or,
with --heavy-import, customer data imports of 100,000 rows back to back)."""

from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path

import requests

from harness.clients import measure
from harness.paths import ROOT
from harness.progress import log
from harness.servers import Server, app_env, migrate, start_app
from harness.stats import median_run
from harness.steps import TARGET_STEP, step_label
from harness.workshops import join, token

# A persona story that fills the one-pager (the exports were small drafts; --heavy-full
# lays out this page instead, ~0.5-1 s each).
FULL_STORY = "\n".join(
    f"- **Morning {i}:** Anouk checks the battery range before she rides to the hospital, "
    f"and plans a charging stop when the forecast says rain." for i in range(36))[:5000]


def pdf_workshop(base: str, full: bool) -> tuple[str, str]:
    """A second workshop and a member of it; returns its persona's PDF URL and their cookie.

    Without `full`, the PDF is the draft built from an empty board (the issue's "small
    draft"); with it, a document whose story fills the page."""
    created = requests.post(base + "/api/workshops", json={"title": "Exporting workshop"},
                            timeout=30).json()
    cookie = join(base, token(created["facilitator_url"]), "Exporter", "Product")
    wid, headers = created["id"], {"Cookie": cookie}
    persona = requests.get(f"{base}/api/workshops/{wid}", headers=headers,
                           timeout=30).json()["personas"][0]["id"]
    if full:
        for n, (kind, data) in enumerate([
                ("phase.set", {"phase": "merge"}), ("document.create", {"persona_id": persona}),
                ("document.save", {"persona_id": persona, "path": "identity.story",
                                   "value": FULL_STORY, "base_rev": 0})]):
            ack = requests.post(f"{base}/api/workshops/{wid}/ops", headers=headers, timeout=30,
                                json={"op_id": f"pdf-{n}", "type": kind, "data": data}).json()
            assert ack["ok"], ack
    return f"{base}/api/workshops/{wid}/personas/{persona}/export.pdf", cookie


class PdfLoop:
    """One member fetching PDF exports back to back, in a thread, until stopped."""

    def __init__(self, url: str, cookie: str):
        self.url, self.cookie = url, cookie
        self.seconds: list[float] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        http = requests.Session()
        while not self._stop.is_set():
            started = time.perf_counter()
            response = http.get(self.url, headers={"Cookie": self.cookie}, timeout=120)
            if response.status_code == 200 and response.content.startswith(b"%PDF"):
                self.seconds.append(time.perf_counter() - started)
            else:
                self.failures.append(f"{response.status_code} {response.text[:200]}")

    def __enter__(self) -> PdfLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(130)


class ImportLoop(PdfLoop):
    """One facilitator importing the generated 100,000-row customer export back to back (a
    new workshop every few imports: a workshop holds at most 20 datasets)."""

    def __init__(self, base: str, body: dict):
        super().__init__("", "")
        self.base = base
        # Encoded once: re-encoding 26 MB of JSON per import is client CPU that, on a small
        # host, the server's own processes would lose.
        self.encoded = json.dumps(body).encode()

    def _workshop(self, http) -> tuple[str, str]:
        created = http.post(self.base + "/api/workshops", json={"title": "Importing workshop"},
                            timeout=30).json()
        return created["id"], join(self.base, token(created["facilitator_url"]), "Importer", "")

    def _run(self) -> None:
        http = requests.Session()
        wid, cookie = self._workshop(http)
        done = 0
        while not self._stop.is_set():
            if done and done % 15 == 0:
                wid, cookie = self._workshop(http)
            started = time.perf_counter()
            op_id = json.dumps(f"import-{done}-{time.time()}").encode()
            response = http.post(f"{self.base}/api/workshops/{wid}/datasets", timeout=300,
                                 headers={"Cookie": cookie, "Content-Type": "application/json"},
                                 data=b'{"op_id": ' + op_id + b", " + self.encoded[1:])
            done += 1
            if response.status_code == 201:
                self.seconds.append(time.perf_counter() - started)
            else:
                self.failures.append(f"{response.status_code} {response.text[:200]}")


def import_body() -> dict:
    """The dataset.import body of the generated export (tests/profiles_data.py)."""
    import base64
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.profiles_data import AS_OF, customer_csv

    return {"name": "CRM export", "as_of": AS_OF.isoformat(),
            "content_base64": base64.b64encode(customer_csv()).decode()}


def heavy_runs(name: str, server: Server, args, workdir: Path) -> list[dict]:
    """Quiet and busy runs of the 200-person workshop against one server, alternating (each
    repeat swaps their order), so each ratio compares runs seconds apart; two result rows."""
    participants, rate = TARGET_STEP
    url, cookie = pdf_workshop(server.url, args.heavy_full)
    started = time.perf_counter()  # the first export starts the workers
    assert requests.get(url, headers={"Cookie": cookie}, timeout=120).ok
    log(f"heavy: {name}: first PDF in {time.perf_counter() - started:.2f} s")
    body = import_body() if getattr(args, "heavy_import", False) else None
    runs: dict[str, list[dict]] = {"quiet": [], "pdf": []}
    for repeat in range(max(args.repeats, 3)):
        for kind in ("quiet", "pdf") if repeat % 2 == 0 else ("pdf", "quiet"):
            log(f"heavy: {name} {kind} {step_label(TARGET_STEP)} (run {repeat + 1})")
            seed = 1000 * repeat + participants
            if kind == "quiet":
                run = measure("app", [server], participants, rate, args, workdir, seed)
            else:
                with (ImportLoop(server.url, body) if body else PdfLoop(url, cookie)) as loop:
                    run = measure("app", [server], participants, rate, args, workdir, seed)
                run.update(pdfs=len(loop.seconds), pdf_failures=len(loop.failures),
                           pdf_s=round(statistics.median(loop.seconds), 3)
                           if loop.seconds else None)
                if loop.failures:
                    log(f"  PDF failures: {loop.failures[:3]}")
            runs[kind].append(run)
            log(f"  fan-out p50/p99 {run['fanout_ms']['p50']}/{run['fanout_ms']['p99']} ms"
                + (f", {run['pdfs']} PDFs" if kind == "pdf" else ""))
    ratios = [b["fanout_ms"]["p99"] / q["fanout_ms"]["p99"]
              for q, b in zip(runs["quiet"], runs["pdf"], strict=True)]
    results = []
    for kind, label in (("quiet", f"{name}, quiet"), ("pdf", f"{name}, PDF exports beside it")):
        row = dict(median_run(runs[kind]), group="heavy", kind=label, server=name,
                   raw=[{k: r.get(k) for k in ("fanout_ms", "ack_ms", "pdfs", "pdf_s",
                                               "delivered_ratio")} for r in runs[kind]])
        if kind == "pdf":
            row.update(pdfs=sum(r["pdfs"] for r in runs[kind]),
                       pdf_failures=sum(r["pdf_failures"] for r in runs[kind]),
                       pdf_s=statistics.median(r["pdf_s"] for r in runs[kind] if r["pdf_s"]),
                       ratios=[round(r, 2) for r in ratios],
                       pdf_kind="100,000-row data imports" if body else
                       "full one-pager" if args.heavy_full else "small draft")
        results.append(row)
    return results


def heavy_group(args, workdir: Path) -> list[dict]:
    """The 200-person workshop at 0.25 ops/s, alone and beside PDF exports back to back, on
    one eventlet worker on SQLite; with --compare, the other checkout's app after it."""
    servers = {"app": ROOT}
    if args.compare:
        servers["app-compare"] = Path(args.compare).resolve()
    results = []
    for name, checkout in servers.items():
        sqlite = f"sqlite:///{workdir / f'heavy-{name}.sqlite3'}"
        migrate(app_env(0, "eventlet", sqlite), cwd=checkout)
        server = start_app(workdir, "eventlet", sqlite, name=f"heavy-{name}", cwd=checkout)
        try:
            results += heavy_runs(name, server, args, workdir)
        finally:
            server.stop()
    return results

