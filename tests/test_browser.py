"""A real headless Chromium loads the built site: a report page shows the right numbers, a ranking
table sorts, a Chinese search (the box in the header, on the site's Pagefind index) finds the agency. Screenshots go to test-output/screenshots/."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import ROOT, SEARCH_NAMES, build_site_in, copy_repository

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "test-output" / "screenshots"
if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is not installed: `make test` installs it (Debian package chromium)")
    pytest.skip("Chromium is not installed (make test installs it)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _serve(site):
    """An HTTP server of the folder SITE on a free port of 127.0.0.1, in a thread: (its URL, the server)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    build_site_in(root)
    url, server = _serve(root / "site")
    yield url
    server.shutdown()


# more than a page of results (10) whose names hold 巴州区, a body's whole name, and are longer
LONGER = tuple(f"巴州区{b}" for b in ("人民政府办公室", "发展和改革局", "人力资源和社会保障局", "住房和城乡建设局", "自然资源局",
                                    "生态环境局", "交通运输局", "农业农村局", "文化广电旅游局", "卫生健康局", "应急管理局",
                                    "市场监督管理局"))


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory):
    """(URL, root) of the repository's site with bodies named SEARCH_NAMES and LONGER besides, each a copy
    of 巴州区's 2023 report and record under its own name."""
    from builder.record.files import load_record, to_yaml

    root = copy_repository(tmp_path_factory.mktemp("odd"))
    folder = root / "reports" / "2023"
    seed = load_record(folder / "巴州区.yaml")
    for k, name in enumerate(SEARCH_NAMES + LONGER):
        shutil.copy(folder / "巴州区.txt", folder / f"odd{k}.txt")
        source = seed.source.model_copy(update={"path": f"reports/2023/odd{k}.txt"})
        (folder / f"odd{k}.yaml").write_text(to_yaml(seed.model_copy(update={"agency": name, "source": source})),
                                             encoding="utf-8")
    outcomes, _ = build_site_in(root)
    assert {o.record.agency for o in outcomes if not o.failed} >= set(SEARCH_NAMES + LONGER)
    url, server = _serve(root / "site")
    yield url, root
    server.shutdown()


@pytest.fixture(scope="module")
def page():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        pg = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield pg
        browser.close()


def test_report_page_shows_the_printed_numbers(site_url, page):
    page.goto(site_url + "reports/2023/" + quote("达州市通川区") + "/")
    expect(page.locator("h1")).to_contain_text("达州市通川区 2023 年政府信息公开工作年度报告")
    total = page.locator("table.applications tr", has_text="（七）总计").locator("td")
    assert total.all_inner_texts() == ["51", "5", "5", "0", "0", "0", "61"]
    review = page.locator("table.review tbody td").all_inner_texts()
    assert review == ["2", "1", "0", "1", "4", "3", "1", "1", "3", "8", "0", "0", "0", "0", "0"]
    # its rank and its group's quartiles are loaded from its standing file (standing.js)
    expect(page.locator(".report-glance span.standing")).to_have_text("第 2 名（按 95% 区间：第 1–2 名；共 2）")
    overall = page.locator("tr.score-overall td")
    expect(overall.nth(2)).to_have_text("第 2 名（按 95% 区间：第 1–2 名；共 2）")
    expect(overall.nth(4)).to_contain_text("不同权重下：第 2 名")
    assert page.locator("span.standing:not(.standing-filled)").count() == 0
    page.screenshot(path=str(SHOTS / "report-达州市通川区-2023.png"), full_page=True)


def test_a_body_page_loads_each_years_rank(site_url, page):
    page.goto(site_url + "agencies/" + quote("巴州区") + "/")
    expect(page.locator("table.agency-scores tbody td").nth(2)).to_have_text("第 1 名（按 95% 区间：第 1–2 名；共 2）")
    assert page.locator("span.standing:not(.standing-filled)").count() == 0


def test_inferred_cells_are_visibly_marked(site_url, page):
    page.goto(site_url + "reports/2023/" + quote("川汇区政府办公室") + "/")
    first = page.locator("table.applications tr", has_text="一、本年新收").locator("td").first
    assert "cell-inferred" in first.get_attribute("class")
    assert first.inner_text().startswith("6")
    page.screenshot(path=str(SHOTS / "report-川汇区政府办公室-2023.png"), full_page=True)


