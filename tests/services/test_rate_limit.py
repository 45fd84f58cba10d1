"""Per-participant op rate limits: a flood is refused clearly; everyone else carries on."""

from limits import parse_many

from tests.helpers import add_note, first_persona, make_member, make_workshop, send
from workshop.reads.snapshot import snapshot
from workshop.services.rate_limit import MovingWindows, OpRateLimiter


def test_a_burst_passes_and_a_flood_is_refused_with_a_clear_error(backend):
    backend.rate_limiter = OpRateLimiter("5/second;100/minute")
    created = make_workshop(backend)
    flooder = make_member(backend, created.invite_token, "Flo", "Sales")
    calm = make_member(backend, created.invite_token, "Cal", "Support")
    persona = first_persona(backend, created.id, flooder)
    before = snapshot(backend, created.id, calm)["seq"]
    acks = [send(backend, created.id, flooder["id"], "assumption.add",
                 {"persona_id": persona, "category": "goals", "text": f"flood {i}"})
            for i in range(12)]
    assert [a["ok"] for a in acks].count(True) == 5
    refused = [a for a in acks if not a["ok"]]
    assert refused[0]["error"] == {"code": "rate_limited", "message":
                                   "too many changes at once: wait a moment and try again"}
    # The flood does not touch anyone else's allowance, and refused ops take no seq.
    for i in range(5):
        add_note(backend, created.id, calm, f"calm {i}")
    assert snapshot(backend, created.id, calm)["seq"] == before + 10


def test_the_limiter_counts_per_participant_and_per_window():
    limiter = OpRateLimiter("2/second;3/minute")
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")


def test_a_moving_window_frees_one_op_as_each_old_one_leaves_it():
    now = [0.0]
    windows = MovingWindows(parse_many("3/second;5/minute"), clock=lambda: now[0])
    assert [windows.allow("a") for _ in range(4)] == [True, True, True, False]
    now[0] = 0.999  # still inside the second of the first three
    assert not windows.allow("a")
    now[0] = 1.001  # the oldest three have left the second; the minute has room for two
    assert [windows.allow("a") for _ in range(3)] == [True, True, False]
    now[0] = 59.9  # the minute still holds five
    assert not windows.allow("a")
    now[0] = 60.01  # the first three have left the minute too
    assert [windows.allow("a") for _ in range(4)] == [True, True, True, False]
    assert windows.allow("b")  # every participant has windows of their own



def test_keys_whose_windows_are_empty_are_forgotten_so_the_map_stays_small():
    now = [0.0]
    windows = MovingWindows(parse_many("2/second;5/minute"), clock=lambda: now[0])
    for n in range(5000):  # a stream of new addresses, a few seconds apart in bursts
        now[0] = n * 0.05
        windows.allow(f"address {n}")
    # Only keys seen within the last minute may be held, plus one sweep's slack.
    assert len(windows.recent) <= 2 * (60 / 0.05) + 1
    windows.allow("address 4999")
    now[0] += 0.001
    assert not windows.allow("address 4999")  # a recent key keeps its count
