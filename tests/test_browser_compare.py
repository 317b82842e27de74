"""The compare page (比较) in the project's headless Chromium: an item chosen and a column sorted are in the
URL, and that URL restores them; the CSV and JSON exports equal the table shown; two bodies side by side
show their years. Screenshots at 1280 and 390 px go to test-output/screenshots/."""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from test_browser import SHOTS, page, site_url  # noqa: F401 (fixtures: a built site, a browser page)

ITEM = "review_litigation.review[4]"  # 行政复议 · 总计


def _shown(page, table: str) -> list[list[str]]:
    return page.eval_on_selector(f"#{table}", "t => Array.from(t.querySelectorAll('tr')).map("
                                 "r => Array.from(r.children).map(c => c.textContent)).filter(r => r.length)")


def _values(page) -> list[str]:
    return [row[3] for row in _shown(page, "compare-table")[1:]]


def test_the_url_restores_item_sort_and_filter(site_url, page):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "compare/")
    rows = page.locator("#compare-table tbody tr")
    expect(rows.first).to_be_visible()
    page.select_option("#compare-year", "2024")
    page.select_option("#compare-item", ITEM)
    page.locator("#compare-table th button[data-sort='value']").click()  # the default is descending: now ascending
    expect(page.locator("#compare-table th", has_text="数值")).to_have_attribute("aria-sort", "ascending")
    page.fill("#compare-filter", "平潭")
    expect(page).to_have_url(re.compile("filter="))  # the page tells playwright of replaceState a moment later
    query = parse_qs(urlparse(page.url).query)
    assert query["item"] == [ITEM] and query["sort"] == ["value"] and query["dir"] == ["asc"]
    assert query["filter"] == ["平潭"] and query["year"] == ["2024"]
    before = _shown(page, "compare-table")
    assert len(before) > 2 and all("平潭" in r[0] + r[1] for r in before[1:])
    numbers = [float(v) for v in _values(page) if v.replace(".", "").isdigit()]
    assert numbers == sorted(numbers)
    page.screenshot(path=str(SHOTS / "compare-1280.png"), full_page=True)

    url = page.url
    page.goto(site_url)  # elsewhere, then the shared URL
    page.goto(url)
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
    assert page.input_value("#compare-item") == ITEM
    assert page.input_value("#compare-year") == "2024"
    assert page.input_value("#compare-filter") == "平潭"
    expect(page.locator("#compare-table th", has_text="数值")).to_have_attribute("aria-sort", "ascending")
    assert _shown(page, "compare-table") == before
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "compare-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page never scrolls sideways
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_exports_equal_the_table_shown(site_url, page):  # noqa: F811
    page.goto(site_url + "compare/?year=2023&item=applications.outcomes.disclosed%5B6%5D&sort=name&dir=asc")
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
    shown = _shown(page, "compare-table")
    with page.expect_download() as got:
        page.locator("[data-export='compare-table'][data-format='csv']").click()
    text = open(got.value.path(), encoding="utf-8-sig").read()
    assert list(csv.reader(io.StringIO(text))) == shown
    with page.expect_download() as got:
        page.locator("[data-export='compare-table'][data-format='json']").click()
    data = json.loads(open(got.value.path(), encoding="utf-8").read())
    assert data["columns"] == shown[0]
    assert [[str(c) for c in r] for r in data["rows"]] == shown[1:]
    assert data["view"]["item"] == "applications.outcomes.disclosed[6]"
    # the summary exports too
    summary = _shown(page, "compare-summary")
    assert summary[1][0] == "本组"
    with page.expect_download() as got:
        page.locator("[data-export='compare-summary'][data-format='csv']").click()
    assert list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8-sig").read()))) == summary