def test_ranking_table_sorts_by_a_column(site_url, page):
    page.goto(site_url + "rankings/2023/")
    rows = page.locator("table.ranking tr.ranking-row")
    expect(rows).to_have_count(6)  # the five seeds and 平潭综合实验区's 2023 report
    groups = page.locator("table.ranking tbody")
    expect(groups).to_have_count(3)  # 市级人民政府, 县级人民政府, 县级部门: a section each

    def column(k):  # per group, as the table sorts each group's section on its own
        return [[float(t.split("\n")[0].split("（")[0]) if t[0].isdigit() else -1 for t in
                 groups.nth(g).locator(f"tr.ranking-row td:nth-child({k})").all_inner_texts()]
                for g in range(groups.count())]

    assert all(part == sorted(part, reverse=True) for part in column(9))  # by 总分, best first
    page.locator("table.ranking th", has_text="公开率").click()
    disclosure = column(7)
    assert all(part == sorted(part, reverse=True) for part in disclosure) and max(map(max, disclosure)) == 100.0
    page.locator("table.ranking th", has_text="公开率").click()
    assert column(7) == [sorted(part) for part in disclosure]
    page.fill(".ranking-filter-text", "四川省")
    expect(page.locator("table.ranking tr.ranking-row:visible")).to_have_count(3)
    expect(page.locator("table.ranking tbody:visible")).to_have_count(2)
    page.fill(".ranking-filter-text", "")
    page.select_option(".ranking-filter-group", "县级部门")
    expect(page.locator("table.ranking tr.ranking-row:visible")).to_have_count(3)
    expect(page.locator(".ranking-count")).to_have_text("3 份报告")
    page.screenshot(path=str(SHOTS / "rankings-2023.png"), full_page=True)


def test_a_reason_stays_under_its_report_however_the_ranking_is_sorted(site_url, page):
    page.goto(site_url + "rankings/2024/")
    reasons = page.locator("table.ranking tr.ranking-reason")
    expect(reasons).to_have_count(1)  # 平潭综合实验区海坛片区管理局: 总计 printed 0
    under = "els => els.map(r => r.previousElementSibling.id === r.dataset.for)"
    for header in ("公开率", "报告机关", "总分", "完整性", "组内排名"):
        for _ in range(2):  # both directions
            page.locator("table.ranking thead th", has_text=header).click()
            assert all(reasons.evaluate_all(under)), header
            expect(page.locator("table.ranking tbody tr:first-child")).to_have_class(["group-head"] * 2)


def search_box(pg, query):
    """QUERY typed into the search box in the header, as a reader does: the result list's links (their
    addresses, decoded) once it shows."""
    pg.locator("input.site-search__input").click()
    pg.locator("input.site-search__input").fill("")
    pg.keyboard.type(query, delay=40)
    # Chinese typed through an input method ends with key events; Playwright inserts the text
    # without them, so one key press stands for the input method's
    pg.keyboard.press("End")
    expect(pg.locator(".site-search__status")).to_contain_text(f"“{query}”：找到", timeout=15000)
    links = pg.locator(".site-search__link").evaluate_all("els => els.map(e => e.href)")
    return [unquote(urlsplit(href).path) for href in links]


@pytest.mark.parametrize("query, expected", [
    ("巴州区", "/agencies/巴州区/"), ("平潭综合实验区", "/agencies/平潭综合实验区/"),
    # any part of a body's name of two characters or more finds the body
    ("通川", "/agencies/达州市通川区/"), ("州市通川区", "/agencies/达州市通川区/"),
    ("西区人民政府", "/agencies/攀枝花市西区人民政府办公室/"), ("管委会", "/agencies/大通湖区委区管委会办公室/"),
    ("汇区政府", "/agencies/川汇区政府办公室/"),
    # and a region by its name
    ("四川省", "/regions/四川省/"), ("福建省", "/regions/福建省/")])
def test_chinese_search_finds_the_agency(site_url, page, query, expected):
    page.goto(site_url)
    found = search_box(page, query)
    assert expected in found, found
    if expected.rstrip("/").endswith(query):  # a body's full name or a region's: its page first
        assert found[0] == expected, found
    # what a result shows: the name, what it is (机关, 年度报告, 地区), its years and region
    first = page.locator(".site-search__link").first
    assert first.locator(".site-search__name").inner_text() and first.locator(".site-search__about").inner_text()
    page.screenshot(path=str(SHOTS / f"search-{query}.png"))


