"""bench/clients/client.js measures only the load: its warm-up ops go through and are left out."""

import json
import sys

import pytest

from workshop.config import ROOT

sys.path.insert(0, str(ROOT / "bench"))  # the harness is run as a script, not installed
from harness.clients import run_clients  # noqa: E402
from harness.servers import start_floor  # noqa: E402


@pytest.fixture
def floor(tmp_path):
    server = start_floor(tmp_path, "eventlet")
    yield server
    server.stop()


def _config(floor, tmp_path, warmup_ops: int) -> dict:
    return {"clients": [{"url": floor.url, "cookie": None} for _ in range(5)],
            "auth": {"workshop": f"warm-{warmup_ops}"}, "rate": 4, "duration": 1.5,
            "settle": 0.2, "drainTimeout": 10, "seed": 3, "personaId": "p0",
            "assumptionIds": ["a0", "a1"], "addShare": 0.3, "warmupOps": warmup_ops,
            "rawOut": str(tmp_path / f"raw-{warmup_ops}.json")}


def test_warm_up_ops_are_applied_but_not_measured(floor, tmp_path):
    config = _config(floor, tmp_path, warmup_ops=7)
    result = run_clients([config], tmp_path)[0]
    ops = json.loads((tmp_path / "raw-7.json").read_text())["ops"]

    # The relay numbers a room's ops from 1, so the warm-up took seqs 1-7 and the measured
    # load starts at 8; nothing of the warm-up is left in the figures.
    assert min(op["seq"] for op in ops) == 8
    assert result["ops_sent"] == result["ops_acked_ok"] == len(ops) == result["ack_ms"]["n"]
    assert result["delivered_ratio"] == 1.0 and result["drained"]
    assert result["stray_events"] == 0 and result["doubled"] == 0
    assert result["fanout_ms"]["n"] == len(ops) * 4  # each op reaches the four others
    assert all(len(op["fanout"]) == 4 for op in ops)


def test_without_warm_up_the_load_starts_at_the_first_seq(floor, tmp_path):
    run_clients([_config(floor, tmp_path, warmup_ops=0)], tmp_path)
    ops = json.loads((tmp_path / "raw-0.json").read_text())["ops"]
    assert min(op["seq"] for op in ops) == 1


def test_one_client_process_drives_several_workshops_each_counted_apart(floor, tmp_path):
    sessions = []
    for n, size in enumerate((3, 5)):
        one = _config(floor, tmp_path, warmup_ops=4)
        sessions.append({"clients": one["clients"][:size], "auth": {"workshop": f"room-{n}"},
                         "seed": 10 + n, "personaId": "p0", "assumptionIds": ["a0"],
                         "rawOut": str(tmp_path / f"room-{n}.json")})
    config = {k: v for k, v in _config(floor, tmp_path, 4).items()
              if k not in ("clients", "auth", "seed", "personaId", "assumptionIds", "rawOut")}
    answer = run_clients([dict(config, sessions=sessions)], tmp_path)[0]

    assert [r["participants"] for r in answer["sessions"]] == [3, 5]
    for n, (result, size) in enumerate(zip(answer["sessions"], (3, 5), strict=True)):
        ops = json.loads((tmp_path / f"room-{n}.json").read_text())["ops"]
        # Each room numbers its own ops; its receipts are its members' alone.
        assert min(op["seq"] for op in ops) == 5  # after the four warm-up ops
        assert result["delivered_ratio"] == 1.0 and result["stray_events"] == 0
        assert all(len(op["fanout"]) == size - 1 for op in ops)
    assert answer["client_cpu_pct"] >= 0 and answer["client_cpu_s"] >= 0
