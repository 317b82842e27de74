"""MkDocs hook: each page's indentation and blank lines left out, which a browser shows the same.

The theme's templates indent their HTML deeply and leave blank lines where a Jinja tag stood: about a
tenth of a report page's bytes, on some 13,000 pages at 10,000 reports. In HTML, a run of ASCII
whitespace (space, tab, line break, form feed) in text is shown as one space, or as nothing between
blocks; so each run that begins with a line break becomes that one line break. Left as they are:
- what <pre>, <textarea>, <script> and <style> hold (their whitespace is their content), and <code> and
  <kbd> (the theme prints them as pre-wrap);
- every other space: the ideographic space (U+3000) and the no-break space that open a paragraph in
  a report's narrative are text, not HTML whitespace;
- runs without a line break, and the spaces ending a line (the theme leaves none).
An attribute's value that spans lines would lose the indentation of its lines too (a browser keeps
it; a tooltip's text, say): no page has one (the test compares every attribute), and finding a tag's
end costs more time than the whole hook does now (0.2 ms a page).
No other element in the site's style sheets sets `white-space: pre`, `pre-wrap` or `pre-line`
(tests/test_compact_pages.py checks ours). Runs after hooks/verbatim.py has put the builder's HTML back.
"""
from __future__ import annotations

import re

_KEPT = re.compile(r"<(?=[ptsckPTSCK])(pre|textarea|script|style|code|kbd)\b.*?</\1\s*>", re.S | re.I)
# HTML's whitespace only (never \s: it holds U+3000); from the line break, which the engine finds fast
_RUN = re.compile(r"\n[ \t\n\r\f]+")


def compact(html: str) -> str:
    """html with each run of whitespace that begins with a line break made one line break, outside the
    elements whose whitespace is their content."""
    out, pos = [], 0
    for m in _KEPT.finditer(html):
        out += [_RUN.sub("\n", html[pos:m.start()]), m.group()]
        pos = m.end()
    out.append(_RUN.sub("\n", html[pos:]))
    return "".join(out)


def on_post_page(output: str, page, **kwargs) -> str:
    return compact(output)


def on_post_template(output_content: str, template_name: str, **kwargs) -> str:
    """The theme's pages that are not made from Markdown (404.html); never sitemap.xml."""
    return compact(output_content) if template_name.endswith(".html") else output_content