def test_a_former_name_finds_the_body_and_a_result_shows_what_it_is(site_url, page):
    # 平潭综合实验区's former name (the registry's alias, agencies.yaml's former_names) finds its page first;
    # the result shows its present name, that it is a body, its years, its region and the former name
    page.goto(site_url)
    found = search_box(page, "平潭综合实验区管委会")
    assert found[0] == "/agencies/平潭综合实验区/", found
    first = page.locator(".site-search__link").first
    assert first.locator(".site-search__name").inner_text() == "平潭综合实验区"
    about = first.locator(".site-search__about").inner_text()
    assert about.startswith("机关 · 2023–2024 年") and "福建省平潭综合实验区" in about and about.endswith("曾用名 平潭综合实验区管委会"), about
    # its present name's result says nothing of it
    search_box(page, "平潭综合实验区")
    assert "曾用名" not in page.locator(".site-search__link").first.locator(".site-search__about").inner_text()


# what a query's words are, in the browser (search.js) and in the build (search_index): the same on
# characters of every kind: CJK Extension A and B (beyond the BMP), the ends of the three-letter codes
# (U+3400, U+E09F, U+E0A0), Latin with and without marks, digits, full-width forms, compatibility forms
# NFKC rewrites (⼀, ①, ²), punctuation, spaces, Greek's final sigma, and words past LONGEST and LONGEST_NAME
CODED = ["㐀䶵", "𠀀𪚥𫝀生僻字", "\ue09f\ue0a0\uffff", "ABC科技园2号", "Ａｂｃ（全角）２０２３", "Ｅ\u0301té café",
         "⼀①²", '甲&乙"丙丁"<戊>·局—【括号】', "ΟΔΟΣ Straße İstanbul", "한국어", "  ", "", "很长的机关名称" * 12,
         " ".join(["a1"] * 40), "\U0010ffff\U00010000"]


def test_the_browser_codes_a_query_as_the_build_does(odd_site, page):
    from builder.site.search_index import name_code, query_words

    page.goto(odd_site[0])
    assert page.evaluate("texts => texts.map(t => siteSearch.terms(t))", CODED) == [" ".join(query_words(t)) for t in CODED]
    chars = [chr(c) for c in (0x20, 0x41, 0x3039, 0x33ff, 0x3400, 0x4e00, 0x9fff, 0xe09f, 0xe0a0, 0xffff, 0x20000, 0x10ffff)]
    assert page.evaluate("cs => cs.map(c => siteSearch.code(c))", chars) == [name_code(c) for c in chars]


def test_a_whole_name_finds_its_page_before_more_than_a_page_of_longer_names_holding_it(odd_site, page):
    # Pagefind also matches the words a query's word starts: each longer name's many parts starting with
    # 巴州区 outweighed the one page named so, which fell past the first 10 results (search_index.END)
    page.goto(odd_site[0])
    found = search_box(page, "巴州区")
    assert found[0] == "/agencies/巴州区/" and len(found) == 10, found
    assert {f"/agencies/{n}/" for n in LONGER} & set(found[1:])


# the site's search (assets/javascripts/search.js) asked for every part of each name (2 characters or
# more): [name, part, the ids of every result] and each name's body page's id
_ASK_EVERY_PART = """async names => {
  const bodies = {}, found = [];
  for (const name of names) {
    const full = await siteSearch.find(name, 10);
    const body = full.shown.find(d => d.meta.title === name && d.meta.kind === "body");
    bodies[name] = [body ? body.id : null, full.shown[0] ? full.shown[0].id : null];
    const chars = Array.from(name);
    for (let i = 0; i < chars.length; i++)
      for (let j = i + 2; j <= chars.length; j++) {
        const part = chars.slice(i, j).join("");
        const result = await siteSearch.find(part, 1);
        found.push([name, part, result ? result.ids : null]);
      }
  }
  return [bodies, found];
}"""


