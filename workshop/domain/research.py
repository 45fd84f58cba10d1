"""What a research note is: its source types, its limits, and the check a draft must pass.

The limits match the research_note.add payload schema (`workshop/ops/research.py`), so a draft that
passes `validate_draft` is also accepted when it is added to a library.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

SOURCE_TYPES: Mapping[str, str] = MappingProxyType({
    "interview": "Interview",
    "survey": "Survey",
    "analytics": "Analytics",
    "support": "Support tickets",
    "desk": "Desk research",
    "other": "Other",
})

TITLE_MIN, TITLE_MAX = 1, 200
BODY_MAX = 20_000
TAGS_MAX = 20
TAG_MIN, TAG_MAX = 1, 40
RESPONDENTS_MIN, RESPONDENTS_MAX = 0, 10_000_000
# Research is dated by the day; one day of slack lets a note written "tomorrow" in another
# time zone through.
FUTURE_SLACK = dt.timedelta(days=1)

# Identical to `_CONTROL` in workshop/services/schemas.py (the domain may not import services):
# control characters other than tab and newlines are refused in free text. NUL breaks
# PostgreSQL, and \x1c-\x1f are white space to Python but not to pydantic's strip.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# `dt.date.fromisoformat` also takes "20240131" and week dates; notes use the one common form.
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Spellings people use for a source type, beyond its key and its label (compared casefolded,
# with "-" and "_" read as spaces and runs of white space collapsed).
_ALIASES = {
    "interviews": "interview", "user interview": "interview", "user interviews": "interview",
    "customer interview": "interview", "customer interviews": "interview",
    "surveys": "survey", "questionnaire": "survey", "questionnaires": "survey",
    "poll": "survey", "web analytics": "analytics", "data": "analytics", "metrics": "analytics",
    "support ticket": "support", "tickets": "support", "ticket": "support",
    "customer support": "support", "helpdesk": "support", "help desk": "support",
    "desk research": "desk", "secondary research": "desk", "literature": "desk",
}


def _key_form(text: str) -> str:
    """A spelling reduced for comparison: casefolded, '-'/'_' as spaces, spaces collapsed."""
    return " ".join(text.replace("-", " ").replace("_", " ").casefold().split())


_LOOKUP: Mapping[str, str] = MappingProxyType({
    **{_key_form(alias): key for alias, key in _ALIASES.items()},
    **{_key_form(label): key for key, label in SOURCE_TYPES.items()},
    **{key: key for key in SOURCE_TYPES},
})


def source_type_from(text: str) -> str | None:
    """The source type key for a key, label or common alias (any case), or None."""
    return _LOOKUP.get(_key_form(text))


@dataclass(frozen=True)
class NoteDraft:
    """A research note that passed every check, ready to be added to a library."""

    title: str
    source_type: str
    body: str
    tags: tuple[str, ...] = ()
    date: str | None = None
    respondents: int | None = None

    def as_dict(self) -> dict:
        """The draft as JSON-ready data (the fields of research_note.add)."""
        return {"title": self.title, "source_type": self.source_type, "body": self.body,
                "tags": list(self.tags), "date": self.date, "respondents": self.respondents}


def normalise_tags(values: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, inner spaces collapsed, empties and case-insensitive repeats dropped."""
    seen: set[str] = set()
    tags: list[str] = []
    for value in values:
        tag = " ".join(value.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)


def _source_types_text() -> str:
    """The keys of the source types, for messages."""
    return ", ".join(SOURCE_TYPES)


def _check_text(field: str, value: object) -> str:
    """A free-text value: it must be a string without control characters."""
    if not isinstance(value, str):
        raise ValueError(f"{field}: must be text")
    if _CONTROL.search(value):
        raise ValueError(f"{field}: must not contain control characters")
    return value


