"""Files that hold the template's tables and are still not one report are refused saying what they are
(builder/extract/refusals.py), not with the first check they fail ("no report year found in the title"):
two reports' years (a side-by-side comparison, two reports in one file) and a blank template. Made from
the committed reports."""
from __future__ import annotations

import html

import pytest

from builder.pipeline import extract_file
from builder.read.sources import read_source
from builder.read.text import ReportError
from builder.record.models import Record, get_path, set_path
from builder.record.template import APPLICATION_COLUMNS, APPLICATION_ROWS, ARTICLE20_ITEMS, REVIEW_COLUMNS, REVIEW_ROWS
from conftest import REPORTS
from layouts import portal_html

BODY = "平潭综合实验区公安局"
YEARS = (2021, 2022)


def committed(year: int) -> Record:
    record, _ = extract_file(REPORTS / str(year) / f"{BODY}.html")
    return record


def side_by_side() -> str:
    """A comparison page: each table of the two years' reports with a column (a group of columns) per
    year, headed by the year, under a title that names no year."""
    a, b = (committed(y) for y in YEARS)

    def v(x) -> str:
        return "" if x is None else str(x)

    out = [f"<h1>{BODY}政府信息公开工作年度报告数据对比</h1>", "<h3>二、主动公开政府信息情况</h3><table>",
           f"<tr><td>信息内容</td><td>{YEARS[0]}年</td><td>{YEARS[1]}年</td></tr>"]
    for item in ARTICLE20_ITEMS:
        for field, label in item.columns:
            path = f"{item.path}.{field}" if field else item.path
            out.append(f"<tr><td>{html.escape(item.label)}{label if field else ''}</td>"
                       f"<td>{v(get_path(a, path))}</td><td>{v(get_path(b, path))}</td></tr>")
    out += ["</table><h3>三、收到和处理政府信息公开申请情况</h3><table>",
            f"<tr><td rowspan=2></td><td colspan=7>{YEARS[0]}年</td><td colspan=7>{YEARS[1]}年</td></tr>",
            "<tr>" + "".join(f"<td>{c}</td>" for c in APPLICATION_COLUMNS * 2) + "</tr>"]
    for row in APPLICATION_ROWS:
        out.append(f"<tr><td>{html.escape(row.label)}</td>" + "".join(
            f"<td>{v(x)}</td>" for x in [*get_path(a, row.path), *get_path(b, row.path)]) + "</tr>")
    out += ["</table><h3>四、政府信息公开行政复议、行政诉讼情况</h3><table>",
            "<tr><td></td>" + "".join(f"<td>{c}</td>" for c in REVIEW_COLUMNS) + "</tr>"]
    for record, year in zip((a, b), YEARS):
        for row in REVIEW_ROWS:
            out.append(f"<tr><td>{year}年{row.path}</td>" + "".join(f"<td>{v(x)}</td>" for x in get_path(record, row.path))
                       + "</tr>")
    return '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + "\n".join(out) + "</table></body></html>"


def titled_with_both_years() -> str:
    """The comparison under a title that names both years, its columns headed 上年 and 本年."""
    page = side_by_side().replace(f"{BODY}政府信息公开工作年度报告数据对比",
                                  f"{BODY}{YEARS[0]}年、{YEARS[1]}年政府信息公开工作年度报告对比")
    return page.replace(f">{YEARS[0]}年<", ">上年<").replace(f">{YEARS[1]}年<", ">本年<")


def blank_template(title_year: bool) -> str:
    """The template as a portal publishes it for bodies to fill in: every table cell empty."""
    record = committed(YEARS[0])
    for row in APPLICATION_ROWS:
        set_path(record, row.path, [None] * 7)
    for row in REVIEW_ROWS:
        set_path(record, row.path, [None] * 5)
    for item in ARTICLE20_ITEMS:
        for field, _ in item.columns:
            set_path(record, f"{item.path}.{field}" if field else item.path, None)
    page = portal_html(record)
    return page if title_year else page.replace(f"{YEARS[0]}年政府信息公开", "____年政府信息公开")


def two_reports() -> str:
    """Two years' reports of one body, one after the other in one text file."""
    return "\n".join(read_source(REPORTS / str(y) / f"{BODY}.html").text for y in YEARS)


CASES = {
    "side-by-side.html": (side_by_side, "holds two reports' years (2021, 2022): one report a file"),
    "titled-with-both-years.html": (titled_with_both_years,
                                    "holds two reports' years (2021, 2022): one report a file"),
    "two-reports.txt": (two_reports, "holds two reports' years (2021, 2022): one report a file"),
    "template.html": (lambda: blank_template(False),
                      "the template's tables with no numbers: a blank template, not a report"),
    "template-with-year.html": (lambda: blank_template(True),
                                "the template's tables with no numbers: a blank template, not a report"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_file_that_is_not_one_report_is_refused_saying_what_it_is(tmp_path, name):
    make, reason = CASES[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    with pytest.raises(ReportError) as refused:
        extract_file(path)
    assert str(refused.value) == f"{path}: {reason}"


def test_a_report_naming_another_years_report_is_one_report(tmp_path):
    # a link to last year's report above the title, a sentence naming it, a title naming the year of its
    # correction: still one report
    text = read_source(REPORTS / "2022" / f"{BODY}.html").text
    path = tmp_path / "with-links.txt"
    text = text.replace("2022年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告（2023年更正）", 1)
    path.write_text(f"上一篇：{BODY}2021年政府信息公开工作年度报告\n" + text.replace(
        "一、总体情况", f"一、总体情况\n对照{BODY}2021年政府信息公开工作年度报告，本年度持续改进。", 1), encoding="utf-8")
    record, _ = extract_file(path)
    assert (record.agency, record.year) == (BODY, 2022)
    assert record == committed(2022).model_copy(update={"source": record.source, "narrative": record.narrative})
