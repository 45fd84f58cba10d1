"""Likely duplicate notes: pairs of notes that probably say the same thing, for reconciling.

Notes are compared after normalising them the same way in English and Dutch: lower case,
accents folded ("café" → "cafe"), punctuation dropped, each note's language guessed from its
stop words and those stop words removed, and a light suffix strip ("wants" → "want",
"reizen" → "reiz"), so "Wants to get to work faster…" and "Wants to commute faster" compare
on "want get work fast" and "want commut fast".

The score is rapidfuzz's `token_set_ratio` (word order and repeated words do not matter; a
note that says everything the other says and a little more scores high), lowered by a
quarter when only one of the two has a word that turns the meaning ("more" and "fewer",
"meer" and "geen"): "wants more meetings" is no duplicate of "wants fewer meetings". A
pair is suggested at `THRESHOLD` or above. The scorer, the penalty and the threshold were
chosen on the labelled pairs in tests/domain/test_duplicates.py, which reports their
precision and recall (docs/decisions/duplicate-suggestions.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

# A pair scoring this or more (0–100) is suggested. Chosen on the labelled set in the test:
# the highest F1 there, with precision first (a wrong suggestion costs the facilitator a look,
# a missed one costs nothing they do not already do by hand).
THRESHOLD = 78.0
# At most this many suggestions are shown at once, best first.
MAX_SUGGESTIONS = 20

# Words that carry no meaning for duplicates. Kept short on purpose: negations ("not",
# "no", "niet", "geen") and quantities ("more", "less", "meer", "minder") stay, because
# "wants more meetings" and "wants fewer meetings" are not duplicates.
STOP_WORDS = {
    "en": frozenset("""
        a an the to of in on at for from by with and or but is are was were be been being
        am it its this that these those they them their he she his her him i me my we our
        us you your has have had do does did so as if then than into about over up out
        just very really would should could will can get gets got""".split()),
    "nl": frozenset("""
        de het een en of maar is zijn was waren ben bent wordt worden werd te van in op
        aan voor met bij om naar uit tot door over als dan dat die dit deze er hij zij ze
        hem haar hun ik me mij mijn wij we ons onze jij je jou jouw u uw heeft hebben had
        doet doen deed zo ook al wel nog toch even graag wil wilt willen kan kunnen zou
        zal moet moeten""".split()),
}

# Words that turn a note's meaning: a pair where only one note has one is scored lower.
CONTRASTS = frozenset("""
    more less fewer few no not never none without nothing only always
    meer minder weinig geen niet nooit zonder niets alleen altijd""".split())
CONTRAST_PENALTY = 0.75

# Suffixes stripped, longest first, when at least three letters remain.
_SUFFIXES = {
    "en": ("ing", "ed", "es", "er", "s", "e"),
    "nl": ("heden", "heid", "ingen", "ing", "en", "er", "e", "s", "t"),
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Suggestion:
    """Two notes (by their index in the list compared) that are probably the same idea."""

    first: int
    second: int
    score: float


def fold(text: str) -> str:
    """Lower case without accents: "Één café" → "een cafe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def language(words: Sequence[str], fallback: str = "en") -> str:
    """"en" or "nl", by which language's stop words the note uses more (`fallback` on a tie:
    "Haat lange formulieren" has none)."""
    english = sum(w in STOP_WORDS["en"] for w in words)
    dutch = sum(w in STOP_WORDS["nl"] for w in words)
    return "nl" if dutch > english else "en" if english > dutch else fallback


def board_language(texts: Iterable[str]) -> str:
    """The language most notes of a board are in, for notes too short to tell."""
    return language([w for t in texts for w in _WORD.findall(fold(t))])


def _stem(word: str, lang: str) -> str:
    for suffix in _SUFFIXES[lang]:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def normalise(text: str, fallback: str = "en") -> str:
    """The words a note is compared on, in its own order: folded, stop words gone, stemmed."""
    words = _WORD.findall(fold(text))
    lang = language(words, fallback)
    kept = [w if w in CONTRASTS else _stem(w, lang) for w in words
            if w not in STOP_WORDS[lang]]
    return " ".join(kept) if kept else " ".join(words)


def _score(first: str, second: str, cutoff: float = 0) -> float:
    """The score of two normalised notes; 0 when it cannot reach `cutoff`."""
    raw = fuzz.token_set_ratio(first, second, score_cutoff=cutoff)
    if raw and CONTRASTS.intersection(set(first.split()) ^ set(second.split())):
        raw *= CONTRAST_PENALTY
    return raw if raw >= cutoff else 0


def score(first: str, second: str) -> float:
    """How alike two notes are, 0–100, after normalising both."""
    fallback = board_language([first, second])
    return _score(normalise(first, fallback), normalise(second, fallback))


def suggest(texts: Iterable[str], exclude: set[tuple[int, int]] = frozenset(),
            threshold: float = THRESHOLD, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Pairs of texts at or above the threshold, best first; `exclude` holds pairs (i < j)
    that are already together (in the same group)."""
    texts = list(texts)
    fallback = board_language(texts)
    normalised = [normalise(t, fallback) for t in texts]
    if len(normalised) < 2:
        return []
    found = []
    for i, first in enumerate(normalised):
        for j in range(i + 1, len(normalised)):
            # With a cutoff, rapidfuzz stops early on pairs that cannot reach it (0 then).
            value = _score(first, normalised[j], threshold)
            if value and (i, j) not in exclude:
                found.append(Suggestion(i, j, round(value, 1)))
    found.sort(key=lambda s: (-s.score, s.first, s.second))
    return found[:limit]
