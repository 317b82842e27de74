"""One body through its renames, as a reader meets it in Chromium: compare's side-by-side view follows the
body chosen by its present name into the years it published under its former name, and says so in the
year's cell. The site is the committed reports' with 投资促进局's 2023 report under its former name
(test_body_renames), built as `make site` builds it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import build_site_in, copy_repository
from test_body_renames import NEW, OLD, _add_report
from test_browser import SHOTS, _serve, page  # noqa: F401 (fixtures: a browser page)


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("renamed"))
    for year, name in ((2023, OLD), (2024, NEW)):
        _add_report(root, year, name)
    outcomes, _ = build_site_in(root)
    assert {(o.record.year, o.record.agency) for o in outcomes if not o.failed} >= {(2023, OLD), (2024, NEW)}
    url, server = _serve(root / "site")
    yield url
    server.shutdown()


def test_compare_side_by_side_follows_a_body_across_its_names(renamed_site, page):  # noqa: F811
    page.goto(renamed_site + "compare/")
    page.fill("#compare-body", NEW)
    page.click("#compare-add")
    side = page.locator("#compare-side tbody")
    expect(side.locator("tr", has_text="2024").first).to_be_visible()
    years = page.eval_on_selector("#compare-side", "t => Array.from(t.querySelectorAll('tbody tr'))"
                                  ".map(r => [r.children[0].textContent, r.children[2].textContent])")
    by_year = {}
    for year, cell in years:
        by_year.setdefault(year, []).append(cell)
    assert set(by_year) == {"2023", "2024"}  # the former name's year is the body's, not 无报告
    assert "无报告" not in by_year["2023"][0]
    assert f"以“{OLD}”名义发布" in by_year["2023"][0]  # said once, in the year's first row
    assert not any("名义发布" in cell for cell in by_year["2023"][1:] + by_year["2024"])
    page.screenshot(path=str(SHOTS / "compare-side-renamed-1280.png"), full_page=True)
