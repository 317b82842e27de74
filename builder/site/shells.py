"""The bulk pages (each report's and each body's: nearly every page of the site) written into site/ by the
builder, in the theme's shell, so that adding one report writes its few pages instead of the engine
rendering every page again.

How: the engine (engine.py) renders the top level, and of each kind of bulk page (KINDS) one template
page (hooks/shells.py), into a staging folder. The template page's title, feed, heading and content are
markers; the engine's output of it, cut at the markers, is the kind's shell: the header, the navigation,
the footer, the scripts, the relative paths of a page at the kind's depth. Each bulk page's Markdown
(written by build.py into content/) is then made HTML by the engine's own code (its Page, with the same
Markdown extensions, hooks/verbatim.py for the builder's HTML), its table of contents by the theme's
own partial, and the page written as the shell with its slots filled, compacted by hooks/compact_pages.py:
the same bytes the engine writes (tests/test_shells.py compares every page). What differs per page is
each slot below; everything else of a page (the navigation without an active item, the footer without
previous and next, the assets' paths) is the same for every page of a kind at one depth, which the
template page's address gives.

The engine is given only the pages it renders (content_files.engine_docs: a folder of their copies,
not content/ with its hundreds of thousands of files). Then site/ receives the staging folder's files
that changed, the other files of content/ that changed (content_files.copy_files), the bulk pages whose
Markdown or shell changed (sealed cache .cache/shells.json: each page's key and file stamp), and loses
what no longer exists; the sitemap lists the bulk pages too. The engine's own pages out of the
navigation (the rankings, lists and coverage of each year and province: a few hundred, some of them
large) are not rendered again, nor given it, when their Markdown and the engine's code are as when it
last rendered them and their output is still in site/ (unchanged_pages: the same cache); the engine
renders the rest, and the pages in the navigation always.
Every link of a page written is checked (links.py); the bulk pages may be made in parts (parts.py).
Nothing is written through a link: site/ and .cache/ are checked by the caller (cli: store.owned), each
write replaces a file whole, and the prune follows no link.
"""
from __future__ import annotations

import gc
import gzip
import importlib.util
import io
import json
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from markupsafe import escape

from ..store.files import _key, file_sha256, file_stamp, files_digest, plain, prune_tree, same_stamp, write_changed
from ..store.sealed import load_cache, load_records, save_cache
from ..store.versions import render_version
from .content_files import DOCS, Listing, copy_files, excluded_by, list_content
from .links import targets, unresolved
from .page_cache import GENERATED  # the builder's folders of content/, whose files are only ever replaced whole
from .parts import content_key, manifests, part_of, remove_manifests, taken, write_manifest
from .search_entries import ENTRIES, has_entry, prune_entries, write_entry

ENGINE_ENV = "SHELLS"  # the environment variable that gives hooks/shells.py the TEMPLATES file
TEMPLATES = Path(".cache") / "shells" / "templates.json"  # the template pages the engine renders (hooks/shells.py)
PAGES = Path(".cache") / "shells" / "pages.json"  # the engine's pages out of the navigation it rendered (hooks/shells.py)
STAGING = Path(".cache") / "shells" / "engine-site"  # where the engine writes the top level and template pages
CACHE = Path(".cache") / "shells.json"  # each bulk page's key and file stamp in site/
FOLDERS = Path(".cache") / "site-folders.json"  # what the last prune left of site/ and ENTRIES (pruned_folders)
PARALLEL = 256  # from this many pages to make, a process per core makes them

_MARK = "xshellslot{}x"  # a marker: ASCII letters and digits, the same after escaping, URL-joining, slugs
UNSEARCHED = "search:\n  exclude: true\n"  # front matter the theme's templates do not read: not a slot


@dataclass(frozen=True)
class Kind:
    """A kind of bulk page: its folder in content/ (one page per Markdown file under it, at one depth),
    the template page's path there, the front matter keys each of its pages has (sorted: a page is of the
    kind of its folder whose keys are its own), and the kind of its search entry (search_entry.kind in
    the template page: partials/search-entry.html prints some fields by kind)."""
    folder: str
    template: str
    meta: tuple[str, ...]
    entry: str = ""

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.folder, self.meta


