"""The site: pages carry the records' numbers, mark inferred and missing cells, escape report text,
and MkDocs builds them strictly."""
from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from builder.record.models import Narrative, Record, Source, get_path, iter_cells
from builder.record.outcome import Outcome
from builder.site.build import build_site
from builder.site.search_index import index_site, name_code
from builder.site.engine import engine_command
from builder.record.template import APPLICATION_ROWS, ARTICLE20_ITEMS, REVIEW_ROWS
from conftest import ROOT, build_site_in, copy_repository, indexed_pages, with_standing



class Cells(HTMLParser):
    """The <td> cells of a page's tables, in order, with their classes."""

    def __init__(self):
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self._in = dict(attrs).get("class", "")
            self.cells.append((self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            cls, text = self.cells[-1]
            self.cells[-1] = (cls, text + data)

    def handle_endtag(self, tag):
        if tag == "td":
            self._in = None


def cells_of(html: str) -> list[tuple[str, str]]:
    p = Cells()
    p.feed(html)
    return [(cls, text.strip()) for cls, text in p.cells]


def expected_cells(record: Record) -> list[str]:
    """The record's cells in the order the page prints them: 二, 三, 四; a cell without a number shows what
    stands in its place (未能识别 for an unread cell, 不适用, else — for a blank)."""
    def text(path: str, v) -> str:
        if v is not None:
            return f"{v:.15g}" if isinstance(v, float) else str(v)
        return "未能识别" if path in record.unread else "不适用" if path in record.not_applicable else "—"

    out = []
    for item in ARTICLE20_ITEMS:
        for path in item.paths:
            out.append(text(path, get_path(record, path)))
    for row in APPLICATION_ROWS + REVIEW_ROWS:
        out += [text(f"{row.path}[{i}]", v) for i, v in enumerate(get_path(record, row.path))]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the repository with its site built by the builder and MkDocs."""
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes, written = build_site_in(root)
    return root, outcomes, written


def test_every_number_on_a_report_page_is_the_records(built):
    root, outcomes, _ = built
    for o in outcomes:
        page = root / "site" / "reports" / str(o.record.year) / o.record.agency / "index.html"
        cells = cells_of(page.read_text(encoding="utf-8"))
        expected = expected_cells(o.record)
        assert [text for _, text in cells][:len(expected)] == expected, o.record.agency


def test_the_total_row_of_a_seed(built):
    root, _, _ = built
    html = (root / "site" / "reports" / "2023" / "达州市通川区" / "index.html").read_text(encoding="utf-8")
    row = html[html.index("（七）总计"):]
    row = row[:row.index("</tr>")]
    assert [t for _, t in cells_of("<table><tr><th>" + row + "</tr></table>")] == ["51", "5", "5", "0", "0", "0", "61"]


def test_inferred_and_printed_cells_are_marked(built):
    root, outcomes, _ = built
    record = next(o.record for o in outcomes if o.record.agency == "川汇区政府办公室")
    html = (root / "site" / "reports" / "2023" / "川汇区政府办公室" / "index.html").read_text(encoding="utf-8")
    cells = cells_of(html)
    offset = sum(len(i.columns) for i in ARTICLE20_ITEMS)
    paths = [f"{r.path}[{i}]" for r in APPLICATION_ROWS for i in range(7)]
    for k, path in enumerate(paths):
        cls = cells[offset + k][0]
        assert ("cell-inferred" in cls) == (path in record.inferred), path
        assert ("cell-blank" in cls) == (dict(iter_cells(record))[path] is None), path
    assert "图例" in html and "推算值" in html


def test_agency_pages_link_the_years_and_the_directory_lists_every_body(built):
    from builder.index.scores import load_agencies
    from builder.site.views import province

    root, outcomes, _ = built
    agencies = load_agencies(root / "reports" / "agencies.yaml")
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    directory = (root / "site" / "regions" / "index.html").read_text(encoding="utf-8")
    assert 'href="四川省/">四川省</a>（3 个机关）' in directory and 'href="河南省/">河南省</a>（1 个机关）' in directory
    assert 'href="福建省/">福建省</a>（5 个机关）' in directory  # 平潭综合实验区 and four of its bodies
    for o in outcomes:
        name, year = o.record.agency, o.record.year
        assert f'href="reports/{year}/{name}/"' in index  # among the newest
        listed = (root / "site" / "regions" / province(agencies[name].region) / "index.html").read_text(encoding="utf-8")
        assert f'href="../../agencies/{name}/"' in listed
        agency = (root / "site" / "agencies" / name / "index.html").read_text(encoding="utf-8")
        assert f'href="../../reports/{year}/{name}/"' in agency
    assert f"{len(outcomes)} 份" in index


def test_rebuilding_unchanged_records_writes_nothing(built):
    root, outcomes, written = built
    assert written > 0
    assert build_site(outcomes, root, root / "content") == 0


def test_verbatim_html_is_on_every_page_and_never_searched(built):
    root, _, _ = built
    pages = list((root / "site").rglob("*.html"))
    assert pages and not any("verbatim" in p.read_text(encoding="utf-8") for p in pages)
    report = (root / "site" / "reports" / "2023" / "巴州区" / "index.html").read_text(encoding="utf-8")
    assert 'class="report-table applications"' in report and 'class="narrative"' in report
    indexed = indexed_pages(root / "site")
    text = "".join(p["content"] for p in indexed)
    assert "巴州区" in {p["meta"]["title"] for p in indexed} and name_code("巴州区") in text  # found by its name's code
    assert "勾稽关系为" not in text and "申请人情况" not in text  # table headings of every report page
    # (hooks/verbatim.py passes the builder's HTML through MkDocs; tests/test_verbatim.py)


def test_report_text_is_escaped_everywhere(tmp_path):
    copy_repository(tmp_path)
    shutil.rmtree(tmp_path / "reports")
    evil = "<script>alert(1)</script>坏局</title><b>x</b>"
    (tmp_path / "reports" / "2023").mkdir(parents=True)
    source = tmp_path / "reports" / "2023" / "evil.txt"
    source.write_text("x", encoding="utf-8")
    record = Record(agency=evil, year=2023, source=Source(path="reports/2023/evil.txt", sha256="0" * 64, format="text"),
                    narrative=Narrative(overview="正文<img src=x onerror=alert(2)>\n[点我](javascript:alert(3)) **粗**",
                                        problems="<b>x</b> & <i>y</i> <!-- /verbatim --> <!-- verbatim -->"))
    outcome = Outcome(source, record)
    build_site([outcome], tmp_path, tmp_path / "content")
    out = subprocess.run(engine_command(tmp_path / "site"), cwd=tmp_path,
                         capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert out.returncode == 0, out.stderr
    index_site(tmp_path / "site")
    # the search finds the body by its name as it is (a result shows it as text: search.js)
    assert evil in {p["meta"]["title"] for p in indexed_pages(tmp_path / "site")}
    for page in (tmp_path / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "<b>x</b>" not in html and "<img src=x" not in html and "javascript:alert" not in html.replace(
            "&lt;", "").split("[点我]")[0], page
        assert 'href="javascript' not in html, page
    report = next((tmp_path / "site" / "reports").rglob("index.html")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;坏局" in report  # shown as text
    assert "[点我](javascript:alert(3))" in report  # Markdown in report text is not interpreted either


def test_methodology_page_is_generated_from_the_indicators(built):
    from builder.index.scores import INDICATORS
    root, _, _ = built
    html = (root / "site" / "methodology" / "index.html").read_text(encoding="utf-8")
    for ind in INDICATORS:
        assert ind.name in html and f"{ind.weight * 100:g}%" in html
        assert ind.formula.replace("“", "").split("（")[0][:12] in html.replace("“", "")
    assert "第四十九条" in html and "3月31日" in html and "1月31日" in html


def test_ranking_page_scores_match_the_index(built):
    from builder.index.scores import Agency, load_agencies, score
    root, outcomes, _ = built
    agencies = load_agencies(root / "reports" / "agencies.yaml")
    pages = {year: (root / "site" / "rankings" / str(year) / "index.html").read_text(encoding="utf-8")
             for year in {o.record.year for o in outcomes}}
    for o in outcomes:
        s = score(o.record, agencies.get(o.record.agency, Agency(o.record.agency)))
        page = pages[o.record.year]
        row = page[page.index(f">{o.record.agency}</a>"):]
        row = row[:row.index("</tr>")]
        assert (f"{s.overall:.1f}" if s.overall is not None else "不排名") in row
        for value in s.values.values():
            assert (f"{value.value:.1f}" if value.value is not None
                    else {"not_applicable": "不适用", "missing": "缺失"}[value.status]) in row
            if value.denominator:  # every rate shows its counts
                assert f"{value.numerator:g}/{value.denominator:g}" in row
    assert sum(page.count("样本过小") for page in pages.values()) >= 4  # rates below the minimum n: shown, not ranked


def test_data_page_lists_every_download_and_column(built):
    root, _, _ = built
    html = (root / "site" / "data" / "index.html").read_text(encoding="utf-8")
    from builder.data.files import TABLES, WHOLE
    years = sorted({int(p.name) for p in (root / "reports").glob("2*")})
    names = [*WHOLE, *(t.file(year) for t in TABLES if t.name != "coverage" for year in years)]
    for name in names:
        assert f'href="../downloads/data/{name}"' in html
        assert (root / "site" / "downloads" / "data" / name).exists()
    assert html.count('<td class="text"><code>applications_') == 175 + 7  # and the 2019 edition's （六）其他处理


def test_a_pdf_report_page_links_each_table_to_its_page(tmp_path):
    import shutil as sh
    copy_repository(tmp_path)
    sh.rmtree(tmp_path / "reports")
    (tmp_path / "reports" / "2023").mkdir(parents=True)
    sh.copy(ROOT / "tests" / "fixtures" / "pdf" / "达州市通川区.pdf", tmp_path / "reports" / "2023")
    outcomes, _ = build_site_in(tmp_path)
    html = (tmp_path / "site" / "reports" / "2023" / "达州市通川区" / "index.html").read_text(encoding="utf-8")
    pages = outcomes[0].record.source.pages
    for n in pages.applications:
        assert f'downloads/2023/达州市通川区.pdf#page={n}"' in html


def test_text_faults_readers_saw_are_gone(built):
    """The faults a reader found: one site name in the home page's title, no space in a region page's
    title, no doubled group in column descriptions, no converter markup or mid-sentence breaks in
    narratives (the record keeps its text as read; the page shows paragraphs)."""
    root, outcomes, _ = built
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "<title>公开年报指数</title>" in home
    region = next((root / "site" / "regions").glob("四川省/index.html")).read_text(encoding="utf-8")
    assert "<title>四川省的报告机关 - 公开年报指数</title>" in region
    data = (root / "content" / "data.md").read_text(encoding="utf-8")
    assert "行政诉讼行政诉讼" not in data and "行政诉讼 · 未经复议直接起诉 · 结果维持" in data
    assert "（三）不予公开 · 1.属于国家秘密 · 自然人" in data
    page = (root / "content" / "reports" / "2023" / "达州市通川区.md").read_text(encoding="utf-8")
    record = next(o.record for o in outcomes if o.brief.agency == "达州市通川区")
    # 达州市通川区's overview breaks 增加政 / 策解读 across two lines: one paragraph on the page
    assert "增加政\n" in record.narrative.overview and "以群众喜闻乐见的形式增加政策解读形式" in page
    chuanhui = (root / "content" / "reports" / "2023" / "川汇区政府办公室.md").read_text(encoding="utf-8")
    assert "<p>- " not in chuanhui and "<p>二是要进一步建立和完善工作制度" in chuanhui


@pytest.mark.parametrize("text, expected", [
    ("**加强领导**\n- 一是强化部署\n• 二是__完善__制度", ["加强领导", "一是强化部署", "二是完善制度"]),
    # a line cut mid-sentence is joined with the next; a numbered heading and a numbered point are not
    ("（一）主动公开情况\n我区人民政府门户网站全年共发布各类信息七千余\n条，其中政策文件二十件。\n二是加强解读。",
     ["（一）主动公开情况", "我区人民政府门户网站全年共发布各类信息七千余条，其中政策文件二十件。", "二是加强解读。"]),
    ("全年公开政府信息 608 条，其中政务动态信息\n344 条。", ["全年公开政府信息 608 条，其中政务动态信息 344 条。"]),
    ("短行\n下一行", ["短行", "下一行"]),
    ("", []),
])
def test_narrative_paragraphs(text, expected):
    from builder.site.views import paragraphs
    assert paragraphs(text) == expected


def test_methodology_page_prints_the_rules_version_and_change_log_from_their_definitions(built):
    import html as html_lib

    from builder.index.flags import JUMP_RULE, NARRATIVE_RULE
    from builder.index.scores import ARTICLE_49, CHANGELOG, METHOD_VERSION, MIN_N, MISSING_RULE, OVERALL_RULE
    from builder.index.standing import ALTERNATIVE_WEIGHTS, PEER_RULE, RANK_RULE, SENSITIVITY_RULE
    root, _, _ = built
    text = html_lib.unescape((root / "site" / "methodology" / "index.html").read_text(encoding="utf-8"))
    for rule in (ARTICLE_49, OVERALL_RULE, MISSING_RULE, RANK_RULE, SENSITIVITY_RULE, PEER_RULE, JUMP_RULE,
                 NARRATIVE_RULE):
        assert rule in text
    assert f"方法版本 {METHOD_VERSION}" in text and all(f"<strong>{v}</strong>" in text for v, _ in CHANGELOG)
    assert f"分母小于 <strong>{MIN_N}</strong>" in text
    assert all(f"<li>{name}</li>" in text for name, _ in ALTERNATIVE_WEIGHTS)


def test_report_and_body_pages_show_counts_ranges_quartiles_and_sensitivity(built):
    import html as html_lib
    root, _, _ = built
    # ranks and quartiles change when a report joins the group: the pages load them (standing.js)
    page = root / "site" / "reports" / "2023" / "巴州区" / "index.html"
    assert "第 1 名" not in page.read_text(encoding="utf-8")
    report = html_lib.unescape(with_standing(page))
    assert "4 / 14" in report and "11.7–54.6" in report          # 纠正率 with its n and interval
    assert "第 1 名（按 95% 区间：第 1–2 名；共 2）" in report      # overall: the intervals overlap 达州市通川区's
    assert "62.7 / 68.1 / 73.5（2 份）" in report and "高于组内 P75，优于中位数" in report  # 公开率 among its group
    assert "不同权重下：第 1 名" in report
    body = html_lib.unescape(with_standing(root / "site" / "agencies" / "达州市通川区" / "index.html"))
    assert "63.2–73.2" in body and "第 2 名（按 95% 区间：第 1–2 名；共 2）" in body
    small = html_lib.unescape((root / "site" / "reports" / "2023" / "攀枝花市西区人民政府办公室" / "index.html")
                              .read_text(encoding="utf-8"))
    assert "分母 1 小于最小样本量 10" in small and "1 / 1" in small


def test_one_body_has_one_page_under_every_spelling_of_its_name(tmp_path):
    """平潭综合实验区(公安局) in 2021 and 平潭综合实验区（公安局） in 2022 (parentheses of two widths) are one body
    (characters.name_key), as is a name with an invisible character and the registry's name without it:
    one page per body, under the name its newest report prints, which its reports, the directory of
    bodies and the coverage pages link to."""
    from builder.record.files import load_record
    from builder.site.views import agency_url, report_url, slug

    root = copy_repository(tmp_path)
    reports = root / "reports"

    def outcome(path: str, agency: str) -> Outcome:
        source = reports / path
        return Outcome(source, load_record(source.with_suffix(".yaml")).model_copy(update={"agency": agency}))

    police, approval = "平潭综合实验区（公安局）", "平潭综合实验区行政审批局\u00ad"  # the registry: 平潭综合实验区行政审批局
    outcomes = [outcome("2021/平潭综合实验区公安局.html", "平潭综合实验区(公安局)"),
                outcome("2022/平潭综合实验区公安局.html", police),
                outcome("2024/平潭综合实验区行政审批局.html", approval)]
    content = root / "content"
    build_site(outcomes, root, content)
    assert sorted(p.relative_to(content).as_posix() for p in (content / "agencies").glob("*.md")) == sorted(
        [agency_url(police), agency_url(approval)])
    body = (content / agency_url(police)).read_text(encoding="utf-8")
    for o in outcomes[:2]:
        assert report_url(o.brief).replace(".md", "/") in body
        page = (content / report_url(o.brief)).read_text(encoding="utf-8")
        assert f'href="../../../agencies/{police}/"' in page, o.brief
    directory = "".join(p.read_text(encoding="utf-8") for p in (content / "regions").rglob("*.md"))
    assert directory.count(f"agencies/{police}/") == 1 and f"agencies/{slug(outcomes[0].brief.agency)}/" not in directory
    coverage = next((content / "coverage").rglob("2024.md")).read_text(encoding="utf-8")
    assert f'agencies/{slug(approval)}/">平潭综合实验区行政审批局</a>' in coverage
