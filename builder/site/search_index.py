"""The site's search index: Pagefind (npm `pagefind`, pinned in package.json and package-lock.json,
installed under node_modules/ by `npm ci`, which `make site` runs) indexes the built site folder once
every page is written, into a chunked index a reader's browser loads piece by piece.

What is indexed is what the page templates mark (overrides/partials/search-entry.html writes a hidden
entry from a page's `search_entry` front matter): a body's page and a region's, by the codes of the parts
of their names (name_words; a body's former names too), with the name, region and years a result shows;
no report page (its body's page lists it), no table, no list or ranking page. The index is made from
those entries kept apart from the pages (search_entries; index_entries), only when one changed. The
browser's search (content/assets/javascripts/search.js) reads the list of index folders the build writes
(INDEXES): one (more would be merged in the browser; index_entries says why one).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..store.files import _key, prune_tree, write_atomically
from ..store.sealed import load_cache, save_cache

REPOSITORY = Path(__file__).resolve().parents[2]  # where package.json is, and node_modules/ after `npm ci`
PAGEFIND = REPOSITORY / "node_modules" / ".bin" / "pagefind"
BUNDLE = "pagefind"  # the index's folder under the site folder
INDEXES = f"{BUNDLE}/indexes.json"  # the index folders the browser searches, relative to the site root
# what Pagefind writes for its own search interfaces, which the site does not use (its own is search.js)
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def plain_words(text: str) -> list[str]:
    """TEXT as a search query is written (search.js `plain`): in NFKC form (ＡＢＣ → ABC, （ → (), lower case,
    cut at every character that is neither a letter, a digit nor a combining mark (brackets, quotes, ·)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in text).split()


# A name is indexed as words of a code, not as Chinese text. Pagefind matches each word of a query as the
# start of a word of the index; it cuts a page's Chinese into words with its own segmenter, and the browser
# cuts a query with another (Intl.Segmenter), so a part of a name was a word of the index only where the two
# happened to agree (佛山市民政局 indexed as 佛山 + 市民 + 政局: 民政局 found nothing). A word of lower-case
# letters and digits is cut by neither. So each character becomes a fixed code of letters and digits
# (_code), a page holds the code of every part of its names up to LONGEST characters (name_words), and the
# browser asks for the code of each word of a query (query_words): every part asked is a whole word of the
# index, whatever the segmenters do. Each word ends with END, which starts no character's code: Pagefind
# also finds the words a query's word starts, and a page named 平潭综合实验区 came after the pages whose
# longer names gave it many such words; ended so, a word asked matches only itself.
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_COMMON = 0x3400  # from CJK Extension A on: three characters each (34 × 36 × 36 code points: to U+E09F)
END = "y"  # ends each word (no code starts with it)
LONGEST = 16  # the longest part of a name indexed whole; a longer word of a query is asked as parts this long
LONGEST_NAME = 64  # the characters of a name (of a query) its parts are taken from: a name's work is bounded
MOST_NAMES = 8  # the names of one page indexed (its name and former names): a page's work is bounded


