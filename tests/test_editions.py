"""The template's two editions: a report in the 2019 edition (国办公开办函〔2019〕60号) is recognised,
read by its own rows and recorded as `template: "2019"`; the cells only the other edition has are not
applicable; the arithmetic, pages, scores and downloads follow the record's edition; a report in the
free form used before 2019 gets a message naming the file. Fixtures: tests/fixtures/make_editions.py."""
from __future__ import annotations

import json
import shutil

import pytest

from builder.data import downloads
from builder.record.checks import check_record, equations
from builder.extract.infer import infer
from builder.record.models import Record, iter_cells, set_path
from builder.record.outcome import Outcome
from builder.pipeline import extract_file
from builder.record.files import RecordError, load_record, to_yaml
from builder.record.models import lacking_cells
from builder.index.scores import Agency, completeness
from builder.read.text import ReportError
from builder.record.template import edition_only
from conftest import REPORTS, ROOT, copy_repository
from golden import differences, load_golden

EDITIONS = ROOT / "tests" / "fixtures" / "editions"
NAME = "示范县交通运输局"
FILES = [EDITIONS / f"{NAME}.txt", EDITIONS / f"{NAME}.html", EDITIONS / f"{NAME}-crawled.txt",
         EDITIONS / f"{NAME}.docx"]
GOLD = load_golden(EDITIONS / f"{NAME}.gold.yaml")
ONLY_2021 = sorted(edition_only("2021"))
ONLY_2019 = sorted(edition_only("2019"))


@pytest.fixture(scope="module")
def record_2019() -> Record:
    record, _ = extract_file(FILES[0])
    return record


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[len(NAME):])
def test_a_2019_edition_report_reads_to_its_golden_record(path):
    record, findings = extract_file(path)
    assert record.template == "2019"
    assert differences(record, GOLD) == []
    assert record.article20.procurement_amount_unit == "万元"
    assert [f for f in findings if f.severity != "info"] == []
    # the 2021 edition's cells are not applicable, listed; so is the cell the report marks "/"
    assert sorted(record.not_applicable) == sorted(ONLY_2021 + ["article20.enforcement"])
    assert record.unread == [] and record.inferred == []


def test_the_2019_edition_s_items_are_cells_of_their_own(record_2019):
    a20 = record_2019.article20
    # 处理决定数量 is the 2021 edition's 本年处理决定数量: the same fields
    assert (a20.licensing, a20.punishment, a20.enforcement) == (412, 57, None)
    # 本年增/减 keeps its sign; the single （六）其他处理 row is kept as printed, under a key of its own
    assert (a20.licensing_change, a20.other_services_change, a20.enforcement_change) == (-2, 4, -1)
    assert record_2019.applications.outcomes.other.undivided == [1, 0, 0, 0, 0, 0, 1]
    for row in ("no_correction", "unpaid_fee", "misc"):
        assert getattr(record_2019.applications.outcomes.other, row) == [None] * 7
    assert record_2019.status("applications.outcomes.other.misc[0]") == "not_applicable"
    assert record_2019.status("article20.regulations.issued") == "not_applicable"
    assert record_2019.status("article20.regulations.made") == "printed"


def test_a_2021_report_is_unchanged_and_has_no_2019_keys():
    record, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    assert record.template == "2021"
    assert not set(record.not_applicable) & set(ONLY_2019)
    text = to_yaml(record)
    for key in ("undivided", "licensing_previous", "procurement_amount", "made:", "public_total"):
        assert key not in text
    # the 2019 edition's cells are not applicable to it by its edition, without being listed
    assert record.status("applications.outcomes.other.undivided[0]") == "not_applicable"
    assert record.status("article20.procurement_projects") == "not_applicable"


