"""The browser's reducer (static/js/state.js) rebuilds the same state as the server."""

import json
import shutil
import subprocess

import pytest

from tests.helpers import add_note, comparable, make_member, make_workshop, send
from workshop.config import ROOT
from workshop.services import workshops

REPLAY = """
import { applyEvent } from %s;
const events = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => { data += chunk; });
  process.stdin.on("end", () => resolve(data));
}));
const state = { workshop: null, personas: [], participants: [], assumptions: [], seq: 0 };
const results = events.map((event) => applyEvent(state, event));
console.log(JSON.stringify({ state, results }));
"""


@pytest.fixture
def node():
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed")
    return path


def test_the_browser_reducer_replays_the_log_into_the_snapshot(node, sqlite_url):
    from workshop.db import Database
    from workshop.services.backend import Backend, CollectingPublisher, PresenceRegistry

    backend = Backend(Database(sqlite_url), CollectingPublisher(), PresenceRegistry())
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    make_member(backend, created.invite_token, "Lea", "Legal")
    note = add_note(backend, created.id, sam, "Wants calm")["event"]["data"]["assumption"]
    add_note(backend, created.id, sam, "Reads at night", category="behaviours")
    send(backend, created.id, sam["id"], "assumption.edit", {"id": note["id"], "text": "Calm"})
    persona = send(backend, created.id, facilitator["id"], "persona.add", {"name": "Ruben"})
    send(backend, created.id, facilitator["id"], "persona.rename",
         {"id": persona["event"]["data"]["persona"]["id"], "name": "Ruben R."})
    send(backend, created.id, facilitator["id"], "assumption.delete", {"id": note["id"]})
    log = workshops.sync(backend, created.id, sam, 0)["events"]
    gap_and_repeat = [log[0], {**log[3], "seq": log[-1]["seq"] + 5}]

    module = json.dumps((ROOT / "static/js/state.js").as_uri())
    result = subprocess.run([node, "--input-type=module", "-e", REPLAY % module],
                            input=json.dumps(log + gap_and_repeat), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["state"] == comparable(workshops.snapshot(backend, created.id, sam))
    assert output["results"][-2:] == ["old", "gap"]
    backend.db.dispose()
