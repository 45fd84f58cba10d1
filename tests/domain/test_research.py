"""Research notes: source types, tags, and the checks every draft passes."""

from __future__ import annotations

import datetime as dt

import pytest

from workshop.domain.research import (
    BODY_MAX,
    SOURCE_TYPES,
    NoteDraft,
    normalise_tags,
    source_type_from,
    validate_draft,
)

TODAY = dt.date(2025, 3, 10)


def draft(**changes) -> NoteDraft:
    """A valid draft with some fields changed."""
    fields = {"title": "Interview with Anna", "source_type": "interview",
              "body": "She pays by invoice.", "today": TODAY} | changes
    return validate_draft(**fields)


def error_of(**changes) -> str:
    """The message validate_draft gives for a draft with these fields changed."""
    with pytest.raises(ValueError) as raised:
        draft(**changes)
    return str(raised.value)


# ---- source types ----------------------------------------------------------------------------

def test_source_types_keep_their_order_and_labels():
    assert list(SOURCE_TYPES.items()) == [
        ("interview", "Interview"), ("survey", "Survey"), ("analytics", "Analytics"),
        ("support", "Support tickets"), ("desk", "Desk research"), ("other", "Other")]


def test_source_types_cannot_be_changed_at_run_time():
    with pytest.raises(TypeError):
        SOURCE_TYPES["rumour"] = "Rumour"  # type: ignore[index]


@pytest.mark.parametrize(("text", "key"), [
    ("interview", "interview"), ("Interview", "interview"), ("  SURVEY ", "survey"),
    ("Support tickets", "support"), ("support tickets", "support"), ("tickets", "support"),
    ("support-tickets", "support"), ("Desk research", "desk"), ("desk_research", "desk"),
    ("web analytics", "analytics"), ("Web  Analytics", "analytics"), ("questionnaire", "survey"),
    ("user interviews", "interview"), ("other", "other"),
])
def test_source_types_are_read_from_keys_labels_and_aliases(text, key):
    assert source_type_from(text) == key


@pytest.mark.parametrize("text", ["", "gossip", "interviewer", "support tickets please"])
def test_unknown_source_types_are_none(text):
    assert source_type_from(text) is None


# ---- tags ------------------------------------------------------------------------------------

def test_tags_are_trimmed_collapsed_and_deduplicated_keeping_the_first_spelling():
    assert normalise_tags([" Pricing ", "pricing", "", "  ", "mobile   app", "PRICING", "B2B"]) == (
        "Pricing", "mobile app", "B2B")


def test_no_tags_is_an_empty_tuple():
    assert normalise_tags([]) == ()


# ---- a valid draft ---------------------------------------------------------------------------

def test_a_valid_draft_is_normalised():
    note = validate_draft("  Interview   with Anna ", "Interview", "\n\nShe pays by invoice.\n\n",
                          tags=["pricing", " Pricing", "b2b"], date="2025-03-01",
                          respondents="12", today=TODAY)
    assert note == NoteDraft(title="Interview with Anna", source_type="interview",
                             body="She pays by invoice.", tags=("pricing", "b2b"),
                             date="2025-03-01", respondents=12)


def test_a_draft_as_a_dict_is_json_ready():
    assert draft(tags=["a"], respondents=3).as_dict() == {
        "title": "Interview with Anna", "source_type": "interview",
        "body": "She pays by invoice.", "tags": ["a"], "date": None, "respondents": 3}


def test_optional_fields_may_be_left_out_or_empty():
    note = draft(tags=None, date="", respondents=" ")
    assert (note.tags, note.date, note.respondents) == ((), None, None)


def test_an_empty_body_is_allowed():
    assert draft(body="").body == ""


def test_a_yaml_date_and_a_time_stamp_are_accepted_as_days():
    assert draft(date=dt.date(2024, 5, 1)).date == "2024-05-01"
    assert draft(date=dt.datetime(2024, 5, 1, 10, 30)).date == "2024-05-01"


def test_tomorrow_is_allowed_for_other_time_zones():
    assert draft(date="2025-03-11").date == "2025-03-11"


def test_the_limits_themselves_are_allowed():
    note = draft(title="t" * 200, body="b" * BODY_MAX, tags=[f"t{i}" for i in range(20)],
                 respondents=10_000_000)
    assert len(note.tags) == 20


# ---- refused drafts, with messages that name the field ----------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    ({"title": "   "}, "title: must not be empty"),
    ({"title": "t" * 201}, "title: at most 200 characters (this one has 201)"),
    ({"title": 5}, "title: must be text"),
    ({"source_type": "gossip"},
     "source_type: must be one of interview, survey, analytics, support, desk, other"),
    ({"source_type": None}, "source_type: must be one of"),
    ({"body": "b" * 20_001}, "body: at most 20,000 characters (this one has 20,001)"),
    ({"tags": [f"t{i}" for i in range(21)]}, "tags: at most 20 tags (there are 21)"),
    ({"tags": ["x" * 41]}, "tags: at most 40 characters per tag"),
    ({"tags": "a,b"}, "tags: must be a list of text"),
    ({"tags": ["ok", 7]}, "tags: must be text"),
    ({"date": "01-03-2025"}, "date: must be a date written YYYY-MM-DD (not '01-03-2025')"),
    ({"date": "20250301"}, "date: must be a date written YYYY-MM-DD"),
    ({"date": "2025-02-30"}, "date: 2025-02-30 is not a day in the calendar"),
    ({"date": "2025-03-12"}, "date: 2025-03-12 is in the future"),
    ({"date": 20250301}, "date: must be a date written YYYY-MM-DD"),
    ({"respondents": -1}, "respondents: must be a whole number from 0 to 10,000,000"),
    ({"respondents": 10_000_001}, "respondents: must be a whole number"),
    ({"respondents": "1,200"}, "respondents: must be a whole number"),
    ({"respondents": "9" * 5000}, "respondents: must be a whole number"),
    ({"respondents": 2.5}, "respondents: must be a whole number"),
    ({"respondents": True}, "respondents: must be a whole number"),
])
def test_a_bad_field_is_refused_by_name(changes, message):
    assert message in error_of(**changes)


@pytest.mark.parametrize("field", ["title", "body"])
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x1c", "\x1f", "\x7f", "\x0b"])
def test_control_characters_are_refused_in_free_text(field, character):
    assert error_of(**{field: f"a{character}b"}) == f"{field}: must not contain control characters"


def test_control_characters_are_refused_in_tags():
    assert error_of(tags=["ok", "bad\x00"]) == "tags: must not contain control characters"


def test_tab_and_newlines_are_fine_in_a_body():
    assert draft(body="a\tb\nc\r\nd").body == "a\tb\nc\r\nd"


def test_every_bad_field_is_reported_at_once():
    assert error_of(title="", source_type="x", date="soon") == (
        "title: must not be empty; "
        "source_type: must be one of interview, survey, analytics, support, desk, other; "
        "date: must be a date written YYYY-MM-DD (not 'soon')")


def test_the_control_character_rule_matches_the_payload_schema():
    # The domain may not import services, so the regex is copied; this keeps the copies equal.
    from workshop.domain import research
    from workshop.services import schemas

    assert research._CONTROL.pattern == schemas._CONTROL.pattern