def test_records_of_both_editions_round_trip_and_a_cut_2019_record_is_an_error(tmp_path, record_2019):
    path = tmp_path / "r.yaml"
    path.write_text(to_yaml(record_2019), encoding="utf-8")
    assert load_record(path) == record_2019
    cut = "\n".join(ln for ln in to_yaml(record_2019).splitlines() if "undivided" not in ln)
    path.write_text(cut + "\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"applications\.outcomes\.other\.undivided"):
        load_record(path)


def test_the_arithmetic_of_the_2019_edition_totals_its_one_other_row(record_2019):
    record = record_2019.model_copy(deep=True)
    eq = next(e for e in equations("2019") if e.rule == "applications.outcomes_total" and e.rhs[0].endswith("[6]"))
    assert "applications.outcomes.other.undivided[6]" in eq.lhs
    assert not any(".other.misc" in p for p in eq.lhs)
    assert check_record(record) == []
    set_path(record, "applications.outcomes.other.undivided", [2, 0, 0, 0, 0, 0, 2])  # breaks （七）总计
    rules = {(f.rule, f.path) for f in check_record(record)}
    assert ("applications.outcomes_total", "applications.outcomes.total[0]") in rules
    # a blank （六） cell is what the arithmetic determines: inferred
    set_path(record, "applications.outcomes.other.undivided", [None, 0, 0, 0, 0, 0, 1])
    infer(record)
    assert record.applications.outcomes.other.undivided[0] == 1
    assert record.inferred == ["applications.outcomes.other.undivided[0]"]


def test_the_2021_sub_rows_are_never_inferred_in_a_2019_record(record_2019):
    record = record_2019.model_copy(deep=True)
    infer(record)
    assert not any(".other." in p and "undivided" not in p for p in record.inferred)


def test_a_pre_2019_free_form_report_gets_a_message_naming_the_file():
    path = EDITIONS / "pre2019-平潭县交通局.txt"
    with pytest.raises(ReportError, match="pre-2019 free-form report: not in a template edition") as exc:
        extract_file(path)
    assert str(path) in str(exc.value)


def test_completeness_counts_the_cells_of_the_report_s_own_edition(record_2019):
    agency = Agency(record_2019.agency, kind="department")
    got = completeness(record_2019, agency)
    # every cell of its edition printed, "/" not charged: the 2019 edition's 198 cells less those marked "/"
    assert got.value == 100.0 and got.numerator == got.denominator
    assert got.denominator == 198 - len(record_2019.not_applicable) + len([
        p for p in record_2019.not_applicable if p in lacking_cells("2019")])


def test_downloads_hold_the_2019_keys(record_2019):
    names = [c.name for c in downloads.columns()]
    for path in ONLY_2019 + ["article20.procurement_amount_unit"]:
        assert downloads.sql_name(path) in names
    kinds = {c.name: c.type for c in downloads.columns()}
    assert kinds["article20_procurement_amount"] == "real" and kinds["article20_licensing_change"] == "integer"
    schema = json.loads(downloads.schema_json())
    assert "procurement_amount_unit" in schema["$defs"]["Article20"]["properties"]
    assert "undivided" in schema["$defs"]["OtherHandling"]["properties"]


def test_the_report_page_shows_the_2019_rows_as_printed_and_names_the_edition(tmp_path, record_2019):
    from builder.site.build import build_site

    copy_repository(tmp_path)
    shutil.rmtree(tmp_path / "reports")
    (tmp_path / "reports" / "2020").mkdir(parents=True)
    source = tmp_path / "reports" / "2020" / f"{NAME}.txt"
    shutil.copy(FILES[0], source)
    record = record_2019.model_copy(deep=True)
    record.source.path = f"reports/2020/{NAME}.txt"
    build_site([Outcome(source, record)], tmp_path, tmp_path / "content")
    page = next((tmp_path / "content" / "reports").rglob("*.md")).read_text(encoding="utf-8")
    assert "2019 年版格式（国办公开办函〔2019〕60号）" in page
    for label in ("本年新制作数量", "上一年项目数量", "本年增/减", "其他对外管理服务事项", "政府集中采购", "（六）其他处理"):
        assert label in page
    for label in ("本年制发件数", "逾期不补正", "收费通知"):
        assert label not in page
    assert ">160.5964万元</td>" in page and ">-2</td>" in page
    # the year's ranking says which edition the report follows
    ranking = (tmp_path / "content" / "rankings" / "2020.md").read_text(encoding="utf-8")
    assert "2019 年版</span>" in ranking
    # the page's cells are the record's, in the edition's order
    values = dict(iter_cells(record))
    from test_site import cells_of
    shown = [text for _, text in cells_of(page) if text]
    assert shown[:3] == ["0", "0", "0"]
    assert str(values["article20.other_services_decisions"]) in shown


def test_a_2019_key_written_into_a_2021_record_is_an_error_never_dropped(tmp_path):
    record, _ = extract_file(REPORTS / "2023" / "达州市通川区.txt")
    path = tmp_path / "r.yaml"
    path.write_text(to_yaml(record).replace("  licensing: ", "  licensing_previous: 12\n  licensing: ", 1),
                    encoding="utf-8")
    with pytest.raises(RecordError, match=r"r\.yaml:\d+: article20\.licensing_previous: a key of the 2019 edition"):
        load_record(path)
    # table 三's （六）其他处理 as one row (the 2019 edition's) beside its three rows: it prints one or the other
    text = to_yaml(record).replace("      misc: [", "      undivided: [1, 0, 0, 0, 0, 0, 1]\n      misc: [", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordError, match=r"r\.yaml:\d+: applications\.outcomes\.other\.misc\[0\]: a row of "
                                          r"（六）其他处理 as the 2021 edition prints it"):
        load_record(path)
    # said to be a 2019 record, it lacks the 2019 edition's other keys: incomplete, not read as blank
    path.write_text(text.replace("template: '2021'", "template: '2019'"), encoding="utf-8")
    with pytest.raises(RecordError, match=r"ends without 19 of its cells .*article20\.regulations\.made"):
        load_record(path)


def test_a_2019_table_two_above_the_2021_sub_rows_of_other_handling_keeps_them_as_printed(tmp_path):
    text = FILES[0].read_text(encoding="utf-8").replace(
        "（六）其他处理\t1\t0\t0\t0\t0\t0\t1",
        "（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t1\t0\t0\t0\t0\t0\t1\n"
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
        "3.其他\t0\t0\t0\t0\t0\t0\t0")
    assert "逾期不补正" in text
    path = tmp_path / "mixed.txt"
    path.write_text(text, encoding="utf-8")
    record, findings = extract_file(path)
    assert record.template == "2019" and record.applications_edition == "2021"
    assert "extract.other_edition" in {f.rule for f in findings}
    # the three rows keep the numbers printed in them (never dropped, nor put in the one row of the 2019
    # edition, which is not applicable), with the arithmetic of their edition: nothing unread, no imbalance
    other = record.applications.outcomes.other
    assert (other.no_correction, other.unpaid_fee, other.misc) == ([1, 0, 0, 0, 0, 0, 1], [0] * 7, [0] * 7)
    assert other.undivided == [None] * 7 and record.status("applications.outcomes.other.undivided[0]") == "not_applicable"
    assert record.status("applications.outcomes.other.misc[0]") == "printed" and record.unread == []
    assert not [f for f in findings if f.rule.startswith("applications.")]


def test_without_table_two_the_edition_is_told_by_the_rows_under_other_handling(tmp_path):
    text = FILES[0].read_text(encoding="utf-8")
    no_two = text[:text.index("二、主动公开")] + text[text.index("三、收到和处理"):]
    path = tmp_path / "no-two.txt"
    path.write_text(no_two, encoding="utf-8")
    record, _ = extract_file(path)
    assert record.template == "2019"
    assert record.applications.outcomes.other.undivided == [1, 0, 0, 0, 0, 0, 1]
    # a 2021 table 三 whose three （六） rows lost their labels is not taken for the 2019 edition's one row
    lost = no_two.replace("（六）其他处理\t1\t0\t0\t0\t0\t0\t1",
                          "（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1\n\t0\t0\t0\t0\t0\t0\t0\n\t0\t0\t0\t0\t0\t0\t0")
    path.write_text(lost, encoding="utf-8")
    record, _ = extract_file(path)
    assert record.template == "2021"
    assert record.applications.outcomes.other.misc == [0] * 7
