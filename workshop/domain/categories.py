"""The persona categories every board starts with (from the product brief)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A column of the board: a stable key, a label, and a prompt for the writer."""

    key: str
    label: str
    prompt: str

    def as_dict(self) -> dict:
        """The JSON form used in snapshots."""
        return {"key": self.key, "label": self.label, "prompt": self.prompt}


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("identity", "Identity & character",
             "Name, quote, short story, role, age range, location"),
    Category("goals", "Goals", "What are they trying to achieve?"),
    Category("needs", "Needs", "What do they need, including information?"),
    Category("motivations", "Motivations", "Why do they act?"),
    Category("fears", "Fears & frustrations", "What worries or annoys them?"),
    Category("desires", "Desires", "What would delight them?"),
    Category("behaviours", "Behaviours & habits", "What do they do, and how often?"),
    Category("channels", "Contact & channels", "Where and how do they want to hear from us?"),
    Category("tone", "Tone of voice", "How should we speak to them?"),
    Category("messages", "Core messages", "What must they hear from us?"),
)

CATEGORY_KEYS = frozenset(c.key for c in DEFAULT_CATEGORIES)
_LABELS = {c.key: c.label for c in DEFAULT_CATEGORIES}


def category_label(key: str) -> str:
    """The label people read for a category key."""
    return _LABELS.get(key, key)


def in_board_order(keys) -> list[str]:
    """Known category keys, each once, in the board's column order."""
    wanted = set(keys)
    return [c.key for c in DEFAULT_CATEGORIES if c.key in wanted]


def categories_for(_settings: dict | None = None) -> list[dict]:
    """The categories a workshop's boards show, in column order."""
    return [c.as_dict() for c in DEFAULT_CATEGORIES]