def test_every_part_of_every_odd_name_finds_its_body(odd_site, page):
    from builder.site.search_index import plain_words, query_words

    page.goto(odd_site[0])
    bodies, answers = page.evaluate(_ASK_EVERY_PART, list(SEARCH_NAMES))
    # each body's full name finds its page first
    assert {name: first for name, (body, first) in bodies.items() if body is None or first != body} == {}
    assert len(answers) == sum(len(n) * (len(n) - 1) // 2 for n in SEARCH_NAMES)
    for name, part, ids in answers:
        if not plain_words(part):  # a part of nothing but punctuation ("<, ") asks for nothing
            assert ids is None, part
            continue
        assert bodies[name][0] in ids, (name, part, len(ids))
    # the browser writes a query as the build writes a name (search_index.query_words)
    written = page.evaluate("names => names.map(n => siteSearch.terms(n))", list(SEARCH_NAMES))
    assert written == [" ".join(query_words(n)) for n in SEARCH_NAMES]


@pytest.mark.parametrize("query, expected", [("全角（括号）机关·局", "全角（括号）机关·局"), ("局案3", "青禾县自然资源局案3"),
                                             ("ａｂｃ全角字母局", "Ａｂｃ全角字母局"), ("𠀀生僻字局", "𠀀生僻字局")])
def test_typing_a_name_with_brackets_or_digits_finds_the_body(odd_site, page, query, expected):
    url, _ = odd_site
    page.goto(url)
    found = search_box(page, query)
    assert found[0].endswith(f"/agencies/{expected}/"), found
    page.screenshot(path=str(SHOTS / f"search-{query}.png"))


def test_dark_mode_toggles_and_cells_stay_legible(site_url, page):
    page.goto(site_url + quote("reports/2023/川汇区政府办公室/"))
    body = page.locator("body")
    before = body.get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']").first.click()
    expect(body).not_to_have_attribute("data-md-color-scheme", before or "")
    scheme = body.get_attribute("data-md-color-scheme")
    assert {before, scheme} == {"default", "slate"}
    # an inferred cell has the dark scheme's own ground, not the light one's pale yellow
    inferred = page.locator("td.cell-inferred").first
    colour = inferred.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == ("rgb(74, 63, 18)" if scheme == "slate" else "rgb(255, 244, 204)")
    page.screenshot(path=str(SHOTS / f"report-{scheme}.png"), full_page=False)
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()  # back as it was
    expect(body).to_have_attribute("data-md-color-scheme", before or "default")


def test_the_404_page_and_the_footer_are_in_chinese(site_url, page):
    page.goto(site_url + "404.html")
    expect(page.locator("h1")).to_contain_text("页面不存在")
    footer = page.locator(".md-copyright")
    expect(footer).to_contain_text("本站由开源的公开年报指数生成器构建")
    assert "Made with" not in footer.inner_text()
    assert page.title() == "公开年报指数"


@pytest.fixture(scope="module")
def phone(page):
    """A second tab of the same browser as a 390-px-wide phone."""
    pg = page.context.browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                       device_scale_factor=2, is_mobile=True, has_touch=True)
    yield pg
    pg.close()


def _no_sideways_scroll(pg):
    width = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width[0]} px wide in a {width[1]} px window"
    return width[1]


def _within(box, width):
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024])
def test_ranking_on_a_phone_shows_each_name_and_overall_score(site_url, phone, year):
    phone.goto(site_url + f"rankings/{year}/")
    width = _no_sideways_scroll(phone)
    rows = phone.locator("table.ranking tr.ranking-row")
    assert rows.count() >= 1
    wrap = phone.locator(".table-wrap:has(table.ranking)")
    for scrolled in (False, True):
        for k in range(rows.count()):
            row = rows.nth(k)
            name, overall = row.locator("td:nth-child(2)"), row.locator("td.score-overall")
            assert _within(name.bounding_box(), width), (scrolled, name.inner_text(), name.bounding_box())
            assert _within(overall.bounding_box(), width), (scrolled, overall.inner_text(), overall.bounding_box())
            # the name and the score do not cover each other
            assert name.bounding_box()["x"] + name.bounding_box()["width"] <= overall.bounding_box()["x"] + 0.5
        # a group's heading and the reason a report is not ranked stay in view, however long, and wrap
        for text in phone.locator("table.ranking tr.group-head th > span, table.ranking tr.ranking-reason td > div").all():
            assert _within(text.bounding_box(), width), (scrolled, text.inner_text(), text.bounding_box())
        phone.screenshot(path=str(SHOTS / f"phone-rankings-{year}{'-scrolled' if scrolled else ''}.png"),
                         full_page=True)
        # the other columns scroll inside the table's wrapper; the name and the score stay in view
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        _no_sideways_scroll(phone)
    expect(phone.locator(".scroll-hint.shown")).to_have_count(1)


