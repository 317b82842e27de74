"""builder/site/links.py: every link a page written into site/ holds to the site's own files leads to a file
the site holds; a build whose page links nowhere stops, naming the page and the link, and removes nothing."""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import copy_repository


def test_a_link_is_resolved_against_the_page_s_own_address():
    from builder.site.links import targets, unresolved

    page = ('<a href="../../rankings/2023/">r</a> <a href="../../downloads/2023/%E5%B7%B4.txt" download>d</a>'
            '<img src="x.png"> <a href="#top">t</a> <a href="https://example.org/">e</a> <a href="//cdn/x.js">c</a>'
            '<a href="mailto:a@b">m</a> <a href="/abs/">a</a> <a href="../../../../up/">u</a> <a href="./?q=1#f">s</a>'
            '<a href="../../a&amp;b/">amp</a> <link rel="stylesheet" href="../../assets/x.css">').encode()
    assert targets("agencies/巴州区/index.html", page) == {
        "rankings/2023/index.html", "downloads/2023/巴.txt", "agencies/巴州区/x.png", "../../up/index.html",
        "agencies/巴州区/index.html", "a&b/index.html", "assets/x.css"}
    assert targets("index.html", b'<a href="./">home</a><a href="data/">d</a>') == {"index.html", "data/index.html"}
    linked = {"rankings/2023/index.html": "a.html", "coverage": "b.html", "pagefind/pagefind.js": "c.html",
              "../up/index.html": "d.html", "gone/index.html": "e.html"}
    files = {"rankings/2023/index.html", "coverage/index.html"}
    assert unresolved(linked, files, ("pagefind",)) == [("d.html", "../up/index.html"), ("e.html", "gone/index.html")]


def test_a_page_that_links_nowhere_stops_the_build_and_nothing_is_removed(tmp_path):
    from builder.pipeline import process_all
    from builder.site import engine
    from builder.site.build import build_site
    from builder.site.shells import ShellError

    root = copy_repository(tmp_path / "repo")
    build_site(process_all(root / "reports", root), root, root / "content")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1717200000"}
    assert engine.build(root, root / "site", env) == 0
    files = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*") if p.is_file())
    body = root / "content" / "agencies" / "巴州区.md"
    body.write_text(body.read_text(encoding="utf-8") + '\n<p><a href="../../reports/2031/巴州区/">2031</a></p>\n',
                    encoding="utf-8")
    shutil.rmtree(root / "content" / "reports" / "2021")  # a year's report pages gone: the site prunes them ...
    with pytest.raises(ShellError, match=r"agencies/巴州区/index.html links to reports/2031/巴州区/index.html"):
        engine.build(root, root / "site", env)
    # ... but not when the build stops
    assert sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*") if p.is_file()) == files
