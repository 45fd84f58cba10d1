"""JSON through orjson with the stdlib's call signature (workshop/jsoncodec.py)."""

import json
import math

import orjson
import pytest

from workshop import jsoncodec


def test_output_is_compact_whatever_separators_the_caller_asks_for():
    value = {"seq": 3, "data": {"text": "Prefers WhatsApp", "tags": ["a", "b"]}}
    assert jsoncodec.dumps(value, separators=(",", ":")) == \
        json.dumps(value, separators=(",", ":"))


def test_text_is_kept_as_written_and_round_trips():
    value = {"text": "Zoë wil € 5 — “meteen” 🙂", "line": "a\u2028b"}
    assert jsoncodec.loads(jsoncodec.dumps(value)) == value
    assert "Zoë" in jsoncodec.dumps(value)  # UTF-8, not \\u escapes


def test_int_keys_become_strings_like_the_stdlib():
    assert jsoncodec.loads(jsoncodec.dumps({1: "a"})) == json.loads(json.dumps({1: "a"}))


def test_nan_is_refused_when_parsing():
    assert math.isnan(json.loads("NaN"))  # the stdlib accepts what JSON does not
    with pytest.raises(orjson.JSONDecodeError):
        jsoncodec.loads("NaN")


def test_bytes_and_text_both_parse():
    assert jsoncodec.loads(b'{"a":1}') == jsoncodec.loads('{"a":1}') == {"a": 1}
