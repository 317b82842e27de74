"""content/'s files sorted by what makes them into site/ (builder/site/content_files.py): the engine's
pages, the bulk pages, the copies; the engine given only its pages; copies made only where they changed."""
from __future__ import annotations

import os
from pathlib import Path

import pathspec
import pytest

from builder.site.content_files import copy_files, engine_docs, excluded_by, list_content
from conftest import copy_repository


def _tree(top: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text, encoding="utf-8")


def test_the_listing_sorts_every_file_as_the_engine_would_take_it(tmp_path):
    content = tmp_path / "content"
    _tree(content, {
        "index.md": "#", "rankings/2023.md": "#", "rankings/2023/县级部门.md": "#", "guide.markdown": "#",
        "reports/2023/甲.md": "#", "agencies/甲.md": "#", "reports/2023/甲/table-1.png": "png",
        "api/v1/reports/2023/甲.json": "{}", "assets/extra.css": "", "README.MD": "upper case: not a page",
        ".hidden.md": "#", "assets/.draft/x.css": "", "templates/page.html": "", "rankings/templates/x.md": "#",
        "reportsx/x.md": "#"})
    outside = tmp_path / "outside"
    _tree(outside, {"secret.md": "#", "dir/x.txt": "x"})
    (content / "linked.md").symlink_to(outside / "secret.md")
    (content / "linked-dir").symlink_to(outside / "dir", target_is_directory=True)
    found = list_content(content, ("reports", "agencies"))
    # names that begin with a dot and the top folder templates/ are left out, as the engine leaves them
    # out; a folder of that name further down is not; links are neither followed nor listed
    assert found.pages == ("guide.markdown", "index.md", "rankings/2023/县级部门.md", "rankings/2023.md",
                           "rankings/templates/x.md", "reportsx/x.md")  # as walked, names sorted
    assert found.bulk == ("agencies/甲.md", "reports/2023/甲.md")
    assert found.copies == ("README.MD", "api/v1/reports/2023/甲.json", "assets/extra.css",
                            "reports/2023/甲/table-1.png")


def test_what_the_configuration_excludes_is_left_out(tmp_path):
    content = tmp_path / "content"
    _tree(content, {"index.md": "#", "notes/draft.md": "#", "data/x.csv": "a"})

    class Config(dict):
        pass

    assert excluded_by(Config()) is None
    config = Config(exclude_docs=pathspec.gitignore.GitIgnoreSpec.from_lines(["*.csv"]),
                    draft_docs=pathspec.gitignore.GitIgnoreSpec.from_lines(["/notes/"]))
    found = list_content(content, (), excluded_by(config))
    assert (found.pages, found.copies) == (("index.md",), ())


def test_the_engine_s_folder_holds_exactly_its_pages_and_is_written_only_where_they_changed(tmp_path):
    content, docs = tmp_path / "content", tmp_path / "docs"
    _tree(content, {"index.md": "home", "rankings/2023.md": "2023", "rankings/2024.md": "2024"})
    assert engine_docs(content, docs, ["index.md", "rankings/2023.md", "rankings/2024.md"]) == 3
    before = os.stat(docs / "index.md").st_mtime_ns, os.stat(docs / "index.md").st_ino
    (content / "rankings" / "2023.md").write_text("2023, with one more report", encoding="utf-8")
    assert engine_docs(content, docs, ["index.md", "rankings/2023.md"]) == 1  # 2024 left out: kept as it was
    assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()) == ["index.md", "rankings/2023.md"]
    assert (docs / "rankings" / "2023.md").read_text(encoding="utf-8") == "2023, with one more report"
    assert (os.stat(docs / "index.md").st_mtime_ns, os.stat(docs / "index.md").st_ino) == before
    assert engine_docs(content, docs, ["index.md"]) == 0 and not (docs / "rankings").exists()


def test_a_copy_is_made_where_its_source_or_itself_changed_and_only_there(tmp_path):
    content, site = tmp_path / "content", tmp_path / "site"
    _tree(content, {"api/a.json": "{}", "api/b.json": "[]"})
    made, written, _ = copy_files(content, site, ["api/a.json", "api/b.json"], {})
    assert written == 2 and (site / "api" / "b.json").read_text(encoding="utf-8") == "[]"
    again, written, _ = copy_files(content, site, ["api/a.json", "api/b.json"], made)
    assert (again, written) == (made, 0)
    (content / "api" / "a.json").write_text('{"a": 1}', encoding="utf-8")
    (site / "api" / "b.json").write_text("damaged", encoding="utf-8")
    _, written, _ = copy_files(content, site, ["api/a.json", "api/b.json"], made)
    assert written == 2 and (site / "api" / "a.json").read_text(encoding="utf-8") == '{"a": 1}'
    assert (site / "api" / "b.json").read_text(encoding="utf-8") == "[]"


