"""A build killed at any point, two builds at once, a file edited during a build: the next build
equals a clean one, every record intact, nothing trusted that a cut-short build left."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.cli import Busy, build_lock
from builder.pipeline import process_all
from conftest import REPORTS, ROOT

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _repo(path: Path) -> Path:
    shutil.copytree(REPORTS, path / "reports")
    (path / "content").mkdir()
    return path


def _build(root: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "builder", "build", "--root", str(root)], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _tree(root: Path) -> dict[str, bytes]:
    """Every record and generated page, by path."""
    out = {}
    for base in ("reports", "content"):
        for p in sorted((root / base).rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    root = _repo(tmp_path_factory.mktemp("clean"))
    done = _build(root)
    assert done.wait(120) == 0, done.stderr.read()
    return _tree(root)


@pytest.mark.parametrize("after", [0.4, 1.2, 2.2, 3.5])
def test_a_build_killed_at_any_point_is_followed_by_one_equal_to_a_clean_build(tmp_path, clean, after):
    root = _repo(tmp_path)
    # records as the repository has them, and one the builder must write (deleted here)
    (root / "reports" / "2023" / "巴州区.yaml").unlink()
    proc = _build(root)
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    leftovers = [p for p in root.rglob("*.tmp")]
    again = _build(root)
    assert again.wait(120) == 0, again.stderr.read()
    assert _tree(root) == clean
    for p in leftovers:  # a temporary file a killed build left is never read as data
        assert not p.name.endswith((".yaml", ".json"))


def test_a_second_build_waits_for_the_first_or_refuses_with_a_message(tmp_path):
    root = _repo(tmp_path)
    with build_lock(root):
        with pytest.raises(Busy, match="another build is running"):
            with build_lock(root, wait=0.3):
                pass
        out = subprocess.run([sys.executable, "-m", "builder", "build", "--root", str(root)], cwd=ROOT,
                             env={**ENV, "DISCLOSURE_INDEX_LOCK_WAIT": "0.5"}, capture_output=True, text=True)
        assert out.returncode == 1 and "another build is running" in out.stderr
    # released: the next one runs
    with build_lock(root, wait=0):
        pass


def test_a_source_edited_while_a_build_reads_it_is_read_again_by_the_next(tmp_path, monkeypatch):
    import builder.pipeline as pipeline

    root = _repo(tmp_path)
    state = root / ".cache" / "state.json"
    source = root / "reports" / "2023" / "巴州区.txt"
    real = pipeline.read_source

    def edited_meanwhile(path, data=None):
        out = real(path, data)
        if Path(path) == source:  # the maintainer saves the file just after the build read it
            text = source.read_text(encoding="utf-8")
            source.write_text(text.replace("行政许可", "行政许可 ", 1), encoding="utf-8")
            os.utime(source, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
        return out

    monkeypatch.setattr(pipeline, "read_source", edited_meanwhile)
    process_all(root / "reports", root, write=True, state_file=state, jobs=1)
    monkeypatch.setattr(pipeline, "read_source", real)
    again = process_all(root / "reports", root, write=True, state_file=state, jobs=1)
    assert [o.source.name for o in again if o.extracted] == ["巴州区.txt"]  # read (in a worker) again


def test_a_cache_a_commit_brings_is_never_trusted(tmp_path):
    import json

    root = _repo(tmp_path)
    state = root / ".cache" / "state.json"
    first = process_all(root / "reports", root, write=True, state_file=state)
    shards = sorted(state.parent.glob("state-outcomes.*.json"))  # each report's outcome (builder/store/shards.py)
    forged_any = False
    for shard in shards:
        forged = json.loads(shard.read_text(encoding="utf-8").partition("\n")[2])
        for entry in forged["entries"].values():  # an attacker's numbers, under the right stamps
            entry[-1]["json"] = entry[-1]["json"].replace('"new":[', '"new":[9999,')
            forged_any = True
        shard.write_text("0" * 64 + "\n" + json.dumps(forged), encoding="utf-8")  # no valid seal
    assert forged_any
    again = process_all(root / "reports", root, write=True, state_file=state)
    assert [o.record.dump() for o in again] == [o.record.dump() for o in first]
    assert sorted(o.source.name for o in again if o.extracted) == sorted(o.source.name for o in first)
    for shard in shards:
        shard.write_text("\x80garbage", encoding="utf-8")
    state.write_text("\x80garbage", encoding="utf-8")
    assert [o.record.dump() for o in process_all(root / "reports", root, write=True, state_file=state)] == \
        [o.record.dump() for o in first]


def test_a_generated_page_edited_by_hand_is_made_again(tmp_path):
    from builder.site.build import build_site

    root = _repo(tmp_path)
    cache = root / ".cache" / "pages.json"
    outcomes = process_all(root / "reports", root, write=True)
    build_site(outcomes, root, root / "content", cache_file=cache)
    page = next((root / "content" / "reports").rglob("*.md"))
    made = page.read_bytes()
    page.write_bytes(made.replace("2023".encode(), "2099".encode()))  # a person (or a PR) edits it
    build_site(outcomes, root, root / "content", cache_file=cache)
    assert page.read_bytes() == made


def test_the_lock_covers_the_whole_site_build_mkdocs_included(tmp_path, monkeypatch):
    """`python -m builder site` holds the build lock while the engine reads content/ and while Pagefind
    indexes the site: a second build meanwhile waits (here: is told another build is running) rather than
    prune the pages the engine is reading or rewrite the site Pagefind is indexing."""
    from builder import cli
    from builder.site import search_index
    from builder.site.search_entries import ENTRIES, write_entry

    root = _repo(tmp_path)
    real, seen = subprocess.run, []

    def held(step):
        try:
            with build_lock(root, wait=0):
                seen.append(f"a second build could start during {step}")
        except Busy:
            seen.append(f"held during {step}")

    def build(root_, site_dir, *args, **kw):  # the engine and the bulk pages in its shells stood in for: one page
        held("the engine")
        page = (b'<!doctype html><html lang="zh"><head><title>t</title></head><body><div class="search-entry" '
                b'data-pagefind-body hidden><p>\xe5\xb9\xb3\xe6\xbd\xad</p></div></body></html>')
        site_dir.mkdir(exist_ok=True)
        (site_dir / "index.html").write_bytes(page)
        write_entry(root_ / ENTRIES, "index.html", page)  # its search entry, as the shells keep it
        return 0

    def run(command, *args, **kw):  # subprocess.run, which the build also runs git with
        if str(search_index.PAGEFIND) in map(str, command):
            held("the search index")
        return real(command, *args, **kw)

    monkeypatch.setattr(cli.engine, "build", build)
    monkeypatch.setattr(search_index.subprocess, "run", run)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    assert seen == ["held during the engine", "held during the search index"]