def _code(char: str) -> str:
    """One character's code: three of _DIGITS (the first neither y nor z) from U+3400 to U+E09F, else z and
    four (the code point in base 36); no character's code is the start of another's, none starts with END."""
    point = ord(char)
    k = point - _COMMON
    if 0 <= k < 34 * 36 * 36:
        return _DIGITS[k // 1296] + _DIGITS[k // 36 % 36] + _DIGITS[k % 36]
    return "z" + "".join(_DIGITS[point // 36 ** e % 36] for e in (3, 2, 1, 0))


def name_code(text: str) -> str:
    """TEXT's characters' codes (_code), joined: '佛山' → '3pw4f2', 'a' → 'z002p' (search.js `code`). A
    word of the index is such a code and END."""
    return "".join(_code(c) for c in text)


def _bounded(text: str) -> list[str]:
    """TEXT's plain words (plain_words), cut after LONGEST_NAME characters in all (search.js `bounded`)."""
    words, left = [], LONGEST_NAME
    for word in plain_words(text):
        if left <= 0:
            break
        words.append(word[:left])
        left -= len(word)
    return words


def query_words(text: str) -> list[str]:
    """The words the browser asks Pagefind for when TEXT is typed (search.js `terms`): the code (name_code)
    and END of each of its plain words (its first LONGEST_NAME characters), a word longer than LONGEST
    characters as its parts LONGEST long, the last one ending with it. Each is a word of a page whose name
    holds the text (name_words), and all of them of the page named TEXT (name_exact)."""
    words = []
    for word in _bounded(text):
        if len(word) <= LONGEST:
            words.append(name_code(word) + END)
            continue
        words += [name_code(word[i:i + LONGEST]) + END for i in range(0, len(word) - LONGEST, LONGEST)]
        words.append(name_code(word[-LONGEST:]) + END)
    return words


def name_exact(name: str) -> str:
    """The words a search for NAME itself asks (query_words), space-separated: a page weighs them most,
    so that the page named as the query comes before the pages whose names merely hold it."""
    return " ".join(dict.fromkeys(query_words(name)))


def name_words(*names: str) -> str:
    """The words that find a page by any part of any of NAMES (the first MOST_NAMES), space-separated,
    each once: the code (name_code) and END of every part from one to LONGEST characters long of each
    name's plain text (its plain words joined, its first LONGEST_NAME characters): at most 904 words of at
    most LONGEST × 5 + 1 characters a name. Any word the browser asks for a part of a name (query_words) is one."""
    seen: dict[str, None] = {}
    for name in names[:MOST_NAMES]:
        codes = [_code(c) for c in "".join(_bounded(name))]
        for i in range(len(codes)):
            for j in range(i + 1, min(len(codes), i + LONGEST) + 1):
                seen.setdefault("".join(codes[i:j]) + END)
    return " ".join(seen)


@dataclass(frozen=True)
class Indexed:
    """What one indexing wrote: pages indexed, and the index folder's size in bytes and files."""
    pages: int
    bytes: int
    files: int


class SearchIndexError(RuntimeError):
    """Pagefind is not installed, or failed."""


def index_site(site_dir: Path, staging: Path | None = None) -> Indexed:
    """Index the built site folder SITE_DIR itself with Pagefind into SITE_DIR/BUNDLE, with INDEXES (what
    `--engine-renders-all` builds: no search entries kept apart). With STAGING, as _pagefind says. Raises
    SearchIndexError when Pagefind is not installed (`npm ci`, which `make site` runs) or fails."""
    return _pagefind(site_dir, site_dir, staging)


ENTRIES_CACHE = "indexed.json"  # under the index's work folder: the entries as last indexed


def index_entries(site_dir: Path, entries: Path, work: Path) -> Indexed | None:
    """Index the site's search entries (search_entries.ENTRIES: each page's entry at its path in the site)
    with Pagefind, as one index, when they changed since they were last indexed (their names, sizes and
    times, kept sealed in WORK/ENTRIES_CACHE, with the index's files as then written): made in
    WORK/BUNDLE and copied where it changed into SITE_DIR/BUNDLE, with INDEXES. None when nothing
    changed (the index in the site is kept). One index rather than one a part of the site: merged in the
    browser, a part's index loads its own page list and chunks and ranks by its own statistics
    (measured at 10,000 reports in six parts: a first search 296 KB against 185 KB, 193 of 200 full
    names first against 200). Raises SearchIndexError when Pagefind is not installed or fails, or there
    is no entry at all."""
    if not entries.is_dir() or entries.is_symlink() or not any(entries.iterdir()):
        raise SearchIndexError(f"{entries}: no search entry (no page of a body or a region was written)")
    version = _key("entries 1", (REPOSITORY / "package-lock.json").read_bytes())  # this code's and Pagefind's
    stamp, bundle = _files_stamp(entries), site_dir / BUNDLE
    if load_cache(work / ENTRIES_CACHE) == {"version": version, "entries": stamp, "index": _files_stamp(bundle)} \
            and (bundle / "pagefind-entry.json").is_file():
        return None  # and the index in the site is as it was written (a file changed since: made again)
    indexed = _pagefind(entries, site_dir, work / BUNDLE)
    save_cache(work / ENTRIES_CACHE, {"version": version, "entries": stamp, "index": _files_stamp(bundle)})
    return indexed


def _pagefind(source: Path, site_dir: Path, staging: Path | None) -> Indexed:
    """Pagefind run over the pages of SOURCE (their paths there are their addresses in the site), its index
    written into SITE_DIR/BUNDLE without the files the site does not use (UNUSED), and INDEXES. With
    STAGING (a folder of the build's own, emptied first), Pagefind writes there and SITE_DIR/BUNDLE
    receives only the files that changed and loses those no longer made (_sync): a build that changes
    nothing rewrites no file of the index, and a deploy uploads only what changed."""
    if not PAGEFIND.exists():
        raise SearchIndexError(f"{PAGEFIND} is not installed: run `npm ci` in {REPOSITORY} (make site does)")
    bundle = site_dir / BUNDLE
    out = bundle if staging is None else staging
    if staging is not None and (staging.exists() or staging.is_symlink()):
        shutil.rmtree(staging)  # refuses a link: nothing is emptied through one
    done = subprocess.run([str(PAGEFIND), "--site", str(source), "--output-path", str(out), "--force-language", "zh"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")
    for name in UNUSED:
        (out / name).unlink(missing_ok=True)
    (out / INDEXES.removeprefix(f"{BUNDLE}/")).write_text(json.dumps({"indexes": [f"{BUNDLE}/"]}) + "\n", encoding="utf-8")
    if staging is not None:
        _sync(staging, bundle)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    pages = sum(int(n) for n in re.findall(r"Indexed (\d+) pages?", done.stdout))
    return Indexed(pages=pages, bytes=sum(p.stat().st_size for p in files), files=len(files))


def _files_stamp(folder: Path) -> str:
    """What the files under FOLDER are, as a key: every file's path, size and time (os.walk follows no link)."""
    seen = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            st = os.lstat(os.path.join(top, name))
            seen.append((os.path.relpath(os.path.join(top, name), folder), st.st_size, st.st_mtime_ns))
    return _key(seen)


HASHED = ("fragment/", "index/", "filter/")  # Pagefind's folders of files named by their content's hash


def _sync(source: Path, target: Path) -> None:
    """TARGET made the same files as SOURCE: a file written only where its bytes differ, a file or folder
    SOURCE lacks removed; never through a link (a link in TARGET is removed, not followed)."""
    made = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    if target.is_symlink():
        target.unlink()
    for rel in sorted(made):
        src, dst = source / rel, target / rel
        if rel.startswith(HASHED) and dst.is_file() and not dst.is_symlink() \
                and dst.stat().st_size == src.stat().st_size:
            continue  # Pagefind names these files by a hash of what they hold: the same name and size, the same file
        data = src.read_bytes()
        if dst.is_symlink() or not (dst.is_file() and dst.stat().st_size == len(data) and dst.read_bytes() == data):
            dst.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(dst, data)
    prune_tree(target, made)
