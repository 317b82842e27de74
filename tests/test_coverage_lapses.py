"""逾期与缺失 (coverage/lapses/): every body late or without a report found, across the years, newest
first, equal to the coverage data (index/coverage.py): the committed reports and registry, and a late
report the test makes for a body without a registry. Unknown is not late: an undated report is not
listed."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from lxml import html as lxml_html

from conftest import copy_repository


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository's pages (no MkDocs) with 巴州区's 2023 report copied as 青禾县's, posted 2024-05-10
    (a government's deadline is 31 March: 40 days late); and the coverage entries the build made them from."""
    from builder.index.coverage import coverage
    from builder.index.registry import load_registries, placed_bodies
    from builder.index.scores import load_agencies
    from builder.pipeline import process_all
    from builder.record.files import load_record, to_yaml
    from builder.site.build import build_site
    from builder.site.views import report_url

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    folder = root / "reports" / "2023"
    seed = load_record(folder / "巴州区.yaml")
    shutil.copy(folder / "巴州区.txt", folder / "青禾县.txt")
    source = seed.source.model_copy(update={"path": "reports/2023/青禾县.txt", "posted_on": dt.date(2024, 5, 10)})
    (folder / "青禾县.yaml").write_text(to_yaml(seed.model_copy(update={"agency": "青禾县", "source": source})),
                                      encoding="utf-8")
    (root / "reports" / "agencies.yaml").open("a", encoding="utf-8").write(
        "青禾县: {region: 某省青禾县, level: 县级, kind: government}\n")
    outcomes = [o for o in process_all(root / "reports", root) if not o.failed]
    build_site(outcomes, root, root / "content")
    registries = load_registries(root / "reports")[0]
    agencies = placed_bodies(load_agencies(root / "reports" / "agencies.yaml"), registries)
    entries = coverage([(o.brief, report_url(o.brief)) for o in outcomes], agencies, registries)
    return root, entries


def _rows(root):
    page = (root / "content" / "coverage" / "lapses.md").read_text(encoding="utf-8")
    return lxml_html.fromstring(page[page.index("<div class=\"table-wrap\">"):]).xpath("//tbody/tr")


def test_the_late_and_missing_list_is_the_coverage_data(built):
    root, entries = built
    late = {(e.body, e.year, e.late_days) for e in entries if e.state != "missing" and e.late_days}
    missing = {(e.body, e.year) for e in entries if e.state == "missing"}
    assert late and missing  # the registry lists late reports, and years without one
    got_late, got_missing = set(), set()
    newest = []
    for row in _rows(root):
        body = row.get("data-body")
        spans = row.xpath('td[@class="lapses-late"]/span')
        got_late |= {(body, int(s.get("data-year")), int(s.get("data-days"))) for s in spans}
        gone = row.xpath('td[@class="lapses-missing"]/span')
        got_missing |= {(body, int(s.get("data-year"))) for s in gone}
        years = [int(s.get("data-year")) for s in spans], [int(s.get("data-year")) for s in gone]
        assert all(ys == sorted(ys, reverse=True) for ys in years), body  # newest year first
        newest.append(max(years[0] + years[1]))
    assert got_late == late and got_missing == missing
    assert newest == sorted(newest, reverse=True)  # the body whose lapse is newest first
    assert ("青禾县", 2023, 40) in got_late


def test_an_undated_report_is_not_late(built):
    root, entries = built
    assert "巴州区" in {e.body for e in entries if e.timeliness == "unknown"}  # it prints no date, has no registry
    listed = {row.get("data-body") for row in _rows(root)}
    assert listed == {e.body for e in entries if e.state == "missing" or e.timeliness == "late"}
    assert "巴州区" not in listed


def test_the_home_page_s_coverage_counts_the_late(built):
    from builder.index.coverage import tally
    root, entries = built
    page = (root / "content" / "index.md").read_text(encoding="utf-8")
    table = lxml_html.fromstring(page[page.index('<table class="report-list coverage-glance">'):]).xpath("//table")[0]
    heads = [th.text_content() for th in table.xpath("thead/tr/th")]
    for row in table.xpath("tbody/tr"):
        cells = dict(zip(heads, (td.text_content() for td in row.xpath("td"))))
        t = tally(e for e in entries if e.region == cells["地区"])
        assert (cells["逾期"], cells["按期"], cells["日期不明"]) == (str(t.late), str(t.on_time), str(t.unknown))


def test_the_home_page_s_newest_reports_show_their_best_date(built):
    from builder.record.files import load_record
    root, _ = built
    page = (root / "content" / "index.md").read_text(encoding="utf-8")
    start = page.index("## 最新收录的报告")
    rows = lxml_html.fromstring(page[page.index("<table", start):]).xpath("//table")[0].xpath("tbody/tr")
    assert rows
    dates = []
    for row in rows:
        name, year, shown = (td.text_content() for td in row.xpath("td"))
        record = load_record(root / "reports" / year / f"{name}.yaml")
        posted, printed = record.source.posted_on, record.source.published_on
        if posted:
            assert shown == f"{posted}（发布日期）", (name, shown)
        elif printed:
            assert shown == f"{printed}（落款日期）", (name, shown)
        else:
            assert shown == "日期不明", (name, shown)
        dates.append(posted or printed)
    assert "未印" not in page
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True) and dates == known + [None] * (len(dates) - len(known))
