"""The search entries: what the site's search indexes of each page, kept apart from the page, so that the
search index is made from a few hundred bytes a page rather than from the whole built site, a part
of the site at a time.

Each page that has a search entry (a body's page, a region's page: partials/search-entry.html, from the
page's `search_entry` front matter) carries it as a hidden element. When the site is written
(builder/site/shells.py), that element is also written into ENTRIES/PART/ at the page's own path in
the site, alone in a small HTML page. PART is the search's part of the site the page belongs to: its
province (a body's region's, a region page's own), so that a change re-indexes one province's pages
(search_index.index_parts), whose index the browser merges with the others'. Pagefind gives each result
the address of the page it stands for: the entry's path under its part is the page's path in the site.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

from ..store.files import write_atomically
from .views import NO_REGION, province, slug

ENTRIES = Path(".cache") / "search" / "entries"  # under the repository's root

# the hidden element partials/search-entry.html writes: one per page, nothing of the same kind nested
_ENTRY = re.compile(rb'<div class="search-entry" data-pagefind-body hidden>.*?</div>', re.S)
_PAGE = (b'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title></title></head><body>%s</body></html>\n')


_META = re.compile(rb'data-pagefind-meta="(region|kind|title)"[^>]*>([^<]*)<')


def part_of(entry: bytes) -> str:
    """The part of the site an entry's page belongs to, as a folder name (views.slug): the province of
    its region (meta `region`), of its own name for a region's page (meta `kind` region), else NO_REGION."""
    meta = {k.decode(): html.unescape(v.decode("utf-8", "replace")).strip() for k, v in _META.findall(entry)}
    place = meta.get("title", "") if meta.get("kind") == "region" else meta.get("region", "")
    return slug(province(place) if place else NO_REGION)


def entry_of(page: bytes) -> bytes | None:
    """The search entry a built page holds (its hidden element, as bytes), or None if it has none."""
    found = _ENTRY.search(page)
    return found.group() if found else None


def write_entry(entries: Path, dest: str, page: bytes) -> str | None:
    """Keep ENTRIES/PART/DEST (DEST: a page's path in the site, posix; PART: part_of its entry) as the
    search entry of the built PAGE: the entry alone in a small page, written only where it differs. The
    entry's place under ENTRIES (PART/DEST), or None if the page has none (an entry it had before is
    removed by prune_entries, as one left in another part)."""
    entry = entry_of(page)
    if entry is None:
        return None
    rel = f"{part_of(entry)}/{dest}"
    path = entries / rel
    data = _PAGE % entry
    if path.is_symlink() or not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            path.unlink()
        write_atomically(path, data)
    return rel


def has_entry(entries: Path, rel: str) -> bool:
    """Whether ENTRIES holds the entry REL (PART/DEST, as write_entry gives it): a real file, not a link."""
    path = entries / rel
    return path.is_file() and not path.is_symlink()


def prune_entries(entries: Path, kept: set[str]) -> int:
    """Remove from ENTRIES every file not in KEPT (entries as write_entry gives them: PART/DEST), and folders
    left empty; never through a link (os.walk follows none; a link is removed). How many were removed."""
    removed = 0
    if not entries.is_dir() or entries.is_symlink():
        return removed
    for folder, dirs, files in os.walk(entries, topdown=False, followlinks=False):
        rel_folder = Path(folder).relative_to(entries).as_posix()
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            if f"{rel_folder}/{name}".removeprefix("./") not in kept:
                os.unlink(os.path.join(folder, name))
                removed += 1
        if folder != str(entries) and not os.listdir(folder):
            os.rmdir(folder)
    return removed
