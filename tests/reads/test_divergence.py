"""The divergence view: measures per note from real votes, most divisive first."""

from tests.helpers import add_note, make_member, make_workshop, send
from workshop.reads.divergence import divergence


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


# ---- measures pushed with each vote: boards need not refetch the picture -----------------

def vote_event(backend, workshop_id, member, note_id, stance):
    ack = send(backend, workshop_id, member["id"], "vote.cast",
               {"assumption_id": note_id, "stance": stance})
    assert ack["ok"], ack
    return ack["event"]["data"]


def measures_in_view(backend, workshop_id, viewer) -> dict:
    return {item["id"]: item["measures"] for item in
            divergence(backend, workshop_id, viewer)["items"]}


def test_each_vote_carries_the_measures_the_divergence_view_shows(backend):
    created = make_workshop(backend, teams=["Marketing", "Support", "Sales"])
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    ann = make_member(backend, created.invite_token, "Ann", "Marketing")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    note_id = add_note(backend, created.id, ann, "Loves phone calls")["event"]["data"][
        "assumption"]["id"]
    for member, stance in ((ann, "agree"), (sam, "disagree"), (sam, "unsure"), (ann, None)):
        pushed = vote_event(backend, created.id, member, note_id, stance)
        # After every vote, even a retracted one, the event says what a refetch would.
        assert pushed["measures"] == measures_in_view(backend, created.id, facilitator)[note_id]
    assert pushed["measures"]["teams"]["Support"]["unsure"] == 1
    assert "Sales" not in pushed["measures"]["teams"]  # no member: not a column
    # Everyone else receives the same measures in the public form.
    public = backend.publisher.events[-1][1]
    assert public["actor"] is None and public["data"]["measures"] == pushed["measures"]


def test_a_vote_on_a_grouped_note_carries_the_groups_measures(backend):
    created = make_workshop(backend, teams=["Marketing", "Support"])
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    ann = make_member(backend, created.invite_token, "Ann", "Marketing")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    first = add_note(backend, created.id, ann, "Saves money")["event"]["data"]["assumption"]
    second = add_note(backend, created.id, sam, "Wants it cheap")["event"]["data"]["assumption"]
    ack = send(backend, created.id, facilitator["id"], "group.add",
               {"assumption_id": second["id"], "onto_id": first["id"]})
    assert ack["ok"], ack
    vote_event(backend, created.id, ann, first["id"], "agree")
    pushed = vote_event(backend, created.id, sam, second["id"], "disagree")
    group_id = pushed["group"]["id"]
    # The group is the item of the view; its measures combine both notes' voters.
    assert pushed["group"]["measures"] == measures_in_view(backend, created.id, ann)[group_id]
    assert pushed["group"]["measures"]["contested"] is True


def test_no_measures_travel_while_voting_is_blind(backend):
    created = make_workshop(backend)
    facilitator = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    send(backend, created.id, facilitator["id"], "settings.update", {"blind_voting": True})
    note_id = add_note(backend, created.id, sam)["event"]["data"]["assumption"]["id"]
    assert "measures" not in vote_event(backend, created.id, sam, note_id, "disagree")
    assert "measures" not in backend.publisher.events[-1][1]["data"]
    send(backend, created.id, facilitator["id"], "reveal", {"what": "votes"})
    assert "measures" in vote_event(backend, created.id, sam, note_id, "agree")
