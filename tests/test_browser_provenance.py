"""In a real headless Chromium (tests/test_browser.py's page): a PDF report's page shows, under
查看原文此表, each table's image cut from the original, and the image loads. Screenshot in
test-output/screenshots/."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from urllib.parse import quote

import pytest

from conftest import ROOT, build_site_in, copy_repository
from test_browser import SHOTS, page  # noqa: F401  (the browser page fixture; skips without Chromium)

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def pdf_site_url(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    shutil.rmtree(root / "reports")
    (root / "reports" / "2023").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "fixtures" / "pdf" / "达州市通川区.pdf", root / "reports" / "2023")
    build_site_in(root)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "site"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_pdf_reports_table_images_are_present_and_load(pdf_site_url, page):  # noqa: F811
    page.goto(pdf_site_url + "reports/2023/" + quote("达州市通川区") + "/")
    boxes = page.locator("details.source-image")
    expect(boxes).to_have_count(3)
    for k in range(3):
        boxes.nth(k).locator("summary").click()  # opened: the lazy images load
    images = page.locator("details.source-image img")
    expect(images).to_have_count(4)
    for k in range(4):
        img = images.nth(k)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        natural = img.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert 600 <= natural[0] <= 900 and 100 < natural[1] < natural[0]
        assert "原文第" in img.get_attribute("alt")
    # the table's image sits right above the table it shows
    first = page.locator("details.source-image").first
    # (the phone layout's scroll hint may stand between them, nothing else does)
    assert first.evaluate("d => { let e = d.nextElementSibling;"
                          " while (e && e.classList.contains('scroll-hint')) e = e.nextElementSibling;"
                          " return !!e && e.classList.contains('table-wrap'); }")
    page.locator("details.source-image").nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "report-pdf-table-images.png"), full_page=False)


def test_the_table_images_fit_a_phone(pdf_site_url, page):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(pdf_site_url + "reports/2023/" + quote("达州市通川区") + "/")
        page.locator("details.source-image summary").first.click()
        img = page.locator("details.source-image img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert img.evaluate("img => img.getBoundingClientRect().width") <= 390
        assert img.evaluate("img => img.getBoundingClientRect().height > 50")  # scaled, not squashed
        page.screenshot(path=str(SHOTS / "report-pdf-table-image-390.png"))
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