@pytest.mark.parametrize("name", ["logo.md", "extra.css"])
def test_a_file_added_to_content_by_hand_is_published(tmp_path, name):
    """A page or a file a maintainer puts in content/ (outside the builder's folders) reaches site/."""
    from builder import cli

    root = copy_repository(tmp_path / "repo")
    (root / "content" / "about").mkdir()
    (root / "content" / "about" / name).write_text("# 关于本站\n" if name.endswith(".md") else "p{}", encoding="utf-8")
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    made = root / "site" / "about" / ("logo/index.html" if name.endswith(".md") else name)
    assert made.is_file() and ("关于本站" in made.read_text(encoding="utf-8") or name == "extra.css")


def test_a_tree_is_pruned_to_what_is_kept_and_never_through_a_link(tmp_path):
    """store.files.prune_tree, which prunes site/ and the search entries: what is not kept goes, with
    the folders it leaves empty; a link is removed, never followed; a later step's folder is left."""
    from builder.store.files import prune_tree

    site = tmp_path / "site"
    _tree(site, {"a/index.html": "a", "a/old.html": "old", "gone/deep/index.html": "x", "pagefind/p.js": "p",
                 "top.html": "t"})
    outside = tmp_path / "outside"
    _tree(outside, {"keep.txt": "kept"})
    (site / "a" / "link").symlink_to(outside, target_is_directory=True)
    assert prune_tree(site, {"a/index.html", "top.html"}, others=("pagefind",))[0] == 3  # old.html, the link, deep/index.html
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        "a", "a/index.html", "pagefind", "pagefind/p.js", "top.html"]
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "kept"


def _settling(monkeypatch):
    """store.files.SETTLED_NS made 50 ms (a record takes only folders changed longer ago than that), and a
    wait of as long: a test's folders recorded without waiting a second."""
    import time

    from builder.store import files as store

    monkeypatch.setattr(store, "SETTLED_NS", 50_000_000)
    return lambda: time.sleep(0.06)


def test_a_folder_changed_too_lately_is_not_recorded(tmp_path, monkeypatch):
    """A folder whose change time is not SETTLED_NS in the past is left out of prune_tree's record (read
    again next time): a change in the same tick of the file system's clock would not change it."""
    from builder.store.files import prune_tree

    site = tmp_path / "site"
    _tree(site, {"a/index.html": "a", "b/index.html": "b"})
    wait = _settling(monkeypatch)
    wait()
    (site / "b" / "index.html").unlink()
    (site / "b" / "index.html").write_text("b", encoding="utf-8")
    assert set(prune_tree(site, {"a/index.html", "b/index.html"})[1]) == {"a"}  # nor the top, which holds b
    wait()
    assert set(prune_tree(site, {"a/index.html", "b/index.html"})[1]) == {"", "a", "b"}


def _left(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))


