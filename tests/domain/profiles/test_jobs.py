"""The job functions in real worker processes (spawned, as workshop/offload.py does): the
import flow of the browser test on a smaller export, and errors that cross the boundary."""

from __future__ import annotations

import json
import pickle

import pytest

from tests.profiles_data import AS_OF, customer_csv
from workshop.domain.profiles import jobs
from workshop.domain.profiles.problems import ProfileDataError

ROWS = 3000


@pytest.fixture(scope="module")
def export() -> bytes:
    return customer_csv(ROWS)


@pytest.fixture(scope="module")
def imported(export, worker_pool):
    inspection = worker_pool.run(jobs.inspect_job, export, AS_OF.isoformat())
    mapping = {c["name"]: c["suggested_role"] for c in inspection["columns"]}
    types = {c["name"]: c["kind"] for c in inspection["columns"] if "derived_from" not in c}
    return inspection, worker_pool.run(jobs.import_job, export, mapping, types, AS_OF.isoformat())


def test_an_import_keeps_metadata_and_the_kept_columns_only(export, imported):
    inspection, result = imported
    assert result["row_count"] == ROWS and result["as_of"] == "2026-10-01"
    assert result["sha256"] == inspection["sha256"]
    assert result["fingerprint"] == inspection["fingerprint"]
    kept = {c["name"] for c in result["columns"]}
    assert "email" not in kept and "full_name" not in kept and "age" in kept
    assert b"@example.com" not in result["table"] and len(result["table"]) < len(export) / 5


def test_analysis_sizes_profiles_and_checks_without_a_single_row(export, imported, worker_pool):
    _, result = imported
    segments = [
        {"id": "eh", "name": "Established households",
         "rule": {"column": "segment", "test": "equals", "value": "Established households"}},
        {"id": "uf", "name": "Urban families",
         "rule": {"column": "segment", "test": "equals", "value": "Urban families"}},
    ]
    claims = [{"segment": "eh", "claim": {"kind": "range", "column": "age", "low": 35,
                                          "high": 45, "text": "35–45"}}]
    answer = worker_pool.run(jobs.analyse_job, result["table"], segments, claims, "revenue")
    assert answer["problems"] == []
    assert [s["size"]["suppressed"] for s in answer["sizing"]["segments"]] == [False, False]
    check = answer["checks"][0]
    assert (check["status"], check["figures"]["median"]) == ("contradicted", 52)
    age = next(c for c in answer["cards"]["eh"]["columns"] if c["column"] == "age")
    assert age["median"] == 52
    shown = json.dumps(answer)
    for line in export.decode().splitlines()[1:50]:
        name, email, phone = line.split(",")[1:4]
        for value in (name, email, phone):
            assert not value or value not in shown


def test_a_bad_rule_comes_back_as_a_problem(imported, worker_pool):
    _, result = imported
    segments = [{"id": "x", "name": "x", "rule": {"column": "email", "test": "equals",
                                                  "value": "a"}}]
    answer = worker_pool.run(jobs.analyse_job, result["table"], segments, [])
    assert answer["problems"][0]["code"] == "unknown_column"
    assert answer["problems"][0]["segment"] == "x" and answer["cards"] == {}


def test_a_bad_file_raises_its_problems_across_the_process_boundary(worker_pool):
    with pytest.raises(ProfileDataError) as error:
        worker_pool.run(jobs.import_job, b"a,b\n1\n", {"a": "attribute"})
    assert error.value.problems[0]["code"] == "ragged_row"
    copy = pickle.loads(pickle.dumps(error.value))
    assert copy.problems == error.value.problems and str(copy) == str(error.value)


def test_one_claim_is_checked_on_its_own(imported, worker_pool):
    _, result = imported
    segment = {"id": "all", "name": "Everyone", "rule": {"column": "age", "test": "between",
                                                         "value": [0, None]}}
    check = worker_pool.run(jobs.check_job, result["table"], segment,
                            {"kind": "most_common", "column": "city", "value": "Amsterdam"})
    assert check["status"] == "consistent"


def test_a_segment_hidden_by_sizing_gets_no_card_and_no_checks():
    from tests.domain.profiles.tables import make_table
    from workshop.domain.profiles.table import table_to_bytes

    # b is a less 3 people: both cards side by side would describe those 3.
    table = make_table({"x": [1.0] * 3 + [2.0] * 57 + [3.0] * 40,
                        "city": ["A"] * 3 + ["B"] * 97}, {"x": "number", "city": "category"})
    segments = [{"id": "a", "name": "a", "rule": {"column": "x", "test": "between",
                                                  "value": [1, 2]}},
                {"id": "b", "name": "b", "rule": {"column": "x", "test": "between",
                                                  "value": [2, 2]}}]
    claim = {"kind": "most_common", "column": "city", "value": "B"}
    answer = jobs.analyse_job(table_to_bytes(table), segments,
                              [{"segment": "a", "claim": claim}, {"segment": "b", "claim": claim}])
    assert answer["cards"]["a"]["suppressed"] and answer["cards"]["a"]["columns"] == []
    assert not answer["cards"]["b"]["suppressed"]
    assert [c["status"] for c in answer["checks"]] == ["not_measurable", "consistent"]
