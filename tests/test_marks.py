"""A number the report printed that its own table contradicts carries its finding's mark wherever it
appears: the summary at the top of its report page and its body's page, the body page's figures across
years, compare's data, and every download (the cells table and the SQLite view, the reports table, the
JSON and the API); and a report's counts and statuses are of its own template edition's cells, the
other edition's being not applicable (never unread, never a blank). On the committed reports: 平潭综合实验区
海坛片区管理局 2024 printed 本年新收申请 总计 0 where its six applicant columns add up to 6."""
from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3

import pytest
from lxml import html as lxml_html

from builder.record.files import load_record, record_path
from builder.record.models import iter_cells, lacking_cells
from builder.site.api import report_json_url
from builder.site.compare_pages import compare_path
from conftest import build_site_in, copy_repository

BODY = "平潭综合实验区海坛片区管理局"
CELL = "applications.new[6]"
WHY = "六类申请人之和为 6，但“总计”印为 0"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes, _ = build_site_in(root)
    return root, [o for o in outcomes if not o.failed]


def _page(root, rel):
    return lxml_html.fromstring((root / "site" / rel / "index.html").read_text(encoding="utf-8"))


def _table(root, name: str) -> list[dict[str, str]]:
    folder = root / "site" / "downloads" / "data"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    rows: list[dict[str, str]] = []
    for path in resource["path"]:
        rows += csv.DictReader(io.StringIO(gzip.decompress((folder / path).read_bytes()).decode("utf-8-sig")))
    return rows


def _glance_number(doc) -> object:
    (dd,) = doc.xpath('//section[@class="report-glance"]//dt[.="本年新收申请"]/following-sibling::dd[1]')
    return dd.xpath("./span[1]")[0]


def test_the_summary_marks_the_contradicted_number_as_the_table_does(site):
    root, _ = site
    doc = _page(root, f"reports/2024/{BODY}")
    number = _glance_number(doc)
    row = doc.xpath('//table[contains(@class, "applications")]//tr[th[contains(., "一、本年新收")]]')[0]
    total = row.xpath("./td")[-1]
    assert number.text_content() == total.text_content() == "0"
    # one rule: the summary's number has the table cell's status classes and story
    assert "cell-finding" in total.get("class").split()
    assert number.get("class").split() == total.get("class").split()
    assert number.get("title") == total.get("title") and WHY in number.get("title")
    # and says so in words beside it, for a reader who cannot hover
    (note,) = number.xpath('../span[contains(@class, "glance-flag")]')
    assert WHY in note.text_content()


def test_the_body_page_marks_it_in_its_summary_and_its_figures_across_years(site):
    root, _ = site
    doc = _page(root, f"agencies/{BODY}")
    number = _glance_number(doc)
    assert "cell-finding" in number.get("class").split() and WHY in number.get("title")
    (cell,) = doc.xpath('//table[contains(@class, "across-years")]//tr[th[.="本年新收申请"]]/td')
    assert cell.text_content() == "0"
    assert "cell-finding" in cell.get("class").split() and WHY in cell.get("title")
    # and its chart's bar
    (bar,) = doc.xpath('//svg[@class="trend"]//rect[title[starts-with(., "2024 年本年新收")]]')
    assert "bar-flagged" in bar.get("class").split() and "有核对问题" in bar.xpath("./title")[0].text_content()


