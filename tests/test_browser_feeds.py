"""In a browser: a body's page offers its feed, as a visible 订阅 link and as the <link rel="alternate">
a feed reader finds, and the address it names serves the feed (nothing is subscribed)."""
from __future__ import annotations

from urllib.parse import quote

from test_browser import page, site_url  # noqa: F401  (the served site and the browser, as fixtures)


def test_a_body_page_offers_its_feed(site_url, page):  # noqa: F811
    page.goto(site_url + "agencies/" + quote("巴州区") + "/")
    link = page.locator("a[type='application/atom+xml']")
    assert link.count() == 1 and link.inner_text().startswith("订阅巴州区的更新")
    alternates = page.locator("link[rel='alternate'][type='application/atom+xml']")
    hrefs = [alternates.nth(k).evaluate("e => e.href") for k in range(alternates.count())]
    body_feed = site_url + "feeds/agencies/" + quote("巴州区") + ".xml"
    assert site_url + "feeds/all.xml" in hrefs and body_feed in hrefs
    assert link.evaluate("e => e.href") == body_feed
    served = page.request.get(body_feed)
    assert served.ok and b"<feed xmlns=\"http://www.w3.org/2005/Atom\"" in served.body()
    assert "巴州区 2023 年报告已收录" in served.text()
