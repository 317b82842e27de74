"""The page cache: what each page of content/ was last made from, so that a build renders only the
pages whose inputs changed (adding one report to thousands renders its pages, its body's page, its
year's rankings and lists), and writes a file only when its bytes change.

The cache is sealed JSON under .cache/ (store.sealed.save_cache): a cache from other code, or altered by
hand, is ignored and the pages are made again, never trusted. Each report's score and download parts
(most of its size) are kept apart, in shards (store.shards.ShardedCache: pages-reports.NN.json), so that
adding one report writes one shard again, not every report's parts.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from ..data import downloads
from ..record.outcome import Outcome, outcome_key
from ..store.files import _key, file_stamp, plain, prune_tree, same_stamp, write_changed
from ..store.sealed import load_cache, load_records, save_cache
from ..index.bodies import FormerName
from ..index.scores import Agencies, Agency, Score, load_agencies
from ..store.owned import Unowned, problems
from ..store.shards import ShardedCache
from ..store.versions import render_version

GENERATED = ("index.md", "issues.md", "methodology.md", "data.md", "accuracy.md", "reports", "agencies", "rankings", "downloads",
             "regions", "issues", "api", "coverage",
             "compare", "feeds", "corrections.md", "releases")
PUBLISHES = "MkDocs would publish what it points to"  # why a link elsewhere in content/ is refused


def output_problems(root: Path, out: Path, cache_file: Path | None = None) -> list[str]:
    """What makes the pages' folder `out` (content/) not the build's to write into (store.owned): `out`
    and each GENERATED path in it absent or a real folder (a real file for a page), no link or special
    file under them; and no link elsewhere in it, which MkDocs would follow and publish. With the page
    cache's path, the generated folders' last prune (pruned_folders) spares reading those unchanged."""
    found = problems(root, out, deep=False)
    if found:
        return found
    seen = pruned_folders(cache_file) if cache_file is not None else {}
    for name in GENERATED:
        found += problems(root, out / name, folder=not name.endswith(".md"), seen=seen.get(name))
    return found + problems(root, out, skip=GENERATED, why=PUBLISHES)


def _folders_file(cache_file: Path) -> Path:
    return cache_file.with_name(f"{cache_file.stem}-folders{cache_file.suffix}")


def pruned_folders(cache_file: Path) -> dict[str, dict[str, list]]:
    """What SiteWriter.prune left of each GENERATED folder (store.files.prune_tree's record), sealed beside
    the page cache `cache_file` (its own file: a check reads it without the cache); {} when there is none
    or it is not this builder's."""
    return load_records(_folders_file(cache_file))


def report_key(o: Outcome, info: Agency, changes: dict[str, Any] | None = None) -> str:
    """What a report's pages and download rows are made from: its record and findings (the
    across-year ones come after the outcome's own key), what the agencies file says of it, and the
    commits of its corrections (history.corrections)."""
    own = o.key or outcome_key(o.record, o.findings)
    later = [(f.rule, f.path, f.severity, f.message) for f in o.findings if f.rule.startswith("across_years.")]
    return _key(own, later, info.name, info.region, info.level, info.kind, info.body_id,
                sorted((changes or {}).items()))


class PageCache:
    """What each page was last made from (sealed JSON under .cache/), so a page whose inputs are
    unchanged is not rendered again, and each report's score and download rows are kept: adding one
    report to thousands renders what it affects. A cache from other code is ignored, never trusted."""

    def __init__(self, path: Path | None):
        self.path = path
        self.pages: dict[str, str] = {}
        self.reports: dict[str, tuple[Score, downloads.Prepared]] = {}
        self.directory: tuple[Any, dict[str, Agency]] = (None, {})  # the agencies file, by size and time
        self.groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # sets of pages made from one key
        self.folders: dict[str, dict[str, list]] = {}  # what the last prune left of each GENERATED folder
        # each report's score and download parts, by its key (page_cache.report_key): a shard per 1/32 of the keys
        self.shards = path and ShardedCache(path.with_name(f"{path.stem}-reports{path.suffix}"), render_version())
        data = load_cache(path) if path is not None else None  # None unless sealed by this machine's builder
        if isinstance(data, dict) and data.get("version") == render_version():
            try:
                self.pages = {str(k): (str(key), stamp) for k, (key, stamp) in data["pages"].items()}
                stamp, entries = data["directory"]
                self.directory = (stamp, Agencies({n: Agency(n, *info[:4], tuple(FormerName(*f) for f in info[4]))
                                                   for n, info in entries.items()}))
                self.groups = {str(k): (key, [tuple(p) for p in pages]) for k, (key, pages) in data["groups"].items()}
            except (ValueError, TypeError, KeyError, IndexError):  # not what this builder writes: rebuilt
                self.pages, self.directory, self.groups = {}, (None, {}), {}
        if path is not None:
            self.folders = pruned_folders(path)
        for k, entry in (self.shards.load() if self.shards else {}).items():
            try:
                score, row, csv, js, found = entry
                self.reports[k] = (Score.from_data(score), downloads.Prepared(row, csv, js, tuple(
                    tuple(f) for f in found)))
            except (ValueError, TypeError, KeyError):  # not what this builder writes: made again
                pass

    def agencies(self, path: Path) -> dict[str, Agency]:
        """The agencies file, read again only when it changed."""
        stamp = plain(file_stamp(path, inputs=True))  # edited with its size and time kept: read again
        if stamp is None or stamp != self.directory[0]:
            self.directory = (stamp, load_agencies(path))
        return self.directory[1]

    def save(self, writer: "SiteWriter", reports: dict[str, tuple[Score, downloads.Prepared]]) -> None:
        if self.path is not None:
            stamp, agencies = self.directory
            save_cache(self.path, {
                "version": render_version(), "groups": writer.groups,
                # each page with the size and time its file had when made: a file changed since is made again
                "pages": {rel: (key, writer.stamps.get(rel) or file_stamp(os.path.join(writer.out, rel)))
                          for rel, key in writer.keys.items()},
                "directory": (stamp, {a.name: (a.region, a.level, a.kind, a.id, [[f.name, f.first, f.last] for f in a.former])
                                     for a in agencies.values()})})
            save_cache(_folders_file(self.path), writer.folders)
            # a report's key is a digest of what its parts are made from: an entry under a key held is the same
            self.shards.save(reports, lambda made: (made[0].to_data(), made[1].row, made[1].csv, made[1].json,
                                                    made[1].findings))


class SiteWriter:
    """Writes files under content/ only when they change, and remembers what it wrote."""

    def __init__(self, out: Path, cache: PageCache | None = None):
        self.out = out
        self.cache = cache or PageCache(None)
        self.written = 0
        self.kept: set[str] = set()  # the files this build produces, as paths under out (posix)
        self.keys: dict[str, str] = {}  # page → what it was made from, in this build
        self.groups: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # see unchanged()
        self.stamps: dict[str, Any] = {}  # a page found fresh → its file's size and time (not stat()ed twice)
        self.folders: dict[str, dict[str, list]] = {}  # what prune() left of each GENERATED folder (prune_tree)

    def fresh(self, rel: str, key: str) -> bool:
        """Whether a page was last made from this key and its file is as it was written then (same size
        and time: a page edited or damaged since is made again)."""
        cached = self.cache.pages.get(rel)
        if cached is not None and cached[0] == key and same_stamp(cached[1], plain(file_stamp(os.path.join(self.out, rel)))):
            self.stamps[rel] = cached[1]
            return True
        return False

    def stale(self, rel: str, key: str) -> bool:
        """Claim a page for this build; True if it must be made (its inputs changed, or its file did)."""
        self.keys[rel] = key
        self.kept.add(rel)
        return not self.fresh(rel, key)

    def unchanged(self, name: str, key: str) -> bool:
        """Whether a set of pages (a year's rankings) was made from this key last time and is all still
        there; if so, its pages are claimed as they stand. Otherwise the caller makes them and
        remember()s them under this key."""
        self.groups[name] = (key, [])
        old = self.cache.groups.get(name)
        if old is None or old[0] != key or not all(self.fresh(rel, page_key) for rel, page_key in old[1]):
            return False
        for rel, page_key in old[1]:
            self.stale(rel, page_key)
        self.groups[name] = old
        return True

    def remember(self, name: str, rels: list[str]) -> None:
        self.groups[name] = (self.groups[name][0], [(rel, self.keys[rel]) for rel in rels])

    def page(self, rel: str, key: str, make: Callable[[], str | bytes | Path]) -> None:
        """A page made by make(), unless it was last made from the same key and is still there. make() gives
        the page's text or bytes, or the path of a file it made beside the page (a large file made by a
        tool that writes files, not read into memory: data_sqlite), see text()."""
        if self.stale(rel, key):
            self.text(rel, make())

    def text(self, rel: str, content: str | bytes | Path) -> None:
        """Write a page unless it already holds exactly this. A Path is a whole file made in the page's
        folder, moved over the page (os.replace: the old file or the new, never half of one); the
        page's own path means the file there is kept as it is (its maker found it unchanged)."""
        self.kept.add(rel)
        self.stamps.pop(rel, None)
        if isinstance(content, Path):
            if content != self.out / rel:
                os.replace(content, self.out / rel)
                self.written += 1
            return
        self.written += write_changed(self.out / rel, content)

    def prune(self) -> None:
        """Remove generated files that no report produces any more, and folders left empty; never through
        a link (a GENERATED path that is one is refused: Unowned; store.files.prune_tree follows none). A
        folder as the last prune left it (its record in the cache: inode, change time, the names kept
        in it) is not read: adding one report to 100,000 reads the folders it changed, not all 120,000."""
        under: dict[str, set[str]] = {}
        for rel in self.kept:
            top, _, rest = rel.partition("/")
            if rest:
                under.setdefault(top, set()).add(rest)
        for name in GENERATED:
            target = os.path.join(self.out, name)
            if os.path.islink(target):
                raise Unowned(problems(self.out, Path(target), folder=not name.endswith(".md"), deep=False))
            if os.path.isfile(target):
                if name not in self.kept:
                    os.unlink(target)
            elif os.path.isdir(target):
                kept = under.get(name, set())
                self.folders[name] = prune_tree(Path(target), kept, seen=self.cache.folders.get(name))[1]
                if not kept and not os.listdir(target):
                    os.rmdir(target)
