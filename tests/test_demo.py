"""The demo workshop `make run` shows: created through the real services, found again."""

from workshop import demo
from workshop.domain.tokens import split_token
from workshop.reads.snapshot import snapshot


def test_the_demo_has_notes_research_and_evidence_and_is_created_once(backend):
    assert demo.find_demo(backend) is None
    token = demo.seed_demo(backend)
    assert demo.find_demo(backend) == token
    workshop_id = split_token(token)[0]
    viewer = {"id": None, "name": "", "team": "", "role": "facilitator"}
    state = snapshot(backend, workshop_id, viewer)
    assert len(state["personas"]) == 2 and len(state["assumptions"]) == 15
    assert len(state["notes"]) == 3
    assert {link["relation"] for link in state["evidence"]} == {"supports", "contradicts"}
    assert all("<table>" in n["body_html"] or "<ul>" in n["body_html"] or "<ol>" in
               n["body_html"] for n in state["notes"])  # real Markdown, rendered