def test_a_prune_given_the_last_one_s_record_reads_only_the_folders_that_changed(tmp_path, monkeypatch):
    """store.files.prune_tree with what the last prune returned: a folder as it was left is not read, and
    whatever changed since is found all the same: a file no longer kept, a file or a folder or a link put in
    by something else, a folder put back from an archive with its times, a folder whose times were set back."""
    import os
    import shutil

    from builder.store import files as store

    site = tmp_path / "site"
    pages = {f"reports/{y}/b{k}/index.html": "p" for y in (2021, 2022) for k in range(3)}
    _tree(site, {**pages, "index.html": "h", "api/a.json": "{}"})
    kept = set(pages) | {"index.html", "api/a.json"}
    wait = _settling(monkeypatch)
    wait()
    removed, seen = store.prune_tree(site, kept)
    assert removed == 0 and set(seen) == {"", "reports", "reports/2021", "reports/2022", "api"} | {
        p.rsplit("/", 1)[0] for p in pages}
    read = []
    scandir = os.scandir

    def reading(path, *args):
        if isinstance(path, str) and path.startswith(str(site)):
            read.append(os.path.relpath(path, site))
        return scandir(path, *args)
    monkeypatch.setattr(store.os, "scandir", reading)

    assert store.prune_tree(site, kept, seen=seen) == (0, seen) and read == []  # nothing changed: nothing read

    # a file no longer kept: only its folder is read
    kept.discard("api/a.json")
    kept.add("api/b.json")
    (site / "api" / "b.json").write_text("{}", encoding="utf-8")
    wait()
    removed, seen = store.prune_tree(site, kept, seen=seen)
    assert removed == 1 and read == ["api"] and not (site / "api" / "a.json").exists()

    # put in by something else: a file beside a page, a folder with a file in it, a link
    read.clear()
    (site / "reports" / "2021" / "b1" / "stray.html").write_text("x", encoding="utf-8")
    (site / "reports" / "2022" / "new" / "deep").mkdir(parents=True)
    (site / "reports" / "2022" / "new" / "deep" / "index.html").write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept", encoding="utf-8")
    (site / "reports" / "2021" / "b2" / "link").symlink_to(outside, target_is_directory=True)
    wait()
    removed, seen = store.prune_tree(site, kept, seen=seen)
    # api/ too, and the top holding it: the last prune removed a file from api/, whose change time was
    # then not yet settled
    assert removed == 3 and sorted(read) == [".", "api", "reports/2021/b1", "reports/2021/b2", "reports/2022",
                                             "reports/2022/new", "reports/2022/new/deep"]  # the last two removed
    assert _left(site) == sorted({"index.html", "api", "api/b.json", "reports", "reports/2021", "reports/2022"}
                                 | set(pages) | {p.rsplit("/", 1)[0] for p in pages})
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "kept"

    # a folder put back from an archive (times and all) with a stray file in it; one whose times were set back
    read.clear()
    folder = site / "reports" / "2022" / "b0"
    times = folder.stat()
    shutil.copytree(folder, tmp_path / "archived")
    (tmp_path / "archived" / "stray.html").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "archived", ns=(times.st_atime_ns, times.st_mtime_ns))
    shutil.rmtree(folder)
    os.rename(tmp_path / "archived", folder)
    os.utime(site / "reports" / "2022", ns=(times.st_atime_ns, site.stat().st_mtime_ns))
    other = site / "reports" / "2021" / "b0"
    times = other.stat()
    (other / "stray.html").write_text("x", encoding="utf-8")
    os.utime(other, ns=(times.st_atime_ns, times.st_mtime_ns))
    removed, seen = store.prune_tree(site, kept, seen=seen)
    assert removed == 2 and {"reports/2022/b0", "reports/2021/b0"} <= set(read)
    assert not (folder / "stray.html").exists() and not (other / "stray.html").exists()


def test_a_folder_with_a_link_where_a_kept_file_is_is_not_recorded_nor_those_holding_it(tmp_path, monkeypatch):
    """store.files.prune_tree leaves a kept name alone whatever it is, but records (for store.owned.problems,
    which then skips the folder) only a folder whose kept names are real files: a link there leaves the
    folder and every folder holding it unrecorded, so the check for links lists them and finds it."""
    from builder.store.files import prune_tree
    from builder.store.owned import problems

    site = tmp_path / "site"
    pages = {f"reports/2021/b{k}/index.html": "p" for k in range(3)}
    _tree(site, {**pages, "index.html": "h"})
    (site / "reports" / "2021" / "b1" / "index.html").unlink()
    (site / "reports" / "2021" / "b1" / "index.html").symlink_to(tmp_path)
    wait = _settling(monkeypatch)
    wait()
    _, seen = prune_tree(site, set(pages) | {"index.html"})
    assert set(seen) == {"reports/2021/b0", "reports/2021/b2"}  # neither b1 nor any folder holding it
    assert [p.split(" is ")[0] for p in problems(tmp_path, site, seen=seen)] == ["site/reports/2021/b1/index.html"]
    (site / "reports" / "2021" / "b1" / "index.html").unlink()
    (site / "reports" / "2021" / "b1" / "index.html").write_text("p", encoding="utf-8")
    wait()
    _, seen = prune_tree(site, set(pages) | {"index.html"}, seen=seen)
    assert set(seen) == {"", "reports", "reports/2021", "reports/2021/b0", "reports/2021/b1", "reports/2021/b2"}
    assert problems(tmp_path, site, seen=seen) == []


