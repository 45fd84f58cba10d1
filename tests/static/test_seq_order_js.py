"""Live events in seq order (static/js/seq_order.js), run in node with a hand-driven clock.

With several workers, event n+1 can arrive just after n+2. The board holds n+2 briefly and
applies both in order; only a gap that stays open for the hold time costs a `sync`.
"""

import pytest

from tests.static.node import node_runner

# Steps: ["offer", seq] a live event arrives · ["wait"] the hold time passes (the pending
# timer fires) · ["synced", seq] a sync answer brought the state to seq, then release().
RUN = """
import { SeqOrder } from %s;
const steps = input;
const state = { seq: 10 };
const applied = [];
let gaps = 0;
let pending = null;
const order = new SeqOrder({
  current: () => state.seq,
  apply: (event) => { state.seq = event.seq; applied.push(event.seq); },
  onGap: () => { gaps += 1; },
  setTimer: (fn) => { pending = fn; return 1; },
  clearTimer: () => { pending = null; },
});
for (const [step, seq] of steps) {
  if (step === "offer") order.offer({ seq, type: "assumption.added", data: {} });
  if (step === "wait" && pending) { const fire = pending; pending = null; fire(); }
  if (step === "synced") { state.seq = seq; order.release(); }
}
console.log(JSON.stringify({ applied, gaps, held: [...order.held.keys()],
                             waiting: pending !== null, seq: state.seq }));
"""


@pytest.fixture
def run():
    runner = node_runner("seq_order.js", RUN)
    return lambda *steps: runner(list(steps))


def test_events_in_order_are_applied_at_once(run):
    assert run(["offer", 11], ["offer", 12], ["offer", 13]) == {
        "applied": [11, 12, 13], "gaps": 0, "held": [], "waiting": False, "seq": 13}


def test_an_event_ahead_waits_for_the_missing_one_without_a_sync(run):
    # Two workers: 12 arrives before 11, then 14 before 13.
    out = run(["offer", 12], ["offer", 11], ["offer", 14], ["offer", 13], ["wait"])
    assert out == {"applied": [11, 12, 13, 14], "gaps": 0, "held": [], "waiting": False,
                   "seq": 14}


def test_a_gap_that_stays_open_syncs_once_and_the_answer_covers_the_held_events(run):
    out = run(["offer", 12], ["offer", 13], ["wait"])
    assert out["applied"] == [] and out["gaps"] == 1 and out["held"] == []
    # The sync's answer (11–13) has been applied; an event that arrived meanwhile follows it.
    out = run(["offer", 12], ["wait"], ["offer", 14], ["synced", 13])
    assert out == {"applied": [14], "gaps": 1, "held": [], "waiting": False, "seq": 14}


def test_repeated_and_old_events_are_ignored(run):
    out = run(["offer", 11], ["offer", 11], ["offer", 9], ["offer", 13], ["offer", 13],
              ["offer", 12])
    assert out == {"applied": [11, 12, 13], "gaps": 0, "held": [], "waiting": False, "seq": 13}


def test_a_sync_past_the_held_events_drops_them_and_stops_waiting(run):
    out = run(["offer", 13], ["synced", 15])  # e.g. a reconnect brought a fresh snapshot
    assert out == {"applied": [], "gaps": 0, "held": [], "waiting": False, "seq": 15}
