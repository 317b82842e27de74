"""The summary at the top of each report and body page: its numbers are the record's cells and the
score's values (with the 公开率's counts); the 纠错 link opens a well-formed, URL-encoded issue."""
from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from builder.record.models import Record, iter_cells
from builder.index.scores import load_agencies, score, Agency
from builder.site.summary import _iri_quote, issue_url, site_settings, trend_chart
from builder.site.views import agency_url, report_url
from conftest import build_site_in, copy_repository, with_standing

REPOSITORY = "https://github.com/disclosure-index/disclosure-index"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes, _ = build_site_in(root)
    agencies = load_agencies(root / "reports" / "agencies.yaml")
    return root, [o for o in outcomes if not o.failed], agencies


def glance(page: str) -> dict[str, str]:
    """The summary block of a page: each <dt>'s text → its <dd>'s text (tags dropped)."""
    block = page[page.index('<section class="report-glance"'):]
    block = block[:block.index("</dl>")]
    return {dt: html.unescape(re.sub(r"<[^>]+>", "", dd))
            for dt, dd in re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", block)}


def shown(record: Record, path: str) -> str:
    """A cell as the summary shows it: the number, or what stands in its place."""
    from builder.record.models import get_path
    v = get_path(record, path)
    if v is not None:
        return f"{v:.15g}" if isinstance(v, float) else str(v)
    return {"unread": "未能识别", "not_applicable": "不适用"}.get(record.status(path), "—")


def expected(record: Record, agency: Agency) -> dict[str, str]:
    s = score(record, agency)
    d = s.values["disclosure"]
    own = Counter(record.status(path) for path, _ in iter_cells(record, own=True))
    return {
        "本年新收申请": f"{shown(record, 'applications.new[6]')}件",
        "公开率": (f"{d.value:.1f}%" if d.value is not None else "—"),
        "counts": f"{d.numerator:g} / {d.denominator:g}" if d.denominator else "",
        "行政复议": f"总计 {shown(record, 'review_litigation.review[4]')} 件，"
                    f"结果纠正 {shown(record, 'review_litigation.review[1]')} 件",
        "行政诉讼": f"直接起诉 {shown(record, 'review_litigation.litigation_direct[4]')} 件"
                    f"（纠正 {shown(record, 'review_litigation.litigation_direct[1]')}）；"
                    f"复议后起诉 {shown(record, 'review_litigation.litigation_after_review[4]')} 件"
                    f"（纠正 {shown(record, 'review_litigation.litigation_after_review[1]')}）",
        "总分": f"{s.overall:.1f}组内第 " if s.overall is not None else "不排名",
        # the cells of the report's own edition, by their status
        "数字来源": f"未能识别 {own['unread']} 格 · 推算 {own['inferred']} 格 · 人工更正 {own['corrected']} 格",
    }


def test_each_report_summary_shows_the_records_and_the_scores_numbers(built):
    root, outcomes, agencies = built
    assert len(outcomes) >= 10
    for o in outcomes:
        page = with_standing(root / "site" / report_url(o.record).replace(".md", "/index.html"))  # rank: loaded
        got, want = glance(page), expected(o.record, agencies.get(o.record.agency, Agency(o.record.agency)))
        where = f"{o.record.agency} {o.record.year}"
        # the number, and when a finding flags it, the finding's words after it (test_marks.py)
        assert got["本年新收申请"].split("⚠")[0] == want["本年新收申请"], where
        assert got["公开率"].startswith(want["公开率"]) and want["counts"] in got["公开率"], (where, got["公开率"])
        assert got["行政复议"] == want["行政复议"], where
        assert got["行政诉讼"] == want["行政诉讼"], where
        assert got["总分"].startswith(want["总分"]), (where, got["总分"])
        assert got["数字来源"].startswith(want["数字来源"]), where


def test_a_body_page_summarises_its_latest_report_with_its_chart(built):
    root, outcomes, agencies = built
    by_body: dict[str, list[Record]] = {}
    for o in outcomes:
        by_body.setdefault(o.record.agency, []).append(o.record)
    many = max(by_body.values(), key=len)
    assert len(many) >= 2  # a body with reports of two years
    latest = max(many, key=lambda r: r.year)
    page = (root / "site" / agency_url(latest.agency).replace(".md", "/index.html")).read_text(encoding="utf-8")
    got, want = glance(page), expected(latest, agencies.get(latest.agency, Agency(latest.agency)))
    assert f'最新一年：<a href="../../{report_url(latest).replace(".md", "/")}">{latest.year} 年度报告</a>' in page
    assert got["本年新收申请"].split("⚠")[0] == want["本年新收申请"] and got["行政复议"] == want["行政复议"]
    chart = page[page.index('<svg class="trend"'):]
    chart = chart[:chart.index("</svg>")]
    for r in many:  # every year's 部分公开 and overall score are in the chart
        assert f"{r.year} 年部分公开：" in chart or r.applications.outcomes.partially_disclosed[6] is None
    assert chart.count('class="score-dot"') == sum(
        score(r, agencies.get(r.agency, Agency(r.agency))).overall is not None for r in many)


def test_the_correction_link_names_the_report_and_is_url_encoded(built):
    root, outcomes, _ = built
    assert site_settings(root) == (REPOSITORY, "")
    record = outcomes[0].record
    page_path = report_url(record).replace(".md", "/")
    url = issue_url(REPOSITORY, "https://example.org/index", record, page_path)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", "/disclosure-index/disclosure-index/issues/new")
    # an IRI: 汉字 and full-width punctuation as they are (browsers send them UTF-8 encoded), ASCII
    # URL-encoded, nothing that is a space or a line break
    assert re.fullmatch(r"[A-Za-z0-9\-._~%&=?/:\u00a0-\U0010ffff]+", url) and "纠错" in url, url
    assert not any(c.isspace() for c in url), url
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"title", "body"}
    assert query["title"] == [f"纠错：{record.agency} {record.year} 年度报告"]
    body = query["body"][0]
    assert f"报告年度：{record.year}" in body and record.source.sha256 in body
    assert f"页面：https://example.org/index/{page_path}" in body
    # and the page links it (HTML-escaped &amp; decodes to the same URL)
    html_page = (root / "site" / page_path / "index.html").read_text(encoding="utf-8")
    href = html.unescape(re.search(r'<a class="report-fix" href="([^"]+)"', html_page).group(1))
    assert href == issue_url(REPOSITORY, "", record, page_path)
    assert issue_url("", "", record, page_path) == ""


