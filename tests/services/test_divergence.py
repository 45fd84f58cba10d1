"""The divergence view: measures per note from real votes, most divisive first."""

from tests.helpers import add_note, make_member, make_workshop, send
from workshop.services.divergence import divergence


def vote(backend, workshop_id, member, note_id, stance):
    ack = send(backend, workshop_id, member["id"], "vote.cast",
               {"assumption_id": note_id, "stance": stance})
    assert ack["ok"], ack


def test_the_note_the_teams_split_on_ranks_first_and_is_contested(backend):
    created = make_workshop(backend, teams=["Marketing", "Support", "Sales"])
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    ann = make_member(backend, created.invite_token, "Ann", "Marketing")
    bob = make_member(backend, created.invite_token, "Bob", "Marketing")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    calm = add_note(backend, created.id, ann, "Wants less hassle")["event"]["data"]
    split = add_note(backend, created.id, ann, "Loves phone calls")["event"]["data"]
    calm_id, split_id = calm["assumption"]["id"], split["assumption"]["id"]
    for member in (ann, bob, sam):
        vote(backend, created.id, member, calm_id, "agree")
    vote(backend, created.id, ann, split_id, "agree")
    vote(backend, created.id, bob, split_id, "agree")
    vote(backend, created.id, sam, split_id, "disagree")

    view = divergence(backend, created.id, facilitator)
    # Sales has no participant, so it is not a column and does not weigh on consensus.
    assert view["teams"] == ["Marketing", "Support"]
    first, second = view["items"]
    assert first["id"] == split_id
    assert first["measures"]["contested"] is True
    assert first["measures"]["only_team"] == "Marketing"
    # A = 2/3; GAC = (2+1)/(2+2) * (0+1)/(1+2) = 0.75 * 1/3 = 0.25
    assert first["measures"]["agreement"] == 0.6667
    assert first["measures"]["consensus"] == 0.25
    assert second["measures"]["contested"] is False and second["measures"]["agreement"] == 1.0


def test_while_voting_is_blind_the_view_is_empty(backend):
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    send(backend, created.id, facilitator["id"], "settings.update", {"blind_voting": True})
    note_id = add_note(backend, created.id, sam)["event"]["data"]["assumption"]["id"]
    vote(backend, created.id, sam, note_id, "disagree")
    view = divergence(backend, created.id, sam)
    assert view["blind"] is True and view["items"] == []
    send(backend, created.id, facilitator["id"], "reveal", {"what": "votes"})
    view = divergence(backend, created.id, sam)
    assert view["items"][0]["measures"]["teams"]["Support"]["disagree"] == 1


def test_private_notes_of_others_are_left_out(backend):
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    send(backend, created.id, facilitator["id"], "settings.update", {"private_collect": True})
    add_note(backend, created.id, sam, "Private thought")
    assert divergence(backend, created.id, facilitator)["items"] == []
    assert [i["text"] for i in divergence(backend, created.id, sam)["items"]] == [
        "Private thought"]
