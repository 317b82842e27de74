"""MkDocs hook: no sitemap without the site's address.

MkDocs writes sitemap.xml (and sitemap.xml.gz) with a <loc> for each page only when `site_url` is set;
without it, it writes a sitemap that lists no URL at all, which tells a search engine the site has no
page: worse than none. The deploy sets the address (mkdocs.yml: site_url from SITE_URL, which
.github/workflows/deploy.yml takes from GitHub Pages), so the published site has a sitemap of every
page; a build without an address (a laptop's, the tests') has none. Runs after MkDocs wrote them."""
from __future__ import annotations

from pathlib import Path

SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def on_post_build(config, **kwargs) -> None:
    if config.get("site_url"):
        return
    for name in SITEMAPS:
        (Path(config["site_dir"]) / name).unlink(missing_ok=True)
