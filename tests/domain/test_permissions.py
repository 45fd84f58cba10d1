"""Who may change a note, and when its text or an agreed version is fixed."""


from workshop.domain.permissions import may_change, reopen_refusal, text_fixed
from workshop.domain.settings import phase_after_agreeing, phase_after_new_draft


def test_authors_change_their_own_notes_and_the_facilitator_any():
    assert may_change("participant", "u1", "u1")
    assert not may_change("participant", "u1", "u2")
    assert may_change("facilitator", "f1", "u2")
    assert not may_change("observer", "o1", "o1")


def test_a_notes_text_is_fixed_once_voted_on_or_decided():
    assert text_fixed(0, False) is None
    assert text_fixed(3, False).reason == "text_voted_on"
    assert text_fixed(0, True).reason == "text_decided"
    assert text_fixed(3, True).reason == "text_decided"  # the decision is the stronger reason


def test_reopening_an_agreed_version_is_confirmed_and_may_be_the_facilitators_alone():
    assert reopen_refusal("participant", False, True, 1) is None
    code, why = reopen_refusal("participant", False, False, 3)
    assert (code, why.reason) == ("conflict", "reopen_unconfirmed")
    assert "starts version 4" in why.message and "clears the sign-offs" in why.message
    code, why = reopen_refusal("participant", True, True, 1)
    assert (code, why.reason) == ("forbidden", "reopen_facilitator_only")
    assert reopen_refusal("facilitator", True, True, 1) is None


def test_the_phase_follows_agreement():
    assert phase_after_agreeing("merge", ["agreed"]) == "agreed"
    assert phase_after_agreeing("merge", ["agreed", "draft"]) == "merge"
    assert phase_after_new_draft("agreed") == "merge"
    assert phase_after_new_draft("reconcile") == "reconcile"
