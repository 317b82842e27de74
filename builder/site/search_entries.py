"""The search entries: what the site's search indexes of each page, kept apart from the page, so that the
search index is made from a few hundred bytes a page rather than from the whole built site.

Each page that has a search entry (a body's page, a region's page: partials/search-entry.html, from the
page's `search_entry` front matter) carries it as a hidden element. When the site is written
(builder/site/shells.py), that element is also written into ENTRIES at the page's own path in the site,
alone in a small HTML page. Pagefind then indexes ENTRIES (search_index.index_entries), only when an
entry changed, and gives each result the address of the page it stands for: the entry's path there is
the page's path in the site. At 100,000 agency-years that is some 30,000 entries of a few hundred
bytes, not 200,000 pages of 30 KB.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..store.files import prune_tree, write_atomically

ENTRIES = Path(".cache") / "search" / "entries"  # under the repository's root

# the hidden element partials/search-entry.html writes: one per page, nothing of the same kind nested
_ENTRY = re.compile(rb'<div class="search-entry" data-pagefind-body hidden>.*?</div>', re.S)
_PAGE = (b'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title></title></head><body>%s</body></html>\n')


def entry_of(page: bytes) -> bytes | None:
    """The search entry a built page holds (its hidden element, as bytes), or None if it has none."""
    found = _ENTRY.search(page)
    return found.group() if found else None


def write_entry(entries: Path, dest: str, page: bytes) -> str | None:
    """Keep ENTRIES/DEST (DEST: a page's path in the site, posix) as the search entry of the built PAGE: the
    entry alone in a small page, written only where it differs. DEST, or None if the page has none (an
    entry it had before is removed by prune_entries)."""
    entry = entry_of(page)
    if entry is None:
        return None
    rel = dest
    path = entries / rel
    data = _PAGE % entry
    if path.is_symlink() or not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        write_atomically(path, data)
    return rel


def has_entry(entries: Path, rel: str) -> bool:
    """Whether ENTRIES holds the entry REL (as write_entry gives it): a real file, not a link."""
    path = entries / rel
    return path.is_file() and not path.is_symlink()


def prune_entries(entries: Path, kept: set[str], seen: dict[str, list] | None = None) -> dict[str, list]:
    """Remove from ENTRIES every file not in KEPT (entries as write_entry gives them), and folders
    left empty; never through a link (a link is removed, not followed). `seen` and what is returned: what
    store.files.prune_tree records of the folders it leaves, for the next prune (a folder unchanged since is
    not read again)."""
    if not entries.is_dir() or entries.is_symlink():
        return {}
    return prune_tree(entries, kept, seen=seen)[1]