def _title(value: object) -> str:
    """A title: one line, trimmed, 1–200 characters."""
    title = " ".join(_check_text("title", value).split())
    if len(title) < TITLE_MIN:
        raise ValueError("title: must not be empty")
    if len(title) > TITLE_MAX:
        raise ValueError(f"title: at most {TITLE_MAX} characters (this one has {len(title)})")
    return title


def _source_type(value: object) -> str:
    """A source type key, from a key, label or alias."""
    key = source_type_from(value) if isinstance(value, str) else None
    if key is None:
        raise ValueError(f"source_type: must be one of {_source_types_text()}")
    return key


def _body(value: object) -> str:
    """A Markdown body, trimmed (as the research_note.add schema does): ≤ 20,000 characters."""
    body = _check_text("body", value).strip()
    if len(body) > BODY_MAX:
        raise ValueError(f"body: at most {BODY_MAX:,} characters (this one has {len(body):,})")
    return body


def _tags(values: object) -> tuple[str, ...]:
    """At most 20 tags of 1–40 characters each, normalised."""
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError("tags: must be a list of text")
    raw = list(values)
    for value in raw:
        _check_text("tags", value)
    tags = normalise_tags(raw)
    if len(tags) > TAGS_MAX:
        raise ValueError(f"tags: at most {TAGS_MAX} tags (there are {len(tags)})")
    too_long = [tag for tag in tags if len(tag) > TAG_MAX]
    if too_long:
        raise ValueError(f"tags: at most {TAG_MAX} characters per tag ({too_long[0]!r})")
    return tags


def _date(value: object, today: dt.date) -> str | None:
    """An ISO date (YYYY-MM-DD) of a real day, not in the future by more than a day."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # a time stamp (YAML reads "2024-03-01 10:00" as one)
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _ISO_DATE.match(text):
            raise ValueError(f"date: must be a date written YYYY-MM-DD (not {text!r})")
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"date: {text} is not a day in the calendar") from None
    if not isinstance(value, dt.date):
        raise ValueError("date: must be a date written YYYY-MM-DD")
    if value > today + FUTURE_SLACK:
        raise ValueError(f"date: {value.isoformat()} is in the future")
    return value.isoformat()


def _respondents(value: object) -> int | None:
    """A whole number of respondents from 0 to 10,000,000 (digits in text are read too)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        # Length first: int() refuses (with its own message) strings of over 4,300 digits.
        is_number = text.isascii() and text.isdigit() and len(text) <= 9
        value = int(text) if is_number else text
    # bool is an int to Python, but `respondents: yes` is a mistake, not a count of one.
    if not isinstance(value, int) or isinstance(value, bool) or not (
            RESPONDENTS_MIN <= value <= RESPONDENTS_MAX):
        raise ValueError(f"respondents: must be a whole number from {RESPONDENTS_MIN} to "
                         f"{RESPONDENTS_MAX:,}")
    return value


def validate_draft(title: object, source_type: object, body: object,
                   tags: object = (), date: object = None, respondents: object = None,
                   *, today: dt.date | None = None) -> NoteDraft:
    """A checked, normalised NoteDraft, or ValueError naming every field that is wrong.

    `date` may be an ISO string or a `datetime.date`; `respondents` an int or a string of
    digits; `source_type` a key, label or alias. Empty optional values mean "not given".
    """
    day = today or _today()
    errors: list[str] = []

    def checked(check, *args):
        """The check's result, or None with its message noted (so every field is reported)."""
        try:
            return check(*args)
        except ValueError as error:
            errors.append(str(error))
            return None

    draft = NoteDraft(title=checked(_title, title),
                      source_type=checked(_source_type, source_type),
                      body=checked(_body, body),
                      tags=checked(_tags, tags),
                      date=checked(_date, date, day),
                      respondents=checked(_respondents, respondents))
    if errors:
        raise ValueError("; ".join(errors))
    return draft


def _today() -> dt.date:
    """Today's date on this server."""
    return dt.date.today()