KINDS = (Kind("reports", "reports/shell.page/shell.page.md", ("title",)),  # reports/YEAR/BODY/ (not searched: its body is)
         Kind("agencies", "agencies/shell.page.md", ("feed", "feed_title", "search_entry", "title"), "body"),  # agencies/BODY/
         Kind("agencies", "agencies/shell.former.md", ("title",)))  # a former name's note (agency_former.md.j2)


class ShellError(Exception):
    """A bulk page that does not fit its kind's shell (another depth, other front matter, no heading), or a
    template page whose markers the theme did not print as expected: the build stops, naming it."""


def template_markdown(kind: Kind) -> str:
    """The template page of a kind: each front matter key and the heading a marker."""
    values = {"title": f'"{_MARK.format(1)}"', "feed": f'"feeds/{_MARK.format(2)}.xml"', "feed_title": f'"{_MARK.format(3)}"',
              "search_entry": f'{{kind: "{kind.entry}", name: "{_MARK.format(4)}", exact: "{_MARK.format(5)}"}}'}
    front = "".join(f'{k}: {values[k]}\n' for k in kind.meta)
    # never in the engine's search index (Material's search plugin reads `search: exclude`), nor in site/
    return f"---\n{front}{UNSEARCHED}---\n\n# {_MARK.format(0)}\n"


def write_templates(root: Path) -> Path:
    """The JSON file hooks/shells.py reads (its path is given the engine as SHELLS): the folder of the pages
    the engine renders (DOCS, its docs_dir: engine_docs), each kind's folder and template page, and
    where the engine lists the pages out of the navigation it renders (PAGES)."""
    path = root / TEMPLATES
    data = json.dumps({"docs": str(root / DOCS), "kinds": [{"folder": k.folder, "src": k.template,
                                                            "markdown": template_markdown(k)} for k in KINDS],
                       "pages": str(root / PAGES)}, ensure_ascii=False, indent=1)
    write_changed(path, data)
    return path


