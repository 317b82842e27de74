"""The report page, a body page, compare, the data page and the corrections page (更正记录) in the project's
headless Chromium at 1280 and 390 px over the committed reports: no page scrolls sideways (wide tables
scroll inside their wrappers), and 平潭综合实验区海坛片区管理局 2024's 本年新收申请, printed 0 where its
columns add up to 6, shows its finding's mark wherever it stands: the summaries, the body page's figures,
compare. A correction's date in the 人工更正 tables stays on one line at 390 px. Screenshots go to
test-output/screenshots/."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from test_browser import SHOTS, _serve, page, site_url  # noqa: F401 (fixtures: a built site, a browser page)

BODY = "平潭综合实验区海坛片区管理局"
PAGES = (("report", f"reports/2024/{quote(BODY)}/", "h1"), ("body", f"agencies/{quote(BODY)}/", "h1"),
         ("compare", "compare/?year=2024", "#compare-table tbody tr"), ("data", "data/", "h1"),
         ("corrections", "corrections/", "h1:text-is('更正记录')"))
WIDTHS = (1280, 390)


def _scrolls_sideways(pg) -> tuple[int, int]:
    return tuple(pg.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, rel, ready", PAGES, ids=[p[0] for p in PAGES])
def test_no_page_scrolls_sideways(site_url, page, name, rel, ready, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + rel)
    expect(page.locator(ready).first).to_be_visible()
    wide, window = _scrolls_sideways(page)
    page.screenshot(path=str(SHOTS / f"pages-{name}-{width}.png"), full_page=True)
    assert wide <= window, f"{rel} scrolls sideways at {width} px: {wide} px wide"


def test_the_theme_s_script_runs_on_every_kind_of_page_without_an_error(site_url, page):  # noqa: F811
    """Its settings hold none of its own search's strings (overrides/main.html): no page raises a script
    error, and the theme's script still works (the colour toggle switches to the dark scheme)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for _, rel, ready in PAGES + (("home", "", "h1"),):
        page.goto(site_url + rel)
        expect(page.locator(ready).first).to_be_visible()
        toggle = page.locator("label[for='__palette_1']")
        if not toggle.is_visible():
            page.locator("label[for='__palette_0']").click()  # the reader's system chose the dark one
        page.locator("label[for='__palette_1']").click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
        page.locator("label[for='__palette_0']").click()
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_the_theme_s_icons_and_scheme_script_work_from_their_shared_files(site_url, page, width):  # noqa: F811
    """hooks/shared_files.py: each icon the header shows (the logo or the menu, the colour toggle, the
    search magnifier) references its symbol in assets/icons.svg, and the browser draws it there: the
    drawing has a size (a reference to nothing has none), in the light scheme and the dark. The theme's
    colour-scheme script, loaded from its file, applies the reader's choice on the next page before any
    click."""
    page.set_viewport_size({"width": width, "height": 900})
    drawn = ("() => { const shown = [...document.querySelectorAll('.md-header use')]"
             ".filter(u => u.closest('svg').getBoundingClientRect().width > 0);"
             " return shown.length >= 2 && shown.every(u => u.getBBox().width > 0) }")
    for _, rel, ready in PAGES + (("home", "", "h1"),):
        page.goto(site_url + rel)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_function(drawn, timeout=5000)
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        page.locator("label[for='__palette_1']:visible, label[for='__palette_0']:visible").first.click()
        page.wait_for_function(drawn, timeout=5000)
        chosen = page.locator("body").get_attribute("data-md-color-scheme")
        assert chosen != scheme and chosen in ("default", "slate")
        page.route("**/bundle.*.min.js", lambda route: route.abort())  # the theme's own script does it too
        page.goto(site_url + "methodology/")
        page.unroute("**/bundle.*.min.js")
        assert page.locator("body").get_attribute("data-md-color-scheme") == chosen
    page.screenshot(path=str(SHOTS / f"pages-icons-{width}.png"))