def test_a_name_with_markup_and_ampersands_is_encoded_not_injected(built):
    _, outcomes, _ = built
    record = outcomes[0].record.model_copy(update={"agency": 'A&B "x" <y>#?'})
    url = issue_url(REPOSITORY, "", record, "reports/2023/x/")
    assert not any(c in url for c in '<>" #') and url.count("?") == 1
    assert parse_qs(urlsplit(url).query)["title"] == [f'纠错：A&B "x" <y>#? {record.year} 年度报告']
    # a space, zero-width or control character beyond ASCII is encoded, never left in the link
    odd = outcomes[0].record.model_copy(update={"agency": "甲\u3000乙\u200b丙\u2028丁\x85"})
    url = issue_url(REPOSITORY, "", odd, "reports/2023/x/")
    assert "%E3%80%80" in url and "%E2%80%8B" in url and "%E2%80%A8" in url and "%C2%85" in url
    assert "甲" in url and parse_qs(urlsplit(url).query)["title"] == [f"纠错：{odd.agency} {odd.year} 年度报告"]


def test_the_correction_link_keeps_a_character_beyond_ascii_as_it_is_only_if_it_shows():
    """The rule of summary.issue_url for every character of the Basic Multilingual Plane and a few beyond:
    a letter, digit, punctuation or symbol beyond ASCII as it is, anything else URL-encoded."""
    for i in [*range(0xD800), *range(0xE000, 0x10000), 0x1F600, 0x20000, 0xE0001, 0x10FFFD]:
        c = chr(i)
        kept = i > 127 and unicodedata.category(c)[0] in "LNPS"
        assert _iri_quote(c) == (c if kept else quote(c, safe="")), hex(i)


def test_the_chart_fits_its_view_box_and_leaves_out_blank_years():
    svg = trend_chart([2021, 2022, 2023, 2024, 2025, 2026, 2027],
                      {"本年新收": [10, None, 30, 40, 5, 6, 7], "予以公开": [1, 2, 3, 4, 5, 6, 7],
                       "部分公开": [0, 1, None, 1, 1, 1, 1]}, [50.0, None, 70.5, 80.0, 90.0, 10.0, 0.0])
    assert svg.startswith('<svg class="trend" viewBox="0 0 360 240"')
    assert svg.count("<rect") == 19 and svg.count('class="score-dot"') == 6
    xs = [float(x) for x in re.findall(r' x="([\d.]+)"', svg)]
    assert min(xs) >= 0 and max(xs) <= 360
    # seven years in 360 units: no number over the bars (they would overlap), each year's label once
    assert 'class="bar-label"' not in svg and svg.count('class="year-label"') == 7


def test_the_home_page_counts_the_reports_and_prints_each_years_quartiles(built):
    from builder.index.standing import quartiles
    root, outcomes, agencies = built
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    years: dict[int, int] = {}
    rates: dict[int, list[float]] = {}
    for o in outcomes:
        years[o.record.year] = years.get(o.record.year, 0) + 1
        d = score(o.record, agencies.get(o.record.agency, Agency(o.record.agency))).values["disclosure"]
        if d.scored:
            rates.setdefault(o.record.year, []).append(d.value)
    chart = page[page.index('aria-label="各年度的报告数"'):]
    chart = chart[:chart.index("</svg>")]
    assert re.findall(r'label-end">(\d+)</text><rect[^>]*/><text[^>]*>(\d+)<', chart) == [
        (str(y), str(n)) for y, n in sorted(years.items())]
    table = page[page.index('<table class="report-list spread">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>(\d+)</td>" + r'<td class="num">([\d.]+)</td>' * 4, table)
    assert rows and rows == [(str(y), str(len(xs)), *(f"{q:.1f}" for q in quartiles(xs)))
                             for y, xs in sorted(rates.items(), reverse=True)]