def test_the_check_of_site_reads_only_the_folders_changed_since_the_last_prune(tmp_path, monkeypatch):
    """`site` refuses a site/ with a link in it before it writes (cli._site_problems); with the record of
    the last build's prune (shells.pruned_folders) it lists only site/'s top, the later steps' folders
    (Pagefind's) and the folders changed since: a link put in a page's folder since is refused all the same."""
    from builder import cli

    root = copy_repository(tmp_path / "repo")
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    _settling(monkeypatch)()  # the first build's folders recorded by the second's prune
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    site, read, scandir = root / "site", [], os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": (read.append(str(path)), scandir(path))[1])
    assert cli._site_problems(root, site) == []
    monkeypatch.setattr(os, "scandir", scandir)
    listed = {Path(p).relative_to(site).as_posix() for p in read if Path(p).is_relative_to(site)}
    assert listed and {p.split("/")[0] for p in listed} <= {".", "pagefind"}
    page = next((site / "reports" / "2023").iterdir())
    (page / "leak.html").symlink_to(root / "reports" / "agencies.yaml")
    assert [p.split(" is ")[0] for p in cli._site_problems(root, site)] == [
        f"site/reports/2023/{page.name}/leak.html"]


def test_copies_from_the_builder_s_folders_are_not_stat_ed_where_those_folders_did_not_change(tmp_path, monkeypatch):
    """copy_files with `replaced` (content/'s folders whose files the builder only ever renames into place)
    and the last copy's record of them: a folder as recorded has its copies' sources taken as recorded,
    without a stat; a file replaced there (as the builder writes), added or removed changes the folder and
    is copied; a folder not `replaced` (hand-written files, edited in place) is stat()ed file by file; a
    copy in site/ edited is copied again whatever its source's folder."""
    from builder.site import content_files
    from builder.store.files import write_atomically

    content, site = tmp_path / "content", tmp_path / "site"
    _tree(content, {"api/a.json": "{}", "api/b.json": "[]", "feeds/x.xml": "<x/>", "assets/s.css": "p{}"})
    copies = ["api/a.json", "api/b.json", "assets/s.css", "feeds/x.xml"]
    wait = _settling(monkeypatch)
    wait()
    made, written, folders = copy_files(content, site, copies, {}, ("api", "feeds"))
    assert written == 4 and set(folders) == {"api", "feeds"}
    stamped, stamp = [], content_files.file_stamp
    monkeypatch.setattr(content_files, "file_stamp", lambda path, **kw: (stamped.append(path), stamp(path, **kw))[1])

    def sources() -> list[str]:
        seen = sorted(os.path.relpath(p, content) for p in stamped if str(p).startswith(str(content)))
        stamped.clear()
        return seen

    again, written, folders = copy_files(content, site, copies, made, ("api", "feeds"), folders)
    assert (again, written) == (made, 0) and sources() == ["assets/s.css"]
    write_atomically(content / "api" / "a.json", b'{"a": 1}')  # as the builder writes: replaced whole
    (content / "assets" / "s.css").write_text("p{color:red}", encoding="utf-8")  # by hand, in place
    (site / "feeds" / "x.xml").write_text("damaged", encoding="utf-8")
    wait()
    made, written, folders = copy_files(content, site, copies, again, ("api", "feeds"), folders)
    assert written == 3 and sources() == ["api/a.json", "api/b.json", "assets/s.css"]
    assert [(site / rel).read_bytes() == (content / rel).read_bytes() for rel in copies] == [True] * 4
    assert copy_files(content, site, copies, made, ("api", "feeds"), folders)[1] == 0 and sources() == ["assets/s.css"]


def test_a_folder_holding_one_left_unrecorded_is_not_recorded(tmp_path, monkeypatch):
    """A folder whose change time is not yet settled (a file the prune just removed from it) leaves every
    folder holding it unrecorded: store.owned.problems goes from a recorded folder only into the folders
    recorded in it, so a link put later into the unrecorded one is still found (it was not, when its
    parent stayed recorded)."""
    from builder.store.files import prune_tree
    from builder.store.owned import problems

    site = tmp_path / "site"
    kept = {"api/v1/reports/2022/a.json", "api/v1/reports/2023/b.json", "index.html"}
    _tree(site, {rel: "x" for rel in kept} | {"api/v1/reports/stray": "x"})
    wait = _settling(monkeypatch)
    wait()
    _, seen = prune_tree(site, kept)  # removes the stray: api/v1/reports changes now
    assert "api/v1/reports" not in seen and not {"", "api", "api/v1"} & set(seen)
    assert {"api/v1/reports/2022", "api/v1/reports/2023"} <= set(seen)
    (site / "api" / "v1" / "reports" / "fifo").symlink_to(tmp_path / "elsewhere")
    assert [p.split(" is ")[0] for p in problems(tmp_path, site, seen=seen)] == ["site/api/v1/reports/fifo"]
