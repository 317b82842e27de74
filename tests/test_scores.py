"""The index's scores against values computed by hand for the seeds, and its rules for missing data."""
from __future__ import annotations

import datetime as dt

import pytest

from builder.pipeline import extract_file
from builder.scores import INDICATORS, Agency, deadline, load_agencies, score
from conftest import REPORTS
from records import balanced

AGENCIES = load_agencies(REPORTS / "agencies.yaml")


def seed(name):
    record, _ = extract_file(REPORTS / "2023" / f"{name}.txt")
    return record, AGENCIES[name]


def test_weights_add_up_to_one():
    assert sum(i.weight for i in INDICATORS) == pytest.approx(1.0)


def test_达州市通川区_by_hand():
    record, agency = seed("达州市通川区")
    s = score(record, agency)
    assert s.values["completeness"] == 100.0          # 200 of 200 cells printed
    assert s.values["consistency"] == 100.0           # every equation holds
    assert s.values["timeliness"] is None             # no date printed: not scored, not late
    assert s.values["disclosure"] == pytest.approx(100 * (23 + 12) / 61)   # 57.38
    assert s.values["upheld"] == pytest.approx(100 * (1 - (1 + 1 + 0) / (4 + 8 + 0)))  # 83.33
    expected = (0.20 * 100 + 0.25 * 100 + 0.25 * 100 * 35 / 61 + 0.15 * 100 * 10 / 12) / 0.85
    assert s.overall == pytest.approx(expected)       # 84.52, timeliness's weight left out


def test_巴州区_by_hand():
    s = score(*seed("巴州区"))
    assert s.values["disclosure"] == pytest.approx(100 * 97 / 123)
    assert s.values["upheld"] == pytest.approx(100 * (1 - 4 / 14))


def test_川汇区_inferred_cells_do_not_count_as_printed():
    record, agency = seed("川汇区政府办公室")
    s = score(record, agency)
    assert s.values["completeness"] == pytest.approx(100 * 197 / 200)
    assert s.values["disclosure"] == pytest.approx(50.0)
    assert s.values["upheld"] is None  # no review or litigation cases at all


def test_攀枝花_is_on_time():
    record, agency = seed("攀枝花市西区人民政府办公室")
    assert agency.kind == "department"
    assert deadline(record, agency)[0] == dt.date(2024, 1, 31)
    assert record.source.published_on == dt.date(2024, 1, 19)
    assert score(record, agency).values["timeliness"] == 100.0
    assert score(record, agency).overall == pytest.approx(100.0)


def test_timeliness_decreases_with_days_late_and_depends_on_the_kind_of_body():
    r = balanced()
    r.source.published_on = dt.date(2024, 3, 1)
    assert score(r, Agency("x", kind="government")).values["timeliness"] == 100.0  # due 31 March
    late = score(r, Agency("x", kind="department")).values["timeliness"]           # due 31 January
    assert late == pytest.approx(100 * (1 - 30 / 90))
    r.source.published_on = dt.date(2024, 6, 30)
    assert score(r, Agency("x", kind="department")).values["timeliness"] == 0.0


def test_missing_data_is_missing_not_zero():
    r = balanced()
    r.applications.outcomes.total = [None] * 7
    s = score(r, Agency("x"))
    assert s.values["disclosure"] is None
    assert s.overall is not None and s.overall > 0
    r.review_litigation.review[1] = None
    assert score(r, Agency("x")).values["upheld"] is None


def test_consistency_counts_only_printed_equations():
    r = balanced()
    r.applications.new = [8, 2, 0, 0, 0, 0, 11]  # the row total and the balance of column 总计 break
    s = score(r, Agency("x"))
    assert 0 < s.values["consistency"] < 100


def test_the_agencies_file_is_checked():
    assert AGENCIES["巴州区"].group == "县级人民政府"
    assert Agency("x").group == "未分级机关"
