"""Smaller variations real reports print: each a transformation of a seed that must read the same."""
from __future__ import annotations

import datetime as dt

from builder.extract.to_record import extract
from builder.extract.infer import infer
from builder.pipeline import extract_file
from builder.read.sources import read_source
from conftest import REPORTS
from layouts import LAYOUTS, Options

SEED_PATH = REPORTS / "2023" / "达州市通川区.txt"
SEED = SEED_PATH.read_text(encoding="utf-8")
REFERENCE, _ = extract_file(SEED_PATH)


def read(text: str):
    extraction = extract(read_source("variant.txt", text.encode("utf-8")))
    infer(extraction.record)
    return extraction


def test_chinese_numeral_year_in_the_title():
    r = read(SEED.replace("2023 年政府信息公开工作年度报告", "二〇二三年政府信息公开工作年度报告", 1)).record
    assert (r.agency, r.year) == ("达州市通川区", 2023)


def test_agency_from_the_signature_when_the_title_has_none():
    text = SEED.replace("达州市通川区\n\n2023 年", "2023 年", 1) + "\n达州市通川区人民政府\n2024年1月25日\n"
    r = read(text).record
    assert (r.agency, r.year, r.source.published_on) == ("达州市通川区人民政府", 2023, dt.date(2024, 1, 25))


def test_units_and_markdown_emphasis_around_numbers():
    text = SEED.replace("行政许可\t136302", "行政许可\t136302件").replace(
        "一、本年新收政府信息公开申请数量\t55", "一、本年新收政府信息公开申请数量\t**55**")
    r = read(text).record
    assert r.article20.licensing == 136302
    assert r.applications.new == REFERENCE.applications.new


def test_a_dash_is_not_applicable_and_wu_is_a_blank_never_a_zero():
    text = SEED.replace("8.属于行政查询事项\t0\t0", "8.属于行政查询事项\t—\t无")
    ex = read(text)
    row = ex.record.applications.outcomes.withheld.query_matters
    # "—" marks the cell not applicable: null, listed, never filled by the arithmetic;
    # "无" is a blank the column totals determine: inferred and listed
    assert row == [None] + [0] * 6
    assert ex.record.not_applicable == ["applications.outcomes.withheld.query_matters[0]"]
    assert ex.record.status("applications.outcomes.withheld.query_matters[0]") == "not_applicable"
    assert "applications.outcomes.withheld.query_matters[1]" in ex.record.inferred
    assert "applications.outcomes.withheld.query_matters[0]" not in ex.record.inferred


def test_review_section_with_blank_cells_in_columns_of_spaces():
    rec = REFERENCE.model_copy(deep=True)
    rec.review_litigation.litigation_after_review = [None] * 5
    text = LAYOUTS["pdftotext-layout"](rec, Options())
    # the header row prints 15 column titles; the values row has only 10 numbers
    lines = text.splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.strip().startswith("结果维持"))
    assert len(lines[k + 1].split()) == 10
    r = read(text).record
    assert r.review_litigation.review == [2, 1, 0, 1, 4]
    assert r.review_litigation.litigation_direct == [3, 1, 1, 3, 8]
    assert r.review_litigation.litigation_after_review == [None] * 5


def test_page_footers_inside_the_table_are_not_numbers():
    a = "5.属于三类内部事务信息\t0\t0\t0\t0\t0\t0\t0\n"
    for footer in ("- 3 -", "— 3 —", "第 3 页 共 6 页", "3 / 6", " " * 40 + "3"):
        r = read(SEED.replace(a, a + f"\n{footer}\n\n", 1)).record
        assert r.applications == REFERENCE.applications, footer


def test_pages_of_each_table_are_recorded_for_paged_sources():
    # form feeds (as the PDF and Word readers print them) between pages: 二 on page 2, 三 over 2-3
    text = SEED.replace("二、主动公开政府信息情况", "\f二、主动公开政府信息情况", 1).replace(
        "\t(四) 无法提供", "\f\t(四) 无法提供", 1).replace("四、政府信息公开行政复议", "\f四、政府信息公开行政复议", 1)
    pages = read(text).record.source.pages
    assert (pages.article20, pages.applications, pages.review_litigation) == ([2], [2, 3], [4])
    assert read(SEED).record.source.pages is None  # plain text has no pages


def test_a_crawler_header_gives_the_posting_date_and_address_never_the_body_s_name():
    header = ("标题：达州市通川区2023年政府信息公开工作年度报告\n发布时间：2024-01-25 10:21\n"
              "来源：达州市通川区人民政府办公室  浏览次数：88\n原文链接：https://www.dazhou.gov.cn/a/123.html\n\n")
    r = read(header + SEED).record
    assert (r.agency, r.year) == ("达州市通川区", 2023)
    assert str(r.source.posted_on) == "2024-01-25"
    assert r.source.url == "https://www.dazhou.gov.cn/a/123.html"
    assert r.source.published_on == REFERENCE.source.published_on  # the report's own date is not the posting
    # a sentence of the report that happens to say 时间： is no header
    assert read(SEED.replace("一、总体情况", "统计时间：2023年全年\n一、总体情况", 1)).record.source.posted_on is None
