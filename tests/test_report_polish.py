"""What a reader sees on a report page and the data page reads right: the report's sections in its own
order (一 to 六) in the page and its table of contents, findings naming their cells in Chinese (the record
path only as a tooltip), the 人工更正 table styled like the others with dates that never wrap, and the data
page's table of files headed in Chinese."""
from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from builder.index.wording import cell_name
from builder.record.files import load_record
from builder.site.views import report_url
from conftest import ROOT, build_site_in, copy_repository

SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
PATH = re.compile(r"\b(?:article20|applications|review_litigation)\.[\w.\[\]]+")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    build_site_in(root)
    return root


def _reports(root):
    for path in sorted((root / "reports").glob("2*/*.yaml")):
        record = load_record(path)
        yield record, lxml_html.fromstring(
            (root / "site" / report_url(record).replace(".md", "/index.html")).read_text(encoding="utf-8"))


def test_a_report_page_follows_the_reports_order_of_sections(site):
    for record, doc in _reports(site):
        headings = [h.text_content().strip() for h in doc.xpath("//article//h2")]
        toc = [a.text_content().strip() for a in doc.xpath('//nav[contains(@class, "md-nav--secondary")]//a')]
        for shown in (headings, toc):
            assert [h for h in shown if h in SECTIONS] == list(SECTIONS), (record.agency, shown)
            # the report's own six first, then what the index adds (scores, findings, corrections)
            assert shown[:6] == list(SECTIONS), (record.agency, shown)


def test_findings_name_their_cells_in_chinese_with_the_path_as_a_tooltip(site):
    seen = 0
    for record, doc in _reports(site):
        for li in doc.xpath('//ul[@class="findings"]/li'):
            assert not PATH.search(li.text_content()), (record.agency, li.text_content())
            for where in li.xpath('.//*[@class="finding-where"]'):
                path = where.get("title")
                assert path and where.text_content() == f"位置：{cell_name(path)}", (record.agency, path)
                seen += 1
    assert seen  # the committed reports have findings about cells (海坛片区管理局 2024)


def test_the_data_pages_table_of_files_is_headed_in_chinese(site):
    doc = lxml_html.fromstring((site / "site" / "data" / "index.html").read_text(encoding="utf-8"))
    (table,) = doc.xpath('//table[contains(@class, "data-files")]')
    headers = [th.text_content().strip() for th in table.xpath(".//thead//th")]
    assert headers[0] == "年度" and len(headers) > 2
    for h in headers:
        assert re.search(r"[\u4e00-\u9fff]", h) and not re.fullmatch(r"[A-Za-z_ ]+", h), headers


def test_the_corrections_table_is_styled_and_its_dates_never_wrap(tmp_path):
    from test_corrections_shown import _correct, _git
    from builder.pipeline import process_all
    from builder.site.build import build_site
    root = copy_repository(tmp_path / "repo")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "reports", date="2024-03-01")
    record = root / "reports" / "2023" / "巴州区.yaml"
    _correct(record, r"(?m)^  new: \[[^\]]*\]", "[", "[1", "applications.new[0]")
    _git(root, "commit", "-q", "-am", "更正", date="2026-12-07")
    build_site(process_all(root / "reports", root), root, root / "content")
    for rel in ("reports/2023/巴州区.md", "agencies/巴州区.md", "corrections.md"):
        doc = lxml_html.fromstring((root / "content" / rel).read_text(encoding="utf-8"))
        (table,) = doc.xpath('//table[contains(@class, "corrections")]')
        assert "report-table" in table.get("class").split(), rel
        (date,) = table.xpath('.//td[.="2026-12-07"]')
        assert "date" in date.get("class").split(), rel
    css = (ROOT / "content" / "assets" / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert re.search(r"table\.corrections td\.date[^{]*\{[^}]*white-space: nowrap", css)
