"""The files of content/ sorted by what turns each into site/, from one walk of it: the engine's pages
(Markdown outside the bulk pages' folders), the bulk pages (Markdown under them: shells.py) and the files
copied as they are (every other file: the downloads, the API, the feeds, the assets).

The engine is given only the pages it renders, in a folder of its own (engine_docs: DOCS, its docs_dir
for the build, hooks/shells.py). Left to list content/ itself, it made an object of every file there
(440,000 at 100,000 reports) for a few hundred pages: at 10,000 reports two thirds of its time when a
report is added. The builder copies the other files (copy_files), and makes the bulk pages.
The walk leaves out what the engine leaves out of a docs_dir (MkDocs' `exclude_docs`: by default every
name beginning with a dot and the top folder `templates/`; what the configuration adds, and its
`draft_docs`), and follows no link (the caller refuses content/ with one: page_cache.output_problems).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..store.files import file_stamp, plain, prune_tree, same_stamp, settled, write_changed

DOCS = Path(".cache") / "shells" / "engine-docs"  # the engine's docs_dir in a build: its pages, copied
# how a documentation page's name ends, as the engine has it (case counts: README.MD is a file to copy)
MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


@dataclass(frozen=True)
class Listing:
    """content/'s files, as paths under it (posix, in the order of a walk with names sorted): `pages`, the
    engine's (Markdown outside the bulk folders); `bulk`, the bulk pages (Markdown under them); `copies`,
    every other file (its path in site/ is its path in content/)."""
    pages: tuple[str, ...]
    bulk: tuple[str, ...]
    copies: tuple[str, ...]


def excluded_by(config: Any) -> Callable[[str], bool] | None:
    """What the engine's configuration leaves out of docs_dir besides its defaults (its `exclude_docs`
    and `draft_docs`, pathspec patterns), as a test of a path under it; None when it adds nothing."""
    specs = [spec for spec in (config.get("exclude_docs"), config.get("draft_docs")) if spec]
    if not specs:
        return None
    return lambda path: any(spec.match_file(path) for spec in specs)


def list_content(content: Path, bulk_folders: Iterable[str], excluded: Callable[[str], bool] | None = None) -> Listing:
    """content/'s files sorted as Listing says, from one walk: names beginning with a dot left out at every
    depth, the top folder `templates/` too (the engine's default exclusion), and any path `excluded`
    (excluded_by) says; a link (file or folder) is not followed nor listed. OSError if content/ cannot be
    read."""
    prefixes = tuple(folder.rstrip("/") + "/" for folder in bulk_folders)
    pages: list[str] = []
    bulk: list[str] = []
    copies: list[str] = []

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda e: e.name)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if path != "templates":
                    walk(entry.path, path + "/")
            elif entry.is_file(follow_symlinks=False) and not (excluded and excluded(path)):
                if not entry.name.endswith(MARKDOWN):
                    copies.append(path)
                elif path.startswith(prefixes):
                    bulk.append(path)
                else:
                    pages.append(path)

    walk(str(content), "")
    return Listing(tuple(pages), tuple(bulk), tuple(copies))


def engine_docs(content: Path, docs: Path, pages: Iterable[str]) -> int:
    """Make the folder `docs` hold exactly these pages of content/ (paths under it), as copies: a copy is
    written only where it differs, a file no page is any more removed with the folders left empty (never
    through a link: the caller refuses .cache/ with one). The number of copies written."""
    wanted = set(pages)
    written = sum(write_changed(docs / rel, (content / rel).read_bytes()) for rel in sorted(wanted))
    prune_tree(docs, wanted)  # a few hundred pages: read whole each time
    return written


def copy_files(content: Path, site: Path, copies: Iterable[str], old: dict[str, list],
               replaced: Iterable[str] = (), folders: dict[str, list] | None = None
               ) -> tuple[dict[str, list], int, dict[str, list]]:
    """Each of content/'s files `copies` copied into site/ at the same path where the source or the copy
    changed since the last copy (`old`: a path → [its source, their stamps], as returned), or the two
    differ: (what was copied, as `old`; the number of files written; the folders of content/ read, as
    `folders`). A copy is written whole or not at all (through a file beside it, then renamed), and not
    at all when the bytes are the same (its time is kept).

    `replaced`: content/'s top folders whose files are only ever replaced whole, never written in place
    (the builder's: store.files.write_atomically renames each into place), so that every change there
    changes its folder's change time. A copy in such a folder whose inode and change time are those the
    last copy recorded (`folders`: a folder → [inode, change time in ns], once settled:
    store.files.settled) has its source's stamp as recorded, without a stat: at 100,000 reports, 600,000
    stats of content/ spared. The copy in site/ is stat()ed each time (a file there edited is copied
    again)."""
    # paths as strings: hundreds of thousands of files (pathlib's objects took most of the time here)
    src_top, out, into, written = os.path.join(content, ""), {}, os.path.join(site, ""), 0
    tops, folders, now = tuple(f"{name}/" for name in replaced), folders or {}, {}
    for rel in copies:
        source, target = src_top + rel, into + rel
        entry = old.get(rel)
        folder = rel.rpartition("/")[0]
        if folder not in now:
            now[folder] = settled(os.lstat(src_top + folder)) if rel.startswith(tops) else None
        same_folder = now[folder] is not None and folders.get(folder) == now[folder]
        stamp = entry[1] if same_folder and entry else plain(file_stamp(source))
        copied = plain(file_stamp(target))
        if not (entry and entry[0] == rel and entry[1] == stamp and same_stamp(entry[2], copied)) \
                and not _same(source, target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            # whole or not at all, as the engine's copy (shutil.copyfile) but through a file beside it
            tmp = os.path.join(os.path.dirname(target), f".{os.getpid()}.copy.tmp")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
            copied = plain(file_stamp(target))
            written += 1
        out[rel] = [rel, stamp, copied]
    return out, written, {folder: stamp for folder, stamp in now.items() if stamp is not None}


def _same(a: str, b: str) -> bool:
    """Whether two files hold the same bytes (a copy already made is not made again: its time is kept)."""
    try:
        if os.stat(a).st_size != os.stat(b).st_size:
            return False
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:
        return False
