"""Likely duplicates: the labelled pairs justify the threshold; normalising in two languages."""

from __future__ import annotations

import statistics
import time

import pytest

from tests.domain.duplicate_pairs import DUTCH, ENGLISH, PAIRS
from workshop.domain import duplicates
from workshop.domain.duplicates import THRESHOLD, normalise, score, suggest


def _precision_recall(threshold: float, scores: list[tuple[float, bool]]) -> tuple[float, float]:
    hits = sum(1 for s, same in scores if s >= threshold and same)
    suggested = sum(1 for s, _ in scores if s >= threshold)
    duplicates_ = sum(1 for _, same in scores if same)
    return (hits / suggested if suggested else 1.0), hits / duplicates_


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@pytest.fixture(scope="module")
def scores():
    return [(score(a, b), same) for a, b, same in PAIRS]


def test_the_labelled_set_is_large_and_covers_both_languages_and_both_answers():
    assert len(PAIRS) >= 100
    for pairs in (ENGLISH, DUTCH):
        assert len(pairs) >= 45
        assert 20 <= sum(same for *_, same in pairs) <= len(pairs) - 20


def test_the_threshold_has_good_precision_and_recall_on_the_labelled_set(scores, capsys):
    precision, recall = _precision_recall(THRESHOLD, scores)
    english = _precision_recall(THRESHOLD, scores[:len(ENGLISH)])
    dutch = _precision_recall(THRESHOLD, scores[len(ENGLISH):])
    with capsys.disabled():
        print(f"\nduplicates at threshold {THRESHOLD:g} on {len(PAIRS)} labelled pairs: "
              f"precision {precision:.3f}, recall {recall:.3f}, F1 {_f1(precision, recall):.3f}"
              f" (English {len(ENGLISH)}: {english[0]:.3f}/{english[1]:.3f}, "
              f"Dutch {len(DUTCH)}: {dutch[0]:.3f}/{dutch[1]:.3f})")
    assert precision >= 0.85
    assert recall >= 0.90


def test_no_other_threshold_does_clearly_better(scores):
    """The threshold is the best F1 of every whole number from 50 to 95, within 0.01."""
    best = max(_f1(*_precision_recall(t, scores)) for t in range(50, 96))
    assert _f1(*_precision_recall(THRESHOLD, scores)) >= best - 0.01


def test_the_example_from_the_issue_is_suggested():
    found = suggest(["Wants to get to work faster…", "Reads at night",
                     "Wants to commute faster"])
    assert [(s.first, s.second) for s in found] == [(0, 2)]


def test_opposites_are_not_suggested():
    assert suggest(["Wants fewer meetings", "Wants more meetings"]) == []
    assert suggest(["Wil minder vergaderingen", "Wil meer vergaderingen"]) == []


def test_case_accents_punctuation_and_stop_words_do_not_matter():
    assert normalise("Het CAFÉ, om de hoek!") == normalise("het cafe om de hoek")
    assert normalise("Wants to get to work faster…") == "want work fast"
    assert normalise("Wil sneller naar het werk") == "snell werk"  # crude stems, alike both sides


def test_a_short_note_takes_the_language_of_the_board():
    """"Haat lange formulieren" has no stop word; among Dutch notes it is stemmed as Dutch."""
    assert duplicates.board_language(["Wil de factuur per mail", "Haat formulieren"]) == "nl"
    assert normalise("Haat lange formulieren", "nl") == "haa lang formulier"
    assert normalise("Haat lange formulieren", "en") != normalise("Haat lange formulieren", "nl")


def test_pairs_already_together_are_left_out_and_the_best_come_first():
    texts = ["Pays by phone", "Pays with her phone", "Pays with the phone", "Reads at night"]
    found = suggest(texts, exclude={(0, 1)})
    assert (0, 1) not in {(s.first, s.second) for s in found}
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert suggest(texts, limit=1) == suggest(texts)[:1]


def test_sixty_notes_take_milliseconds(capsys):
    """Measured, not bounded tightly: the read runs it in the worker pool anyway."""
    texts = [a for a, _, _ in PAIRS[:30]] + [b for _, b, _ in PAIRS[:30]]
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        suggest(texts)
        timings.append((time.perf_counter() - started) * 1000)
    with capsys.disabled():
        print(f"\nsuggest() on 60 notes: median {statistics.median(timings):.1f} ms "
              f"(range {min(timings):.1f}–{max(timings):.1f})")
    assert statistics.median(timings) < 100
