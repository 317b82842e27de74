"""hooks/compact_pages.py: every page of the built site shows the same as the theme made it, in fewer bytes.

The site is built twice from the same pages, with the hook and without it (a copy of mkdocs.yml that
leaves it out), and each page compared: same elements, attributes and text once HTML's whitespace rule
is applied, the same bytes in <pre>, <code>, <script>, <style>, and every non-ASCII space kept."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess

import pytest
from lxml import html as lxml_html

from conftest import ROOT, build_site_in, copy_repository

spec = importlib.util.spec_from_file_location("compact_pages", ROOT / "hooks" / "compact_pages.py")
compact_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compact_pages)

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
KEPT = ("pre", "textarea", "script", "style", "code", "kbd")


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """(the site as built, the same site built without the hook): their roots."""
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    build_site_in(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - hooks/compact_pages.py\n" in config
    (root / "mkdocs-raw.yml").write_text(config.replace("  - hooks/compact_pages.py\n", ""), encoding="utf-8")
    from builder.site.engine import engine_command

    out = subprocess.run(engine_command(root / "raw", "mkdocs-raw.yml"), cwd=root, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert out.returncode == 0, out.stderr
    return root / "site", root / "raw"


def shown(page: str) -> bytes:
    """A page as a browser reads it: its tree, each run of HTML whitespace in text one space, except in
    the elements whose whitespace is their content."""
    tree = lxml_html.document_fromstring(page)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        inside = el.tag in KEPT or any(a.tag in KEPT for a in el.iterancestors())
        if el.text and not inside:
            el.text = HTML_SPACE.sub(" ", el.text)
        parent_kept = any(a.tag in KEPT for a in el.iterancestors())
        if el.tail and not parent_kept:
            el.tail = HTML_SPACE.sub(" ", el.tail)
    return lxml_html.tostring(tree, encoding="utf-8")


def test_every_page_shows_the_same_in_fewer_bytes(two_sites):
    site, raw = two_sites
    pages = sorted(p.relative_to(raw) for p in raw.rglob("*.html"))
    assert len(pages) > 20 and any(str(p).startswith("reports/") for p in pages)
    before = after = 0
    for rel in pages:
        made, theme = (site / rel).read_text(encoding="utf-8"), (raw / rel).read_text(encoding="utf-8")
        assert made == compact_pages.compact(theme), rel
        assert shown(made) == shown(theme), rel
        for tag in ("pre", "script", "style", "code"):  # byte for byte
            pattern = rf"<{tag}\b.*?</{tag}>"
            assert re.findall(pattern, made, re.S) == re.findall(pattern, theme, re.S), (rel, tag)
        assert made.count("\u3000") == theme.count("\u3000") and made.count("\xa0") == theme.count("\xa0"), rel
        before, after = before + len(theme.encode()), after + len(made.encode())
    assert after < 0.93 * before, (after, before)
    report = next(p for p in pages if str(p).startswith("reports/"))
    assert not re.search(r"\n[ \t]", (site / report).read_text(encoding="utf-8"))  # no indentation left


def test_what_is_kept():
    page = ("<div>\n    <p>\u3000\u3000第一段\n      续</p>\n\n\n  <pre>  a\n\n    b</pre>\n"
            "  <script>var a = `x\n   y`;</script>\n  <code>c\n  d</code><p>\xa0\n  e</p>  f\n</div>")
    assert compact_pages.compact(page) == (
        "<div>\n<p>\u3000\u3000第一段\n续</p>\n<pre>  a\n\n    b</pre>\n"
        "<script>var a = `x\n   y`;</script>\n<code>c\n  d</code><p>\xa0\ne</p>  f\n</div>")
    assert compact_pages.compact("<p>a  b</p>") == "<p>a  b</p>"  # a run without a line break: as it is


def test_no_style_sheet_of_ours_keeps_whitespace():
    for css in (ROOT / "content" / "assets" / "stylesheets").glob("*.css"):
        assert not re.search(r"white-space\s*:\s*pre", css.read_text(encoding="utf-8")), css