def _hook(root: Path, name: str) -> ModuleType:
    """One of the engine's hooks (hooks/NAME.py), loaded as the engine loads it: the same code."""
    spec = importlib.util.spec_from_file_location(f"_shell_hook_{name}", root / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Engine:
    """The engine's configuration, theme and hooks in this process, to make a page as the engine does."""

    def __init__(self, root: Path, site: Path, env: dict[str, str] | None = None):
        import properdocs.replacement  # noqa: F401  (the theme's `mkdocs.*` imports are the engine's, as properdocs run)
        from properdocs.config import load_config

        self.root, self.content, self.site = root, root / "content", site
        cwd = os.getcwd()
        environ = dict(os.environ)
        os.chdir(root)  # the configuration's paths (hooks, the search dictionary) are the repository's,
        os.environ.update(env or {})  # and its !ENV values (SITE_URL) those the engine was given
        try:
            self.config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        finally:
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(environ)
        self.verbatim, self.compact = _hook(root, "verbatim"), _hook(root, "compact_pages").compact
        theme = self.config.theme.get_env()
        self.toc = theme.from_string(
            '{% import "partials/language.html" as lang with context %}{% include "partials/toc.html" %}')
        self.entry = theme.from_string('{% include "partials/search-entry.html" %}')

    def page(self, src: str, text: str) -> Any:
        """The engine's Page of content/SRC made from its Markdown `text`, rendered (content, toc)."""
        from properdocs.structure.files import File, Files
        from properdocs.structure.pages import Page
        from properdocs.utils import meta

        file = File(src, str(self.content), str(self.site), self.config.use_directory_urls)
        file.content_string = text
        page = Page(None, file, self.config)
        page.markdown, page.meta = meta.get_data(text)
        page.markdown = self.verbatim.on_page_markdown(page.markdown, page)
        page.render(self.config, Files([file]))
        return page

    def dest(self, src: str) -> str:
        """The path in the site of content/SRC's page, as the engine writes it."""
        from properdocs.structure.files import File

        return File(src, str(self.content), str(self.site), self.config.use_directory_urls).dest_uri

    def slots(self, page: Any, kind: Kind, where: str) -> dict[str, str]:
        """What differs from one page of a kind to another, as the theme prints it: the title (raw, as
        Material prints page.meta.title), the feed's address (`| url`) and title (`| e`), the canonical
        address, the skip link (the first heading), the table of contents (the theme's partial), the
        search entry (the site's partial), the content (the builder's HTML put back, hooks/verbatim.py)."""
        from properdocs.utils import normalize_url

        if meta_keys(page) != kind.meta:
            raise ShellError(f"{where}: front matter {sorted(page.meta)}, its kind's pages have {list(kind.meta)}")
        if not page.toc or "<h1" not in page.content:
            raise ShellError(f"{where}: no heading of level 1, which every page of its kind has")
        out = {"title": str(page.meta["title"]), "skip": normalize_url(page.toc.items[0].url, page=page),
               "toc": self.toc.render(page=page, config=self.config)}
        if page.canonical_url:
            out["canonical"] = page.canonical_url
        if "feed" in kind.meta:
            out["feed"] = normalize_url(str(page.meta["feed"]), page=page)
            out["feed_title"] = str(escape(str(page.meta["feed_title"])))
        if "search_entry" in kind.meta:
            out["search"] = self.entry.render(page=page, config=self.config)
        out["content"] = self.verbatim.on_post_page(page.content, page)
        return {k: self.compact(v).strip() for k, v in out.items()}


# in the template page's output each slot is found where the theme prints it: the skip link's href, the
# title in <title> and the header, the feed in <link> and the feed paragraph; the content and TOC once
_ONCE = ("toc", "search", "content")


def cut(output: str, slots: dict[str, str], where: str) -> list[str]:
    """The template page's output cut at its slots' values: literal text and slot names alternating
    (text, name, text, ..., text). Raises ShellError if a slot is not found, the content or table of
    contents more than once, or two overlap."""
    found = []
    for name, value in slots.items():
        spans = [m.start() for m in re.finditer(re.escape(value), output)]
        if not spans or (name in _ONCE and len(spans) != 1):
            raise ShellError(f"{where}: the template page's {name} found {len(spans)} times in the engine's output")
        found += [(start, start + len(value), name) for start in spans]
    found.sort()
    parts, pos = [], 0
    for start, end, name in found:
        if start < pos:
            raise ShellError(f"{where}: the template page's {name} overlaps another slot")
        parts += [output[pos:start], name]
        pos = end
    parts.append(output[pos:])
    for text in parts[::2]:
        if re.search(r"xshellslot|shell\.page", text):  # a marker the theme printed where no slot is known
            raise ShellError(f"{where}: the engine's output holds a marker outside the known slots")
    return parts


def fill(parts: list[str], slots: dict[str, str]) -> str:
    """A shell (cut()) with a page's slots filled."""
    return "".join(slots[p] if i % 2 else p for i, p in enumerate(parts))


@dataclass
class Shell:
    kind: Kind
    parts: list[str]
    digest: str  # of the parts and of what makes a page's slots (engine_code): a page's key holds it


def engine_code(root: Path) -> str:
    """What makes a bulk page's content and table of contents besides its Markdown: the configuration
    (its Markdown extensions), the hooks' code, and the versions of the engine, the theme and Markdown."""
    from importlib.metadata import version

    return files_digest([root / "mkdocs.yml", *sorted((root / "hooks").glob("*.py")),
                         *sorted(p for p in (root / "overrides").rglob("*") if p.is_file())],
                        seed=" ".join(version(p) for p in ("properdocs", "mkdocs-material", "markdown")))


def engine_key(root: Path, env: dict[str, str] | None) -> str:
    """What makes an engine page's output besides its Markdown: the engine's code (engine_code) and the
    site's address it was given (SITE_URL: the canonical link). A page out of the navigation shows the
    navigation's titles, which mkdocs.yml gives (engine_code holds it), and no previous or next page."""
    return _key(engine_code(root), (env or {}).get("SITE_URL") or "")


def unchanged_pages(root: Path, site: Path, env: dict[str, str] | None) -> list[str]:
    """The engine's pages out of the navigation (paths in content/) that need not be rendered again: the
    sealed cache holds them as rendered from the same Markdown (its file stamp) with the same engine_key,
    their output in site/ is as written (its stamp), and their search entry is kept. [] without the cache."""
    old = _cached(load_cache(root / CACHE), "engine")
    if not old:
        return []
    code, entries = engine_key(root, env), root / ENTRIES
    return sorted(src for src, entry in old.items()
                  if len(entry) == 4 and entry[0] == _key(code, file_stamp(root / "content" / src))
                  and same_stamp(entry[2], plain(file_stamp(site / entry[1])))
                  and (not entry[3] or has_entry(entries, entry[3])))


def meta_keys(page: Any) -> tuple[str, ...]:
    """A page's front matter keys that choose its kind (sorted; `search`, which the theme does not read, left out)."""
    return tuple(sorted(set(page.meta) - {"search"}))


def shells(engine: Engine, staging: Path) -> dict[tuple[str, tuple[str, ...]], Shell]:
    """Each kind's shell, from the engine's output of its template page in `staging`: by Kind.key."""
    out, code = {}, engine_code(engine.root)
    for kind in KINDS:
        page = engine.page(kind.template, template_markdown(kind))
        made = (staging / page.file.dest_uri).read_text(encoding="utf-8")
        parts = cut(made, engine.slots(page, kind, kind.template), kind.template)
        out[kind.key] = Shell(kind, parts, _key(parts, code))
    return out


def shells_digest(by_kind: dict[tuple[str, tuple[str, ...]], Shell], folder: str) -> str:
    """What a page of FOLDER is made with whatever its kind there: its kinds' shells."""
    return _key(*sorted(shell.digest for key, shell in by_kind.items() if key[0] == folder))


def listing(engine: Engine) -> Listing:
    """content/'s files by what makes each into site/ (content_files.list_content): the engine's pages, the
    bulk pages (Markdown under a kind's folder), the files copied."""
    return list_content(engine.content, dict.fromkeys(kind.folder for kind in KINDS), excluded_by(engine.config))


_WORK: Any = None  # in a worker process: (engine, shells)


def render(engine: Engine, by_kind: dict[tuple[str, tuple[str, ...]], Shell], src: str) -> tuple[str, bytes]:
    """A bulk page as the engine would write it, in the shell of its kind (its folder and front matter
    keys): (its path in site/, its bytes). Raises ShellError if no kind has its front matter, or it does
    not fit its kind's shell (another depth: its address would need other relative paths)."""
    text = (engine.content / src).read_text(encoding="utf-8")
    page = engine.page(src, text)
    folder = src.split("/", 1)[0]
    shell = by_kind.get((folder, meta_keys(page)))
    if shell is None:
        raise ShellError(f"{src}: front matter {sorted(page.meta)}, which no kind of page under {folder}/ has "
                         f"({'; '.join(str(list(k.meta)) for k in KINDS if k.folder == folder)})")
    depth = page.file.dest_uri.count("/")
    if depth != shell.kind.template.count("/") + (1 if engine.config.use_directory_urls else 0):
        raise ShellError(f"{src}: not at its kind's depth ({shell.kind.template})")
    html = engine.compact(fill(shell.parts, engine.slots(page, shell.kind, src)))
    return page.file.dest_uri, html.encode("utf-8", errors="xmlcharrefreplace")


def _make(todo: list[str]) -> list[tuple[str, str, Any, str | None, set[str]]]:
    """Make and write these bulk pages (in a worker process or not), and their search entries: each one's
    (source, path in site/, stamp of its file, its search entry's place under ENTRIES or None, the files of
    the site it links to: links.targets)."""
    engine, by_kind = _WORK
    entries = engine.root / ENTRIES
    done = []
    warnings = _Warnings()
    logging.getLogger("properdocs").addHandler(warnings)  # the engine is strict: a warning fails the page
    try:
        for src in todo:
            dest, data = render(engine, by_kind, src)
            if warnings.seen:
                raise ShellError(f"{src}: {warnings.seen[0]}")
            path = engine.site / dest
            write_changed(path, data)
            done.append((src, dest, file_stamp(path), write_entry(entries, dest, data), targets(dest, data)))
    finally:
        logging.getLogger("properdocs").removeHandler(warnings)
    return done


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


def _make_all(todo: list[str]) -> list[tuple[str, str, Any, str | None, set[str]]]:
    cores = os.cpu_count() or 1
    if cores < 2 or len(todo) < PARALLEL:
        return _make(todo)
    size = max(1, len(todo) // (cores * 16))
    fork = "fork" in multiprocessing.get_all_start_methods()
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork" if fork else None)) as pool:
        gc.freeze()  # the workers inherit the engine; their collectors leave its objects alone
        try:
            futures = [pool.submit(_make, todo[i:i + size]) for i in range(0, len(todo), size)]
        finally:
            gc.unfreeze()
        return [d for f in futures for d in f.result()]


@dataclass
class Written:
    """What finish() did: files copied from the engine's output, bulk pages written, files removed, bulk
    pages taken from the parts' manifests."""
    copied: int = 0
    pages: int = 0
    removed: int = 0
    taken: int = 0  # bulk pages a part's manifest listed, taken as made (parts.py)


def finish(root: Path, site: Path, env: dict[str, str] | None = None, others: tuple[str, ...] = (),
           skipped: list[str] | tuple[str, ...] = (), part: tuple[int, int] | None = None,
           engine: Engine | None = None, files: Listing | None = None) -> Written:
    """After the engine, given the environment `env`, has built the top level and the template pages into
    root/STAGING, but for the pages `skipped` (unchanged_pages, kept in site/ as they are): site/ made the
    whole site, and root/ENTRIES the search entries of its pages (search_entries). What is in site/ that
    none of them made is removed, but for the folders named in `others` (those of a later step, such as a
    search index made from site/). A bulk page a part's manifest lists (parts.py: made by a job of a CI
    matrix) is taken as it is when it matches. With `part` (K, N), only the bulk pages of part K of N are
    made, into site/, with their manifest (parts.py), and nothing else is written or removed. `engine` and
    `files` (listing) as the caller has them, else made here. Raises ShellError, before anything is
    removed, if a page does not fit its shell or a page written links to no file of the site (links.py);
    OSError as writing does."""
    global _WORK
    staging = root / STAGING
    engine = engine or Engine(root, site, env)
    files = files or listing(engine)
    by_kind = shells(engine, staging)
    _WORK = (engine, by_kind)
    site.mkdir(parents=True, exist_ok=True)
    digests = {kind.folder: shells_digest(by_kind, kind.folder) for kind in KINDS}
    if part:
        return _make_part(site, engine, files.bulk, digests, part)
    cached = load_cache(root / CACHE)  # None unless sealed by this machine's builder: then all is made again
    written = Written()
    entries = root / ENTRIES
    linked: dict[str, str] = {}  # a file of the site a page written now links to → the first such page
    kept, searched = _engine_output(staging, site, written, entries, linked, set(files.copies))
    ours = _engine_pages(root, site, env, _cached(cached, "engine"), skipped, searched)
    for src, (_, dest, _, entry) in ours.items():
        kept.add(dest)
        if entry:
            searched.add(entry)
    static, copied, copied_from = copy_files(engine.content, site, files.copies, _cached(cached, "static"),
                                             GENERATED, _cached(cached, "copied_from"))
    kept.update(static)
    written.copied += copied
    old, pages, keys, todo = _cached(cached, "pages"), {}, {}, []
    from_parts = manifests(root)  # the pages a CI matrix's jobs made (parts.py), if any
    # paths as strings: 120,000 bulk pages at 100,000 reports (pathlib's objects cost seconds here)
    content_top, site_top = os.path.join(engine.content, ""), os.path.join(site, "")
    for src in files.bulk:
        digest = digests[src.split("/", 1)[0]]
        keys[src] = key = _key(digest, file_stamp(content_top + src))
        entry, made = old.get(src), from_parts.get(src)
        if entry and len(entry) == 4 and entry[0] == key and same_stamp(entry[2], plain(file_stamp(site_top + entry[1]))) \
                and (not entry[3] or has_entry(entries, entry[3])):
            pages[src] = entry
            kept.add(entry[1])
        elif made and taken(made, content_key(digest, engine.content / src), site, engine.dest(src)) \
                and (not made[3] or has_entry(entries, made[3])):
            pages[src] = [key, made[1], plain(file_stamp(site / made[1])), made[3]]
            kept.add(made[1])
            for target in made[4]:
                linked.setdefault(target, made[1])
            written.taken += 1
        else:
            todo.append(src)
    for src, dest, stamp, searched_as, links in _make_all(todo):
        pages[src] = [keys[src], dest, plain(stamp), searched_as]
        kept.add(dest)
        for target in links:
            linked.setdefault(target, dest)
    written.pages = len(todo)
    kept.update(_sitemap(site, staging, [entry[1] for entry in pages.values()]
                         + [ours[src][1] for src in skipped if src in ours], engine))
    broken = unresolved(linked, kept, others)
    if broken:
        raise ShellError("links to no file of the site: " + "; ".join(
            f"{page} links to {target}" for page, target in broken[:5]) + (f" (and {len(broken) - 5} more)"
                                                                            if len(broken) > 5 else ""))
    seen = pruned_folders(root)
    written.removed, folders = prune_tree(site, kept, others, seen.get("site"))
    entry_folders = prune_entries(entries, searched | {entry[3] for entry in pages.values() if entry[3]},
                                  seen.get("entries"))
    save_cache(root / CACHE, {"version": render_version(), "pages": pages, "static": static, "engine": ours,
                              "copied_from": copied_from})
    save_cache(root / FOLDERS, {"site": folders, "entries": entry_folders})
    if from_parts:
        remove_manifests(root)
    return written


def _make_part(site: Path, engine: Engine, bulk: tuple[str, ...], digests: dict[str, str],
               part: tuple[int, int]) -> Written:
    """The bulk pages (`bulk`) of part K of N (parts.part_of) made into site/, and their manifest written."""
    root = engine.root
    todo = [src for src in bulk if part_of(src, part[1]) == part[0]]
    made = {src: [content_key(digests[src.split("/", 1)[0]], engine.content / src), dest, file_sha256(site / dest),
                  entry, sorted(links)] for src, dest, _, entry, links in _make_all(todo)}
    write_manifest(root, part, made)
    return Written(pages=len(todo))


def _engine_pages(root: Path, site: Path, env: dict[str, str] | None, old: dict[str, list], skipped: Any,
                  searched: set[str]) -> dict[str, list]:
    """The engine's pages out of the navigation, for unchanged_pages: those it rendered (PAGES, their output
    now in site/, `searched` the entries written of its pages) and those it was told to skip (as `old`
    holds them): a page's source → [its key, its path in site/, its file's stamp, its search entry or None]."""
    out = {src: old[src] for src in skipped if src in old}
    listed = root / PAGES
    if listed.is_file():
        code = engine_key(root, env)
        for src, dest in json.loads(listed.read_text(encoding="utf-8")):
            out[src] = [_key(code, file_stamp(root / "content" / src)), dest, plain(file_stamp(site / dest)),
                        dest if dest in searched else None]
    return out


def pruned_folders(root: Path) -> dict[str, dict[str, list]]:
    """What the last build's prunes left (store.files.prune_tree's records), sealed in FOLDERS apart from the
    shells' cache (the check for links in site/ reads it without that cache): "site" (site/'s folders) and
    "entries" (ENTRIES'); {} when there is none or it is not this builder's."""
    return load_records(root / FOLDERS)


def _cached(cached: Any, part: str) -> dict[str, list]:
    """A part of the cache as this code wrote it, else nothing: "pages" (a bulk page's source → [its key, its
    path in site/, its file's stamp, its search entry's place under ENTRIES or None]), "engine" (the same of the
    engine's pages out of the navigation), "static" (a copy's path in site/ → [its source, their stamps]),
    "copied_from" (content/'s folders of those copies: content_files.copy_files)."""
    ours = isinstance(cached, dict) and cached.get("version") == render_version()
    return cached.get(part, {}) if ours and isinstance(cached.get(part), dict) else {}


def _engine_output(staging: Path, site: Path, written: Written, entries: Path,
                   linked: dict[str, str], copies: set[str]) -> tuple[set[str], set[str]]:
    """The engine's output (the top level, the theme's assets) copied into site/ where it differs, the
    template pages and the sitemap left out (_sitemap writes it), and a theme's file that content/ has
    too (`copies`: content/'s wins, as in the engine); its pages' search entries kept in ENTRIES, and the
    files its pages link to added to LINKED (links.targets → the page): (the paths under site/, the
    entries' places under ENTRIES)."""
    templates = {str(Path(kind.template).with_suffix("")) for kind in KINDS}  # their folders, not published
    kept, searched = set(), set()
    for folder, dirs, files in os.walk(staging, followlinks=False):
        rel_folder = Path(folder).relative_to(staging).as_posix()
        dirs[:] = sorted(d for d in dirs if f"{rel_folder}/{d}".removeprefix("./") not in templates)
        for name in files:
            rel = f"{rel_folder}/{name}".removeprefix("./")
            if rel in (SITEMAP, SITEMAP + ".gz") or rel in copies:
                continue
            kept.add(rel)
            data = Path(folder, name).read_bytes()
            if name.endswith(".html"):
                if entry := write_entry(entries, rel, data):
                    searched.add(entry)
                for target in targets(rel, data):
                    linked.setdefault(target, rel)
            written.copied += write_changed(site / rel, data)
    return kept, searched


_URL = re.compile(r"<url>.*?</url>", re.S)
SITEMAP = "sitemap.xml"


def _sitemap(site: Path, staging: Path, pages: list[str], engine: Engine) -> list[str]:
    """The engine's sitemap (written only when the site has an address: hooks/sitemap.py) with the entry of
    each page of `pages` (their paths in site/: the bulk pages, the engine's pages it did not render this
    time) in place of the template pages' (its canonical address, the template page's <lastmod>), every
    entry in the order of its address (the same whichever pages the engine rendered); the files written
    (paths under site/). A page's address is the engine's (File's url joined to site_url as Page does),
    made from its path in the site: a national site's 100,000 pages are not each made a Page."""
    from types import SimpleNamespace
    from urllib.parse import urljoin

    from properdocs.structure.files import File
    from properdocs.structure.pages import Page

    made = staging / SITEMAP
    if not made.exists():
        return []
    text = made.read_text(encoding="utf-8")
    entries = _URL.findall(text)
    if not entries:
        raise ShellError(f"{made}: a sitemap without the template pages' entries")
    templates = {f"<loc>{escape(Page(None, File(k.template, '', '', engine.config.use_directory_urls), engine.config).canonical_url)}</loc>"
                 for k in KINDS}
    kept, model = [], None
    for entry in entries:
        if any(t in entry for t in templates):
            model = entry  # a bulk page's entry is written as the engine wrote its template page's
        else:
            kept.append(entry)
    if model is None:
        raise ShellError(f"{made}: no entry for the template pages")
    loc = re.search(r"<loc>.*?</loc>", model).group()
    base = engine.config.site_url if engine.config.site_url.endswith("/") else engine.config.site_url + "/"
    directory_urls = engine.config.use_directory_urls
    for dest in pages:
        url = File._get_url(SimpleNamespace(dest_uri=dest, use_directory_urls=directory_urls))
        kept.append(model.replace(loc, f"<loc>{escape(urljoin(base, url))}</loc>"))
    kept.sort(key=lambda entry: re.search(r"<loc>(.*?)</loc>", entry).group(1))
    between = text[text.index(entries[0]) + len(entries[0]):text.index(entries[1])] if len(entries) > 1 else "\n"
    start, end = text.index(entries[0]), text.rindex(entries[-1]) + len(entries[-1])
    out = (text[:start] + between.join(kept) + text[end:]).encode("utf-8")
    # gzipped as the engine does: its header's time (MTIME, the build's SOURCE_DATE_EPOCH) and name kept
    mtime = int.from_bytes(made.with_name(SITEMAP + ".gz").read_bytes()[4:8], "little")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, filename=str(site / (SITEMAP + ".gz")), mode="wb", mtime=mtime) as gz:
        gz.write(out)
    for name, data in ((SITEMAP, out), (SITEMAP + ".gz", buf.getvalue())):
        write_changed(site / name, data)
    return [SITEMAP, SITEMAP + ".gz"]
