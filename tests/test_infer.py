"""Inference fills exactly what the arithmetic determines, and nothing ambiguous."""
from __future__ import annotations

from builder.record.checks import check_record
from builder.extract.infer import infer
from records import balanced


def test_one_blank_in_a_row_is_inferred_and_listed():
    r = balanced()
    r.applications.new = [None, 2, 0, 0, 0, 0, 10]
    findings = infer(r)
    assert r.applications.new[0] == 8
    assert r.inferred == ["applications.new[0]"]
    assert findings == []


def test_a_blank_total_is_inferred_from_its_parts():
    r = balanced()
    r.review_litigation.review = [1, 1, 0, 1, None]
    infer(r)
    assert r.review_litigation.review[4] == 3
    assert r.inferred == ["review_litigation.review[4]"]


def test_two_blanks_in_a_row_are_resolved_through_the_columns():
    r = balanced()
    # row new has two blanks, but column 0's balance determines new[0], then the row gives new[1]
    r.applications.new = [None, None, 0, 0, 0, 0, 10]
    infer(r)
    assert r.applications.new == [8, 2, 0, 0, 0, 0, 10]
    assert sorted(r.inferred) == ["applications.new[0]", "applications.new[1]"]


def test_two_blanks_that_nothing_determines_stay_blank():
    r = balanced()
    r.applications.new = [None, None, 0, 0, 0, 0, 10]
    r.applications.carried_forward = [None, None, 0, 0, 0, 0, 3]
    infer(r)
    assert r.applications.new[:2] == [None, None]
    assert r.applications.carried_forward[:2] == [None, None]
    assert r.inferred == []


def test_conflicting_equations_leave_the_blank_blank():
    r = balanced()
    r.applications.new = [None, 2, 0, 0, 0, 0, 10]   # the row says 8
    r.applications.carried_over = [3, 0, 0, 0, 0, 0, 2]  # the column balance says 7
    findings = infer(r)
    assert r.applications.new[0] is None
    assert "applications.new[0]" not in r.inferred
    assert [(f.rule, f.path) for f in findings] == [("inference.conflict", "applications.new[0]")]


def test_a_negative_result_is_not_filled():
    r = balanced()
    r.applications.new = [None, 12, 0, 0, 0, 0, 10]
    r.applications.carried_over = [None, 0, 0, 0, 0, 0, 2]
    findings = infer(r)
    assert r.applications.new[0] is None
    assert any(f.rule == "inference.impossible" and f.path == "applications.new[0]" for f in findings)


def test_a_blank_is_never_a_zero():
    r = balanced()
    r.applications.outcomes.withheld.state_secret = [None] * 7
    infer(r)
    # seven blanks in one row: each column equation has other blanks? No: each column has exactly
    # this one blank, so the column totals determine them; they are 0 because the totals say so.
    assert r.applications.outcomes.withheld.state_secret == [0] * 7
    assert len(r.inferred) == 7
    r2 = balanced()
    r2.applications.outcomes.withheld.state_secret = [None] * 7
    r2.applications.outcomes.withheld.query_matters = [None] * 7
    infer(r2)
    assert r2.applications.outcomes.withheld.state_secret == [None] * 7
    assert r2.inferred == []


def test_inferred_values_then_check_clean():
    r = balanced()
    r.applications.outcomes.disclosed = [None, 1, 0, 0, 0, 0, 6]
    infer(r)
    assert check_record(r) == []
