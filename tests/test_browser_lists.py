"""The pages that list many reports, as a reader's browser shows them at 1280 and 390 px: coverage (its
及时性 column on screen), 逾期与缺失, the home page, 方法说明 (its indicators readable); search (a body's
full name finds its page first, no zero-width space in a result); and what a build writes beside them
(a sitemap of every page's address, no jieba chatter). The site is built with SITE_URL set, as the
deploy builds it. Screenshots go to test-output/screenshots/."""
from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import copy_repository
from test_browser import SHOTS, _no_sideways_scroll, _serve, _within, page, phone  # noqa: F401 (fixtures)

from playwright.sync_api import expect  # noqa: E402  (after test_browser: skipped without Chromium)

ADDRESS = "https://example.org/disclosure-index/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(root, MkDocs' stderr) of the repository's site built as `make site` builds it, with SITE_URL."""
    from builder.pipeline import process_all
    from builder.site.build import build_site, write_search_dictionary

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    write_search_dictionary(root / ".cache" / "search" / "jieba_user.txt", outcomes)
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
                         cwd=root, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": ADDRESS})
    assert out.returncode == 0, out.stderr
    return root, out.stderr


@pytest.fixture(scope="module")
def site_url(built):
    url, server = _serve(built[0] / "site")
    yield url
    server.shutdown()


def test_the_sitemap_lists_every_page_at_the_site_s_address(built):
    root, _ = built
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    folders = [p.parent.relative_to(root / "site").as_posix() for p in (root / "site").rglob("index.html")]
    assert {unquote(u) for u in listed} == {ADDRESS + ("" if f == "." else f + "/") for f in folders}


def test_a_build_says_nothing_of_jieba(built):
    _, stderr = built
    assert "prefix dict" not in stderr.lower() and "Loading model" not in stderr


def test_the_search_index_keeps_only_the_word_breaks_lunr_needs(built):
    root, _ = built
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    breaks = idle = 0
    for doc in index["docs"]:
        for text in (doc.get("title", ""), doc.get("text", "")):
            for m in re.finditer("\u200b", text):
                breaks += 1
                before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
                idle += not before or not after or bool(separator.fullmatch(before) or separator.fullmatch(after))
    assert breaks and idle == 0


# Material's search worker, as the site serves it, asked for each query: each answer's locations and texts
_ASK = """async queries => {
  const config = JSON.parse(document.getElementById("__config").textContent);
  const index = await (await fetch("search/search_index.json")).json();
  const worker = new Worker(new URL(config.search, location.href));
  const ask = data => new Promise(done => { worker.onmessage = ev => done(ev.data); worker.postMessage(data); });
  await ask({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  const found = [];
  for (const query of queries) {
    const result = await ask({type: 2, data: query});
    found.push([query, result.data.items.map(group => group[0].location),
                result.data.items.flat().map(doc => (doc.title || "") + (doc.text || ""))]);
  }
  worker.terminate();
  return found;
}"""


def test_searching_each_body_s_full_name_finds_its_page_first(built, site_url, page):
    root, _ = built
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    bodies = {html.unescape(d["title"].replace("\u200b", "").strip()): d["location"] for d in index["docs"]
              if re.fullmatch(r"agencies/[^/#]+/", d["location"])}
    assert "平潭综合实验区" in bodies and len(bodies) >= 10  # every committed body
    page.goto(site_url)
    answers = page.evaluate(_ASK, [*bodies, "行政复议", "政府信息公开"])
    assert [(q, found[:5]) for q, found, _ in answers if q in bodies and found[0] != bodies[q]] == []
    for query, locations, texts in answers:
        assert locations and not any("\u200b" in t for t in texts), query  # no zero-width space shown
    # typed into the search box, as a reader does
    page.locator("input.md-search__input").click()
    page.keyboard.type("平潭综合实验区", delay=60)
    page.keyboard.press("End")  # as in test_browser.test_chinese_search_finds_the_agency
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=15000)
    first = page.locator(".md-search-result__link").first.get_attribute("href")
    assert unquote(urlsplit(first).path).endswith("/agencies/平潭综合实验区/"), first
    page.screenshot(path=str(SHOTS / "search-平潭综合实验区.png"))


def _columns_on_screen(pg, table: str, width: int) -> None:
    """Every column of the table in view: within the window and within its wrapper, which does not
    scroll (a column past the wrapper's edge is hidden until the reader scrolls it)."""
    heads = pg.locator(f"table.{table} thead th")
    assert heads.count() > 0
    wrap = pg.locator(f".table-wrap:has(table.{table})").first
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), (table, "scrolls inside its wrapper")
    edge = wrap.bounding_box()
    for k in range(heads.count()):
        box = heads.nth(k).bounding_box()
        assert _within(box, width) and box["x"] + box["width"] <= edge["x"] + edge["width"] + 0.5, (
            table, heads.nth(k).inner_text(), box, edge)


def test_a_coverage_year_shows_every_column_at_1280(site_url, page):
    page.goto(site_url + quote("coverage/福建省平潭综合实验区/2024/"))
    width = _no_sideways_scroll(page)
    _columns_on_screen(page, "coverage-year", width)
    expect(page.locator("table.coverage-year td.timeliness-on_time").first).to_be_in_viewport()
    page.screenshot(path=str(SHOTS / "coverage-pingtan-2024.png"), full_page=True)
    for path, table in (("coverage/", "coverage-summary"), ("coverage/lapses/", "coverage-lapses"),
                        (quote("coverage/福建省平潭综合实验区/"), "coverage-summary")):
        page.goto(site_url + path)
        _columns_on_screen(page, table, _no_sideways_scroll(page))
    page.screenshot(path=str(SHOTS / "coverage-lapses.png"), full_page=True)


@pytest.mark.parametrize("path", ["", "coverage/", "coverage/lapses/", quote("coverage/福建省平潭综合实验区/2024/"),
                                  "methodology/", "rankings/"])
def test_a_page_does_not_scroll_sideways_on_a_phone(site_url, phone, path):
    phone.goto(site_url + path)
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(SHOTS / f"phone-{unquote(path).strip('/').replace('/', '-') or 'home'}.png"),
                     full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_methodology_s_indicators_are_readable(site_url, page, width):
    pg = page if width == 1280 else page.context.browser.new_page(viewport={"width": width, "height": 844},
                                                                  locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        pg.goto(site_url + "methodology/")
        _no_sideways_scroll(pg)
        rows = pg.locator("table.methodology-summary tbody th")
        expect(rows).to_have_count(5)
        for k in range(rows.count()):
            name, key = rows.nth(k).locator("a"), rows.nth(k).locator("code")
            # a name and its key each on one line (never a character or a letter a line)
            for el in (name, key):
                box = el.bounding_box()
                line = float(el.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
                assert box["height"] < 2 * line and box["width"] > 2 * line, (width, el.inner_text(), box)
        # each indicator's definition, in full, below the table
        for key in ("completeness", "consistency", "timeliness", "disclosure", "corrected"):
            expect(pg.locator(f"#ind-{key}")).to_have_count(1)
        pg.locator("table.methodology-summary").screenshot(path=str(SHOTS / f"methodology-indicators-{width}.png"))
    finally:
        if pg is not page:
            pg.close()
