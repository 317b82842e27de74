"""The pages that list many reports, as a reader's browser shows them at 1280 and 390 px: coverage (its
及时性 column on screen), 逾期与缺失, the home page, 方法说明 (its indicators readable); search (a body's
full name finds its page first, on a phone too, at the site's address below a path, loading at most
SEARCH_BYTES); and what a build writes beside them (a sitemap of every page's address). The site is
built with SITE_URL set, as the deploy builds it. Screenshots go to test-output/screenshots/."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import quote, unquote, urlsplit

import pytest

from conftest import copy_repository, indexed_pages
from test_browser import SHOTS, _no_sideways_scroll, _serve, _within, page, phone, search_box  # noqa: F401 (fixtures)

from playwright.sync_api import expect  # noqa: E402  (after test_browser: skipped without Chromium)

ADDRESS = "https://example.org/disclosure-index/"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(root, MkDocs' stderr) of the repository's site built as `make site` builds it, with SITE_URL."""
    from builder.pipeline import process_all
    from builder.site.build import build_site
    from builder.site.search_index import index_site

    root = copy_repository(tmp_path_factory.mktemp("repo"))
    outcomes = process_all(root / "reports", root)
    build_site(outcomes, root, root / "content")
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
                         cwd=root, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": ADDRESS})
    assert out.returncode == 0, out.stderr
    index_site(root / "site")
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


SEARCH_BYTES = 500 * 1024  # what one search may load, index and results included (docs/national.md)


def test_searching_each_body_s_full_name_finds_its_page_first(built, site_url, page):
    root, _ = built
    pages = indexed_pages(root / "site")
    bodies = {p["meta"]["title"]: unquote(p["url"]) for p in pages if p["meta"]["kind"] == "body"}
    assert "平潭综合实验区" in bodies and len(bodies) >= 10  # every committed body
    page.goto(site_url)
    answers = page.evaluate("""async names => { const out = [];
      for (const n of names) { const f = await siteSearch.find(n); out.push([n, f.shown.map(d => d.url)]); }
      return out; }""", list(bodies))
    assert [(q, found[:3]) for q, found in answers if not found or unquote(found[0]) != bodies[q]] == []
    # typed into the search box, as a reader does
    assert search_box(page, "平潭综合实验区")[0] == "/agencies/平潭综合实验区/"
    page.screenshot(path=str(SHOTS / "search-平潭综合实验区.png"))


def test_every_part_of_a_name_finds_its_body_however_the_index_is_cut(built, page, tmp_path, monkeypatch):
    # Pagefind loads, for each word of a query, only the index chunks that may hold it: cut into chunks of a
    # few words each (a large index is cut so), every part of every body's name still finds the body, and
    # its full name its page first
    import shutil

    from builder.site.search_index import index_site, plain_words
    from test_browser import _ASK_EVERY_PART

    root, _ = built
    site = shutil.copytree(root / "site", tmp_path / "site")
    monkeypatch.setenv("PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", "10")  # Pagefind's chunk size (20,000 by default)
    index_site(site)
    assert len(list((site / "pagefind" / "index").glob("*.pf_index"))) > 100
    names = sorted(p["meta"]["title"] for p in indexed_pages(site) if p["meta"]["kind"] == "body")
    assert "达州市通川区" in names and len(names) >= 10
    url, server = _serve(site)
    try:
        page.goto(url)
        bodies, answers = page.evaluate(_ASK_EVERY_PART, names)
    finally:
        server.shutdown()
    assert {name: first for name, (body, first) in bodies.items() if body is None or first != body} == {}
    missed = [(name, part, len(ids or [])) for name, part, ids in answers if plain_words(part) and bodies[name][0] not in ids]
    assert missed == [] and len(answers) > 400


def test_one_search_loads_only_what_it_needs(site_url, page):
    # a fresh tab (nothing cached): every response from the moment the reader starts to search
    pg = page.context.browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        pg.goto(site_url)
        pg.wait_for_load_state("networkidle")
        loaded = []
        pg.on("response", lambda r: loaded.append((urlsplit(r.url).path, len(r.body()) if r.ok else 0)))
        assert search_box(pg, "达州市通川区")[0] == "/agencies/达州市通川区/"
        pg.wait_for_load_state("networkidle")
        size = sum(n for _, n in loaded)
        assert {"/pagefind/indexes.json", "/pagefind/pagefind.js"} <= {path for path, _ in loaded}
        assert 0 < size <= SEARCH_BYTES, (size, loaded)
        assert not any(path.startswith("/search/") for path, _ in loaded)  # no lunr index, no Material worker
        # a second search loads only the index chunks and results it has not loaded yet
        loaded.clear()
        assert "/agencies/巴州区/" in search_box(pg, "巴州")
        assert sum(n for _, n in loaded) < size / 4, loaded
    finally:
        pg.close()


def test_the_search_box_on_a_phone(site_url, phone):
    phone.goto(site_url + quote("reports/2023/巴州区/"))
    expect(phone.locator("input.site-search__input")).to_be_hidden()  # behind the magnifier until opened
    phone.locator(".site-search__open").click()
    expect(phone.locator("input.site-search__input")).to_be_focused()
    found = search_box(phone, "通川")
    assert "/agencies/达州市通川区/" in found
    width = _no_sideways_scroll(phone)
    for k in range(phone.locator(".site-search__link").count()):
        assert _within(phone.locator(".site-search__link").nth(k).bounding_box(), width)
    phone.screenshot(path=str(SHOTS / "phone-search-通川.png"))
    phone.keyboard.press("Escape")
    expect(phone.locator("input.site-search__input")).to_be_hidden()


def test_search_at_the_site_s_address_below_a_path(built, page):
    # GitHub Pages publishes the site below the repository's name: results link there, not to the host's root
    root, _ = built
    url, server = _serve(root)
    try:
        page.goto(url + "site/" + quote("reports/2023/巴州区/"))
        found = search_box(page, "达州市通川区")
        assert found[0] == "/site/agencies/达州市通川区/", found
        page.locator(".site-search__link").first.click()
        expect(page.locator("h1")).to_contain_text("达州市通川区")
    finally:
        server.shutdown()


def test_search_merges_every_index_folder_listed(built, page, tmp_path):
    # a site built in parts lists each part's index folder in pagefind/indexes.json: one query searches all
    import shutil

    from builder.site.search_index import PAGEFIND

    root, _ = built
    site = shutil.copytree(root / "site", tmp_path / "site")
    shutil.rmtree(site / "pagefind")
    for glob, folder in (("agencies/**/*.html", "pagefind"), ("regions/**/*.html", "regions/pagefind")):
        subprocess.run([str(PAGEFIND), "--site", str(site), "--glob", glob, "--output-subdir", folder,
                        "--force-language", "zh", "--quiet"], check=True, capture_output=True)
    (site / "pagefind" / "indexes.json").write_text('{"indexes": ["pagefind/", "regions/pagefind/"]}', encoding="utf-8")
    url, server = _serve(site)
    try:
        page.goto(url)
        found = search_box(page, "川")  # a region (四川省) and a body (达州市通川区)
        assert {"/regions/四川省/", "/agencies/达州市通川区/"} <= set(found), found
    finally:
        server.shutdown()


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