def test_report_page_on_a_phone_does_not_scroll_sideways(site_url, phone):
    phone.goto(site_url + "reports/2023/" + quote("达州市通川区") + "/")
    width = _no_sideways_scroll(phone)
    glance = phone.locator(".report-glance")
    assert _within(glance.bounding_box(), width)
    # the wide template tables scroll inside their wrappers, and say so
    wrap = phone.locator(".table-wrap:has(table.applications)")
    assert "is-overflowing" in wrap.get_attribute("class")
    expect(phone.locator(".table-wrap:has(table.applications)").locator("xpath=preceding-sibling::p[1]")).to_have_class(
        "scroll-hint shown")
    phone.screenshot(path=str(SHOTS / "phone-report-达州市通川区-2023.png"), full_page=True)
    phone.goto(site_url + "agencies/" + quote("达州市通川区") + "/")
    _no_sideways_scroll(phone)
    chart = phone.locator("svg.trend")
    assert _within(chart.bounding_box(), width)
    phone.screenshot(path=str(SHOTS / "phone-agency-达州市通川区.png"), full_page=True)
    phone.goto(site_url + "agencies/" + quote("平潭综合实验区") + "/")  # two years: two score points, a line
    _no_sideways_scroll(phone)
    assert _within(phone.locator("svg.trend").bounding_box(), width)
    expect(phone.locator("svg.trend .score-dot")).to_have_count(2)
    phone.locator("svg.trend").screenshot(path=str(SHOTS / "phone-agency-平潭综合实验区-chart.png"))
    phone.goto(site_url)
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / "phone-home.png"), full_page=True)


def test_the_summary_sets_a_printed_number_apart_as_a_marked_one(site_url, page):
    # each of the summary's seven numbers (本年新收申请; 行政复议 and 行政诉讼's totals and 纠正) stands in its
    # own padded span whatever its status, so that a number the report printed is not set tighter against
    # its words (总计 4 件) than an inferred or unread one beside it
    page.goto(site_url + "reports/2023/" + quote("达州市通川区") + "/")
    numbers = page.locator(".report-glance dd span[class^='cell-']")
    expect(numbers).to_have_count(7)
    assert numbers.all_inner_texts() == ["64", "4", "1", "8", "1", "0", "0"]
    pads = numbers.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).paddingLeft))")
    assert all(p > 0 for p in pads), pads


def test_report_summary_and_its_correction_link(site_url, page):
    page.goto(site_url + "reports/2023/" + quote("达州市通川区") + "/")
    glance = page.locator(".report-glance")
    expect(glance.locator("dt + dd").first).to_have_text("64件")
    expect(glance).to_contain_text("35 / 61")
    # a table that fits at 1280 px shows no hint
    assert "is-overflowing" not in (page.locator(".table-wrap:has(table.review)").get_attribute("class") or "")
    link = page.locator("a.report-fix")
    href = link.get_attribute("href")
    assert href.startswith("https://github.com/disclosure-index/disclosure-index/issues/new?title=")
    assert " " not in href and "\n" not in href
    page.screenshot(path=str(SHOTS / "report-summary-达州市通川区-2023.png"))
    page.goto(site_url + "agencies/" + quote("达州市通川区") + "/")
    page.screenshot(path=str(SHOTS / "agency-达州市通川区.png"), full_page=True)
    page.goto(site_url)
    expect(page.locator("svg.mini")).to_have_count(4)  # reports by year, by province; two rates' spread
    expect(page.locator("table.coverage-glance a").first).to_have_attribute("href", re.compile("^coverage/.+/$"))
    page.locator("table.coverage-glance a").first.click()
    expect(page.locator("h1")).to_contain_text("福建省平潭综合实验区")
    page.goto(site_url)
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)
