"""Golden files: what the demo workshop produces, normalised so that two runs compare equal.

Regenerate them on purpose (after a change that is meant to alter the output) with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_demo.py -q`, then read the diff.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATING = os.environ.get("UPDATE_GOLDEN") == "1"

# ISO 8601 moments as the log writes them (log.iso), and as exports print them.
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                     r"(?:Z|[+-]\d{2}:?\d{2}| UTC)?")
# The generated avatar's colours and shape come from the persona's (random) id (domain/avatar.py).
_AVATAR = re.compile(r'<g clip-path="url\(#avatar-clip\)">.*?</g>')
# Any id shaped like new_id() that the database did not name (there should be none).
_LOOSE_ID = re.compile(r"\b[0-9a-f]{32}\b")


class Normaliser:
    """Random ids, secrets and moments → placeholders, numbered by first appearance.

    `known` maps each random value the run made to its kind ("participant", "secret", …), so
    the placeholders read as what they stand for; one instance is used for every file of a
    run, so the same id gets the same placeholder everywhere.
    """

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.placeholders: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        # Longest first, so a token is replaced whole before the id inside it.
        alternatives = "|".join(re.escape(value) for value in sorted(known, key=len, reverse=True))
        self._pattern = re.compile(alternatives) if alternatives else None

    def _placeholder(self, value: str, kind: str) -> str:
        if value not in self.placeholders:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.placeholders[value] = f"<{kind}-{self.counts[kind]}>"
        return self.placeholders[value]

    def text(self, text: str) -> str:
        """One text with every random value and moment replaced."""
        text = _MOMENT.sub("<time>", text)  # first: a moment holds the day, also a known value
        text = _AVATAR.sub("<avatar shapes from the persona id>", text)
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self._placeholder(m[0], self.known[m[0]]), text)
        return _LOOSE_ID.sub(lambda m: self._placeholder(m[0], "id"), text)

    def value(self, value: object) -> object:
        """A JSON-like value with every string (and key) normalised."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        return value


def as_json(value: object) -> str:
    """Readable, stable JSON for a golden file (keys in the order the code made them)."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def compare(name: str, actual: str) -> str | None:
    """A unified diff of a golden file against `actual`, or None when equal (or updated)."""
    path = GOLDEN_DIR / name
    if UPDATING:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))  # bytes: a CSV's CRLF line ends stay as made
        return None
    expected = path.read_bytes().decode("utf-8") if path.exists() else ""
    if expected == actual:
        return None
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                        actual.splitlines(keepends=True),
                                        f"tests/golden/{name} (golden)", f"{name} (this run)"))