def _marked(locator) -> dict:
    """What a reader sees of a cell's mark: its classes, the sign before it and its outline."""
    return locator.evaluate("e => ({cls: e.className, sign: getComputedStyle(e, '::before').content, "
                            "outline: getComputedStyle(e).outlineStyle, title: e.title})")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_contradicted_headline_number_shows_its_mark(site_url, page, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    for rel in (f"reports/2024/{quote(BODY)}/", f"agencies/{quote(BODY)}/"):
        page.goto(site_url + rel)
        number = page.locator(".report-glance dt:text-is('本年新收申请') + dd span").first
        expect(number).to_have_text("0")
        seen = _marked(number)
        assert "cell-finding" in seen["cls"].split() and seen["sign"] == '"⚠"' and seen["outline"] == "solid", seen
        assert "六类申请人之和为 6" in seen["title"]
        box = number.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= width
        page.locator(".report-glance").screenshot(path=str(SHOTS / f"pages-glance-{rel.split('/')[0]}-{width}.png"))
    # the body page's figures across years
    cell = page.locator("table.across-years tr:has(th:text-is('本年新收申请')) td").first
    assert "cell-finding" in _marked(cell)["cls"].split()
    # compare: the value marked, its status saying so
    page.goto(site_url + "compare/?year=2024&sort=name&dir=asc")
    row = page.locator("#compare-table tbody tr", has_text=BODY)
    expect(row.locator("td").nth(3)).to_have_text("0")
    seen = _marked(row.locator("td").nth(3))
    assert "cell-finding" in seen["cls"].split() and seen["sign"] == '"⚠"' and "有核对问题" in seen["title"]
    expect(row.locator("td").nth(4)).to_have_text("印发（有核对问题）")
    page.locator("#compare-table").screenshot(path=str(SHOTS / f"pages-compare-table-{width}.png"))
    # side by side, which has no status column: the mark in words under the number, and in its export
    page.goto(site_url + f"compare/?year=2024&body={quote(BODY)}&mode=key")
    cell = page.locator("#compare-side tbody tr", has_text="一、本年新收").locator("td").nth(2)
    expect(cell).to_have_text("0（有核对问题）")
    assert "cell-finding" in _marked(cell)["cls"].split()
    with page.expect_download() as got:
        page.locator("[data-export='compare-side'][data-format='csv']").click()
    assert "0（有核对问题）" in open(got.value.path(), encoding="utf-8-sig").read()
    page.locator("#compare-side").screenshot(path=str(SHOTS / f"pages-compare-side-{width}.png"))


@pytest.fixture(scope="module")
def corrected_url(tmp_path_factory):
    """A copy of the repository with one correction committed on 2026-12-07, built and served."""
    from conftest import build_site_in, copy_repository
    from test_corrections_shown import _correct, _git
    root = copy_repository(tmp_path_factory.mktemp("corrected"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "reports", date="2024-03-01")
    _correct(root / "reports" / "2023" / "巴州区.yaml", r"(?m)^  new: \[[^\]]*\]", "[", "[1", "applications.new[0]")
    _git(root, "commit", "-q", "-am", "巴州区 2023：自然人新收申请按原文更正", date="2026-12-07")
    build_site_in(root)
    url, server = _serve(root / "site")
    yield url
    server.shutdown()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_corrections_date_stays_on_one_line(corrected_url, page, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    for name, rel in (("corrections", "corrections/"), ("report", f"reports/2023/{quote('巴州区')}/"),
                      ("body", f"agencies/{quote('巴州区')}/")):
        page.goto(corrected_url + rel)
        date = page.locator("table.corrections td.date", has_text="2026-12-07")
        expect(date).to_have_count(1)
        lines = date.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                              "return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }")
        assert lines == 1, (rel, width)
        wide, window = _scrolls_sideways(page)
        assert wide <= window, (rel, width, wide)
        page.locator("table.corrections").screenshot(path=str(SHOTS / f"pages-corrections-{name}-{width}.png"))
    page.goto(corrected_url + "corrections/")
    expect(page.locator("table.corrections tbody tr")).to_have_count(1)
    assert re.search(r"自然人", page.locator("table.corrections tbody tr").inner_text())
    page.screenshot(path=str(SHOTS / f"pages-corrections-list-{width}.png"), full_page=True)


# a page of every kind that holds a table
TABLE_PAGES = (("home", ""), ("rankings", "rankings/2024/"), ("rankings-index", "rankings/"),
               ("coverage", "coverage/"), ("coverage-region", f"coverage/{quote('福建省平潭综合实验区')}/"),
               ("coverage-year", f"coverage/{quote('福建省平潭综合实验区')}/2024/"), ("lapses", "coverage/lapses/"),
               ("methodology", "methodology/"), ("report", f"reports/2024/{quote(BODY)}/"),
               ("body", f"agencies/{quote(BODY)}/"), ("region", f"regions/{quote('福建省')}/"), ("data", "data/"),
               ("issues", "issues/"), ("accuracy", "accuracy/"))

# every table cell's text, the lines it takes on screen and whether it reads as one number
_CELL_LINES = """() => Array.from(document.querySelectorAll('.md-content table td, .md-content table th'))
  .filter(e => e.offsetParent !== null)
  .map(e => {
    const text = e.innerText.trim();
    const r = document.createRange(); r.selectNodeContents(e);
    const tops = new Set(Array.from(r.getClientRects()).filter(b => b.width > 0 && b.height > 0)
                                                       .map(b => Math.round(b.top / 4)));
    return {text, lines: tops.size};
  })"""
NUMBER = re.compile(r"^[-−+]?[\d.,%]+$")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, rel", TABLE_PAGES, ids=[p[0] for p in TABLE_PAGES])
def test_no_number_is_cut_and_no_word_stands_one_character_a_line(site_url, page, name, rel, width):  # noqa: F811
    """A number in a table stays on one line ("31" never shows as 3 over 1), and a cell's text or
    header never wraps one character a line (a region's name down a column at 390 px)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + rel)
    expect(page.locator("h1").first).to_be_visible()
    cut, narrow = [], []
    for cell in page.evaluate(_CELL_LINES):
        text = cell["text"]
        if "\n" in text:
            continue
        if NUMBER.match(text) and len(text) > 1 and cell["lines"] > 1:
            cut.append(text)
        elif len(text) >= 4 and cell["lines"] > 1 and cell["lines"] * 1.5 > len(text):
            narrow.append((text, cell["lines"]))
    page.screenshot(path=str(SHOTS / f"tables-{name}-{width}.png"), full_page=True)
    assert not cut, f"{rel} at {width} px cuts numbers across lines: {cut[:10]}"
    assert not narrow, f"{rel} at {width} px wraps text about one character a line: {narrow[:10]}"
    assert _scrolls_sideways(page)[0] <= width
