"""The validation backlog's placement rules, with the worked example of domain/backlog.py."""

from __future__ import annotations

from workshop.domain import backlog


def trait(id_: str, dots: int, agreement: float | None, state: str) -> dict:
    """A document item with these votes and this evidence state."""
    return {"id": id_, "text": f"trait {id_}",
            "provenance": {"votes": {"dots": dots, "agreement": agreement},
                           "evidence_state": state}}


WORKED = [trait("many_dots", 6, None, "untested"), trait("mean_dots", 2, 0.5, "validated"),
          trait("widely_held", 0, 0.8, "untested"), trait("contradicted", 0, 0.5,
                                                          "contradicted"),
          trait("unvoted", 0, None, "untested")]


def test_the_worked_example():
    placed = {p["id"]: p for p in backlog.place(WORKED)}
    assert backlog.mean_dots(WORKED) == 8 / 5
    assert placed["many_dots"]["quadrant"] == "research_now"
    assert placed["mean_dots"]["quadrant"] == "rely_on"
    assert placed["widely_held"]["quadrant"] == "research_now"
    assert placed["contradicted"]["quadrant"] == "fine"
    assert placed["contradicted"]["rethink"] is True
    assert placed["unvoted"]["quadrant"] == "watch"


def test_dots_at_the_mean_are_important_but_none_never_are():
    items = [trait("a", 2, None, "untested"), trait("b", 2, None, "untested")]
    assert all(p["important"] for p in backlog.place(items))
    zeros = [trait("a", 0, None, "untested"), trait("b", 0, None, "untested")]
    assert not any(p["important"] for p in backlog.place(zeros))


def test_agreement_just_below_the_line_is_not_important():
    assert not backlog.important(trait("a", 0, 0.7499, "untested"), 1.0)
    assert backlog.important(trait("a", 0, 0.75, "untested"), 1.0)


def test_by_quadrant_lists_every_cell():
    cells = backlog.by_quadrant(backlog.place(WORKED))
    assert list(cells) == list(backlog.QUADRANTS)
    assert [p["id"] for p in cells["research_now"]] == ["many_dots", "widely_held"]
    assert backlog.by_quadrant([]) == {q: [] for q in backlog.QUADRANTS}


def test_item_targets_of_a_group_include_its_notes():
    assert backlog.item_targets("a:x1") == {("assumption", "x1")}
    assert backlog.item_targets("g:g1", ["x1", "x2"]) == {
        ("group", "g1"), ("assumption", "x1"), ("assumption", "x2")}
