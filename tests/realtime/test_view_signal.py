"""The facilitator's `view` signal, which presenter views follow: relayed, never logged,
and only the facilitator's."""

from tests.realtime import test_handlers
from tests.realtime.test_handlers import events_of

session = test_handlers.session  # a facilitator and two participants, both kinds of connection


def test_the_facilitators_view_reaches_the_others_and_is_not_logged(session):
    maria, lotte = session["socks"]["facilitator"], session["socks"]["lotte"]
    ack = maria.emit("signal", {"type": "view", "persona_id": session["persona"],
                                "view": "divergence"}, callback=True)
    assert ack == {"ok": True}
    [signal] = events_of(lotte, "signal")
    assert signal == {"type": "view", "participant_id": session["facilitator"]["id"],
                      "name": "Maria", "persona_id": session["persona"], "view": "divergence"}
    assert events_of(maria, "signal") == []
    assert events_of(lotte) == []  # nothing entered the log


def test_the_research_plan_is_a_view_presenters_follow_too(session):
    maria, lotte = session["socks"]["facilitator"], session["socks"]["lotte"]
    ack = maria.emit("signal", {"type": "view", "persona_id": session["persona"],
                                "view": "plan"}, callback=True)
    assert ack == {"ok": True}
    [signal] = events_of(lotte, "signal")
    assert signal["view"] == "plan"


def test_a_participants_view_is_their_own(session):
    sam, lotte = session["socks"]["sam"], session["socks"]["lotte"]
    ack = sam.emit("signal", {"type": "view", "persona_id": session["persona"],
                              "view": "board"}, callback=True)
    assert ack == {"ok": False, "error": {"code": "forbidden",
                                          "message": "only the facilitator's view is followed"}}
    assert events_of(lotte, "signal") == []


def test_a_view_that_is_not_one_of_the_four_is_refused(session):
    maria, lotte = session["socks"]["facilitator"], session["socks"]["lotte"]
    for bad in ({"type": "view", "persona_id": session["persona"], "view": "admin"},
                {"type": "view", "persona_id": "../x", "view": "board"},
                {"type": "view", "persona_id": session["persona"]}):
        ack = maria.emit("signal", bad, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", bad
    assert events_of(lotte, "signal") == []
