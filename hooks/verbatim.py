"""MkDocs hook: HTML the builder has already made is passed through MkDocs untouched.

A report page is mostly HTML the builder rendered and escaped (builder/site/templates: the template's
tables, the scores, the findings, the narrative). Python-Markdown parses every tag of it only to set
it aside as raw HTML, a cost that grows with every table. The builder marks such
HTML between a line `<!-- verbatim -->` and a line `<!-- /verbatim -->`; before Markdown runs, each
block becomes a comment holding a per-build key and the block's number (Markdown passes a comment by
in one step), and once the theme has made the page, each comment is
replaced by its block, read again from the page's source file (so no block is held in memory between
MkDocs' two passes over the pages), without the marker lines.

What a verbatim block holds is therefore never in the table of contents (headings
stay Markdown, outside the blocks) and never checked by MkDocs' link validation (it does not check
raw HTML anyway). A page whose markers do not pair, or whose placeholder did not come through the
theme exactly once, stops the build with the page's name: a block is never dropped silently.
"""
from __future__ import annotations

import re
import secrets

from mkdocs.exceptions import PluginError

BEGIN, END = "<!-- verbatim -->", "<!-- /verbatim -->"
_KEY = secrets.token_hex(8)  # chosen per build: a report's text cannot name a placeholder (and is escaped)
_PLACEHOLDER = re.compile(rf"<!-- verbatim:{_KEY}:(\d+) -->")


def blocks(markdown: str, where: str) -> tuple[list[str], list[str]]:
    """Split a page's Markdown at its verbatim markers: (the text around the blocks, n + 1 pieces; the
    n blocks' HTML, markers left out). Raises PluginError naming `where` if the markers do not pair."""
    around, inside, pos = [], [], 0
    while (start := markdown.find(BEGIN, pos)) != -1:
        end = markdown.find(END, start + len(BEGIN))
        nested = markdown.find(BEGIN, start + len(BEGIN))
        if end == -1 or -1 < nested < end:
            raise PluginError(f"{where}: a '{BEGIN}' without its '{END}'")
        around.append(markdown[pos:start])
        inside.append(markdown[start + len(BEGIN):end].strip("\n"))
        pos = end + len(END)
    if END in markdown[pos:]:
        raise PluginError(f"{where}: a '{END}' without its '{BEGIN}'")
    around.append(markdown[pos:])
    return around, inside


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    if BEGIN not in markdown and END not in markdown:
        return markdown
    around, inside = blocks(markdown, page.file.src_uri)
    page.verbatim_blocks = len(inside)
    out = [around[0]]
    for n, text in enumerate(around[1:]):
        out += [f"\n\n<!-- verbatim:{_KEY}:{n} -->\n\n", text]
    return "".join(out)


def on_post_page(output: str, page, **kwargs) -> str:
    expected = getattr(page, "verbatim_blocks", 0)
    found = _PLACEHOLDER.findall(output)
    if not expected and not found:
        return output
    _, inside = blocks(page.file.content_string, page.file.src_uri)
    if not (sorted(map(int, found)) == list(range(len(inside))) and len(inside) == expected):
        raise PluginError(f"{page.file.src_uri}: {len(inside)} verbatim blocks, but the page as made holds "
                          f"placeholders {found}")
    return _PLACEHOLDER.sub(lambda m: inside[int(m.group(1))], output)
