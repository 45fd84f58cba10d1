"""The benchmark's heavy step: a PDF loop against the real app, and how its ratio is judged."""

import sys

import pytest

from workshop.config import ROOT

sys.path.insert(0, str(ROOT / "bench"))  # the harness is run as a script, not installed
from harness.heavy import PdfLoop, pdf_workshop  # noqa: E402
from harness.report import markdown  # noqa: E402
from harness.servers import app_env, migrate, start_app  # noqa: E402
from harness.targets import targets  # noqa: E402


@pytest.fixture
def app_server(tmp_path):
    database = f"sqlite:///{tmp_path / 'heavy.sqlite3'}"
    migrate(app_env(0, "eventlet", database))
    server = start_app(tmp_path, "eventlet", database)
    yield server
    server.stop()


def test_the_pdf_loop_fetches_real_pdfs_back_to_back(app_server):
    url, cookie = pdf_workshop(app_server.url, full=True)
    with PdfLoop(url, cookie) as loop:
        while len(loop.seconds) + len(loop.failures) < 2:
            loop._stop.wait(0.1)
    assert loop.failures == [] and len(loop.seconds) >= 2


def row(server: str, kind: str, p99: float, ratios=None) -> dict:
    fanout = {"p50": p99 / 3, "p90": p99 / 2, "p99": p99, "max": p99 * 1.2}
    result = {"group": "heavy", "server": server, "kind": f"{server}, {kind}",
              "fanout_ms": fanout, "ack_ms": fanout, "delivered_ratio": 1.0,
              "server_cpu_pct": 30.0}
    if ratios is not None:
        result.update(ratios=ratios, pdfs=40, pdf_s=0.4, pdf_failures=0,
                      pdf_kind="small draft")
    return result


def test_the_target_is_the_median_of_the_runs_own_ratios():
    results = [row("app", "quiet", 20), row("app", "PDF exports beside it", 24, [1.1, 1.2, 2.5]),
               row("app-compare", "quiet", 50),
               row("app-compare", "PDF exports beside it", 165, [3.3, 3.1, 4.0])]
    checks = {c["target"].split(":")[0]: c for c in targets(results)}
    assert checks["heavy, app"]["met"] is True
    assert checks["heavy, app"]["measured"].startswith("1.20x, median of 3")
    assert checks["heavy, app-compare"]["met"] is False
    report = markdown({"results": results, "targets": targets(results),
                           "date": "today", "machine": "here", "command": "run.py",
                           "duration_s": 4, "settle_s": 1.5, "repeats": 3})
    assert "| app, PDF exports beside it | " in report and "| 1.10, 1.20, 2.50 |" in report