def test_compare_data_and_every_download_carry_the_mark(site):
    root, _ = site
    # compare: the year's file flags the cell, by its place in the file's cells
    data = json.loads((root / "site" / compare_path(2024)).read_text(encoding="utf-8"))
    at = [path for path, _ in data["cells"]].index(CELL)
    body = next(b for b in data["bodies"] if b["name"] == BODY)
    assert at in body["flagged"] and body["status"][at] == "p"
    assert next(b for b in data["bodies"] if b["name"] == "平潭综合实验区财政金融局")["flagged"] == []
    made = [path for path, _ in data["cells"]].index("article20.regulations.made")  # the 2019 edition's: not flagged
    assert made not in body["flagged"] and body["status"][made] == "n"
    # the cells table and the SQLite view: the cell's status and the rules of the findings that flag it
    cells = {(r["agency"], r["year"], r["path"]): r for r in _table(root, "cells")}
    row = cells[(BODY, "2024", CELL)]
    assert (row["value"], row["status"], row["flagged_by"]) == ("0", "printed", "applications.row_total")
    assert cells[(BODY, "2024", "applications.new[0]")]["flagged_by"] == ""
    db = sqlite3.connect(root / "site" / "downloads" / "data" / "disclosure-index.sqlite")
    assert db.execute("SELECT value, status, flagged_by FROM cells WHERE agency = ? AND year = 2024 AND path = ?",
                      (BODY, CELL)).fetchall() == [(0, "printed", "applications.row_total")]
    # the reports table lists the flagged cells as it lists the inferred, unread and corrected ones
    (report,) = [r for r in _table(root, "reports") if r["agency"] == BODY]
    assert CELL in report["flagged"].split(";") and "applications.new[0]" not in report["flagged"].split(";")
    assert db.execute("SELECT flagged FROM reports WHERE agency = ?", (BODY,)).fetchone()[0] == report["flagged"]
    # the API's file and the JSON download: each flagged cell with its findings' rules
    api = json.loads((root / "site" / report_json_url(2024, BODY)).read_text(encoding="utf-8"))
    assert api["flagged"][CELL] == ["applications.row_total"]
    whole = json.loads(gzip.decompress((root / "site" / "downloads" / "data" / "disclosure-index-2024.json.gz")
                                       .read_bytes()))
    assert next(e for e in whole["reports"] if e["record"]["agency"] == BODY)["flagged"] == api["flagged"]


def test_counts_and_statuses_are_of_the_reports_own_edition(site):
    """海坛片区管理局 2024 (2021 edition): the glance counts its own edition's unread cells, and the 2019
    edition's cells are not applicable (a record listing them under unread, as extraction once wrote them,
    still counts only its own)."""
    from builder.site.summary import summary

    root, outcomes = site
    doc = _page(root, f"reports/2024/{BODY}")
    (source,) = doc.xpath('//section[@class="report-glance"]//dt[.="数字来源"]/following-sibling::dd[1]')
    record = load_record(root / "reports" / "2024" / f"{BODY}.yaml")
    own = [p for p in record.unread if not record.lacks(p)]
    assert source.text_content().startswith(f"未能识别 {len(own)} 格")
    assert record.status("article20.regulations.made") == "not_applicable"
    listed = record.model_copy(update={"unread": ["article20.regulations.issued", "article20.regulations.made",
                                                  "article20.regulations.published", "article20.regulations.public_total"]})
    from builder.index.scores import Agency
    from builder.index.scores import score as scored

    glance = summary(listed, scored(listed, Agency(name=BODY)), [])
    assert glance.unread == 1  # issued, its own edition's; made, published, public_total: the 2019 edition's
    data = json.loads((root / "site" / compare_path(2024)).read_text(encoding="utf-8"))
    at = [path for path, _ in data["cells"]].index("article20.regulations.made")
    assert next(b for b in data["bodies"] if b["name"] == BODY)["status"][at] == "n"
    # the data page's rule, on every row of the reports table and every cell of both editions: an empty
    # cell is what unread or not_applicable lists it as, else a blank; the record's status
    rows = {(r["agency"], int(r["year"])): r for r in _table(root, "reports")}
    for o in outcomes:
        record = load_record(record_path(o.source))
        row = rows[(record.agency, record.year)]
        listed = {name: set(filter(None, row[name].split(";")))
                  for name in ("inferred", "corrected", "unread", "not_applicable")}
        assert lacking_cells(record.template) <= listed["not_applicable"], record.agency
        for path, value in iter_cells(record):
            status = next((name for name in listed if path in listed[name]),
                          "blank" if value is None else "printed")
            assert status == record.status(path), (record.agency, path)
    page = (root / "site" / "data" / "index.html").read_text(encoding="utf-8")
    assert "2021 年版报告的 2019 年版独有各列，2019 年版报告的 2021 年版独有各列，都列为不适用" in page
