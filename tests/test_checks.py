"""Each rule of the template's arithmetic, on small hand-made records."""
from __future__ import annotations

from builder.record.checks import check_across_years, check_record
from records import balanced


def rules(findings):
    return sorted((f.rule, f.path) for f in findings)


def test_a_balanced_record_has_no_findings():
    assert check_record(balanced()) == []


def test_row_total():
    r = balanced()
    r.applications.new = [8, 2, 0, 0, 0, 0, 11]  # prints 11, the columns give 10
    found = [f for f in check_record(r) if f.rule == "applications.row_total"]
    assert len(found) == 1
    f = found[0]
    assert (f.path, f.printed, f.expected, f.severity) == ("applications.new[6]", 11, 10, "warning")
    # the printed total stays as printed: a finding, not a correction
    assert r.applications.new[6] == 11


def test_balance_new_plus_carried_equals_handled_plus_forward():
    r = balanced()
    r.applications.carried_forward = [4, 0, 0, 0, 0, 0, 4]
    found = {(f.rule, f.path) for f in check_record(r)}
    assert ("applications.balance", "applications.outcomes.total[0]") in found
    assert ("applications.balance", "applications.outcomes.total[6]") in found
    assert not any(rule == "applications.balance" and p.endswith("[1]") for rule, p in found)


def test_outcome_rows_add_up_to_total():
    r = balanced()
    r.applications.outcomes.not_processed.duplicate = [1, 0, 0, 0, 0, 0, 1]
    found = [f for f in check_record(r) if f.rule == "applications.outcomes_total"]
    assert [(f.path, f.printed, f.expected) for f in found] == [
        ("applications.outcomes.total[0]", 7, 8), ("applications.outcomes.total[6]", 9, 10)]


def test_review_and_litigation_parts_add_up():
    r = balanced()
    r.review_litigation.litigation_direct = [1, 0, 0, 0, 2]
    found = [f for f in check_record(r) if f.rule == "review_litigation.row_total"]
    assert [(f.path, f.printed, f.expected) for f in found] == [
        ("review_litigation.litigation_direct[4]", 2, 1)]


def test_blank_cells_are_not_checked_as_zero():
    r = balanced()
    r.applications.new = [None, 2, 0, 0, 0, 0, 10]
    assert [f for f in check_record(r) if f.rule == "applications.row_total"] == []


def test_carry_across_years():
    a, b = balanced(year=2022), balanced(year=2023)
    b.applications.carried_over = [2, 0, 0, 0, 0, 0, 2]  # 2022 carried forward 3
    b.applications.new = [9, 2, 0, 0, 0, 0, 11]
    found = check_across_years([b, a])
    assert {(rec.year, f.rule, f.path, f.printed, f.expected) for rec, f in found} == {
        (2023, "across_years.carry", "applications.carried_over[0]", 2, 3),
        (2023, "across_years.carry", "applications.carried_over[6]", 2, 3),
        (2023, "across_years.in_force", "article20.normative_documents.in_force", 10, 11),
    }


def test_across_years_only_compares_the_same_agency_in_consecutive_years():
    a, b = balanced(year=2021), balanced(year=2023)
    other = balanced(agency="另一机关", year=2022)
    other.applications.carried_over = [0] * 7
    assert check_across_years([a, b, other]) == []


def test_in_force_moves_by_issued_and_repealed():
    a, b = balanced(year=2022), balanced(year=2023)
    b.applications.carried_over = [3, 0, 0, 0, 0, 0, 3]
    b.applications.new = [7, 2, 0, 0, 0, 0, 9]
    b.article20.normative_documents.in_force = 11  # 10 + 2 issued - 1 repealed
    assert check_across_years([a, b]) == []


def test_years_of_one_body_are_compared_under_any_spelling_of_its_name():
    from builder.record.checks import check_across_years
    from builder.pipeline import extract_file
    from conftest import REPORTS

    record, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    before = record.model_copy(deep=True)
    before.agency, before.year = "中国（青禾）自由贸易试验区管理委员会", 2022
    now = record.model_copy(deep=True)
    now.agency = "中国(青禾)自由贸易试验区管理委员会"
    before.applications.carried_forward = [v + 1 if v is not None else None for v in now.applications.carried_over]
    found = check_across_years([before, now])
    assert all(r is now for r, _ in found)
    assert len([f for _, f in found if f.rule == "across_years.carry"]) == 7