def test_two_bodies_side_by_side_show_their_years(site_url, page):  # noqa: F811
    page.goto(site_url + "compare/")
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
    for name in ("平潭综合实验区公安局", "达州市通川区"):
        page.fill("#compare-body", name)
        page.locator("#compare-add").click()
        expect(page.locator("#compare-chosen .compare-chip", has_text=name)).to_be_visible()
    expect(page).to_have_url(re.compile("body=.*body="))
    page.select_option("#compare-side-mode", "item")
    side = _shown(page, "compare-side")
    assert side[0] == ["年度", "项目", "平潭综合实验区公安局", "达州市通川区"]
    years = [r[0] for r in side[1:]]
    assert years == sorted(years) and {"2021", "2022", "2023"} <= set(years)
    by_year = {r[0]: r for r in side[1:]}
    assert by_year["2021"][3] == "无报告"  # 达州市通川区 has no 2021 report here
    assert by_year["2023"][3] != "无报告"
    query = parse_qs(urlparse(page.url).query)
    assert query["body"] == ["平潭综合实验区公安局", "达州市通川区"]
    page.goto(page.url)  # the chosen bodies restored
    expect(page.locator("#compare-side tbody tr").first).to_be_visible()
    assert _shown(page, "compare-side") == side
    page.select_option("#compare-side-mode", "key")
    expect(page.locator("#compare-side tbody tr", has_text="本年新收").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "compare-side-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "compare-side-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page never scrolls sideways
    page.set_viewport_size({"width": 1280, "height": 900})


def test_statuses_show_distinctly_never_as_0_and_the_csv_neutralises_formulas(site_url, page):  # noqa: F811
    """The 2024 file as served, altered on its way (playwright's route): a cell of each status without a
    number, a corrected one, a name a spreadsheet would run and one with markup."""
    def altered(route):
        data = json.loads(route.fetch().text())
        k = [path for path, _ in data["cells"]].index(ITEM)
        names = ["=HYPERLINK(\"http://x\")", "<img src=x onerror=alert(1)>", "@甲", "乙"]
        for body, name, (code, value) in zip(data["bodies"], names, (("b", None), ("u", None), ("n", None), ("c", 5))):
            body["name"] = name
            body["values"][k] = value
            body["status"] = body["status"][:k] + code + body["status"][k + 1:]
            body["flagged"] = []  # none flagged here (test_marks_browser.py: a flagged cell)
        route.fulfill(response=route.fetch(), body=json.dumps(data, ensure_ascii=False))

    page.route("**/compare/2024.json", altered)
    try:
        page.goto(site_url + "compare/?year=2024&item=" + ITEM.replace("[", "%5B").replace("]", "%5D") + "&sort=name&dir=asc")
        expect(page.locator("#compare-table tbody tr")).to_have_count(4)
        shown = {r[0]: (r[3], r[4]) for r in _shown(page, "compare-table")[1:]}
        assert shown == {"=HYPERLINK(\"http://x\")": ("未填报", "未填报"), "<img src=x onerror=alert(1)>": ("未能识别", "未能识别"),
                         "@甲": ("不适用", "不适用"), "乙": ("5", "人工更正")}
        assert page.locator("#compare-table img").count() == 0  # a name is text, never markup
        whole = _shown(page, "compare-summary")[1]
        assert whole[:9] == ["本组", "全部所示机关", "1", "0", "5", "5", "1", "1", "1"]
        with page.expect_download() as got:
            page.locator("[data-export='compare-table'][data-format='csv']").click()
        lines = list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8-sig").read())))
        names = sorted(r[0] for r in lines[1:])
        assert names == sorted(["'=HYPERLINK(\"http://x\")", "<img src=x onerror=alert(1)>", "'@甲", "乙"])
    finally:
        page.unroute("**/compare/2024.json")


@pytest.mark.parametrize("query", ["item=constructor", "item=__proto__", "item=toString&group=constructor",
                                   "group=__proto__&item=hasOwnProperty"])
def test_a_query_naming_an_inherited_property_is_a_name_like_any_other(site_url, page, query):  # noqa: F811
    """?item=constructor is no cell (the default cell is shown), ?group=__proto__ a group this year lacks
    (not offered: all groups are shown): never `function Object() ...` from the lookup objects' prototype."""
    page.goto(site_url + "compare/?year=2023&" + query)
    expect(page.locator("#compare-count")).to_contain_text("个机关")
    params = parse_qs(query)
    default = page.get_attribute("#compare-app", "data-default-cell")
    assert page.input_value("#compare-item") == default
    if "group" in params:
        assert page.input_value("#compare-group") == ""
        expect(page.locator("#compare-group option", has_text="（0）")).to_have_count(0)
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
    text = page.inner_text("#compare-app")
    assert "function" not in text and "native code" not in text and "undefined" not in text, text


def test_a_group_without_bodies_this_year_is_never_offered(site_url, page):  # noqa: F811
    """A group chosen in one year (2024's 市级部门) and a year it has no body in (2023): the page shows all
    groups rather than offer an empty one (市级部门（0）), and every group it offers has bodies."""
    page.goto(site_url + "compare/?year=2024")
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
    groups = page.eval_on_selector_all("#compare-group option", "os => os.map(o => o.value)")
    chosen = next(g for g in groups if g and g != "市级人民政府")
    page.select_option("#compare-group", chosen)
    expect(page).to_have_url(re.compile("group="))
    page.select_option("#compare-year", "2023")
    expect(page.locator("#compare-count")).to_contain_text("2023 年度")
    assert page.input_value("#compare-group") == ""
    texts = page.eval_on_selector_all("#compare-group option", "os => os.map(o => o.textContent)")
    assert texts and not [t for t in texts if t.endswith("（0）")], texts
    assert "group=" not in page.url
    expect(page.locator("#compare-table tbody tr").first).to_be_visible()
