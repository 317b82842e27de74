"""The links between the site's pages, checked as the pages are written: every link a page holds to the
site's own files must lead to a file the site holds.

MkDocs' strict build checked the links of the Markdown pages it rendered. The site is now written in parts
(shells.py: the report and body pages by the builder in the engine's shell, the engine's pages out of the
navigation kept when unchanged), and the builder's own HTML was never the engine's to check; so each page
written into site/ (the engine's output, the bulk pages) has its links read from its HTML, href and src,
resolved against its own address, and the build stops if one leads nowhere. Links elsewhere (a scheme, //,
mailto:, a fragment alone) are not the site's to check, nor an absolute path (the theme's 404 page's: it
depends on where the site is served; MkDocs warns of one in Markdown, validation.links.absolute_links).
"""
from __future__ import annotations

import html
import posixpath
import re
from typing import Iterable
from urllib.parse import unquote

_LINK = re.compile(rb'\s(?:href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def targets(dest: str, page: bytes) -> set[str]:
    """The site's own files that PAGE (its bytes; DEST its path under site/, posix) links to, as paths under
    site/: a link to a folder (ending in /) is its index.html. A link that climbs above the site's root
    keeps its leading ../ (it can resolve to nothing). Links with a scheme, to another host (//), an absolute
    path (/…) or a fragment of the page alone are left out."""
    base, out = posixpath.dirname(dest), set()
    for raw in _LINK.findall(page):
        link = html.unescape(raw.decode("utf-8", errors="replace")).strip()
        if not link or link.startswith(("#", "/")) or _SCHEME.match(link):
            continue
        path = unquote(link.split("#", 1)[0].split("?", 1)[0])
        if not path:
            continue
        target = posixpath.normpath(posixpath.join(base, path))
        if path.endswith("/") or target == ".":
            target = "index.html" if target == "." else f"{target}/index.html"
        out.add(target)
    return out


def unresolved(linked: dict[str, str], files: set[str], later: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Each (page, target) of LINKED (a target under site/ → a page linking it) whose target is not among
    FILES (paths under site/), nor a folder whose index.html is, nor under a folder of LATER (written by a
    later step, such as the search index): sorted by page."""
    later = tuple(f"{folder.rstrip('/')}/" for folder in later)
    return sorted((page, target) for target, page in linked.items()
                  if target not in files and f"{target}/index.html" not in files
                  and not (later and target.startswith(later)))
