"""builder/site/parts.py: the report and body pages made in parts by the jobs of a CI matrix
(`python -m builder site --part K/N`) and joined by a build without --part, which takes each page a part
made when it matches and makes it again when not; the joined site is the site one build makes, and the links
of the parts' pages are checked against the whole site."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_repository


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _part_job(tmp: Path, k: int, n: int) -> Path:
    from builder import cli

    job = copy_repository(tmp / f"job{k}")
    assert cli.main(["site", "--root", str(job), "--site-dir", str(job / "site"), "--part", f"{k}/{n}"]) == 0
    return job


def _join(tmp: Path, jobs: list[Path], name: str = "join") -> Path:
    """A repository with the jobs' site folders, search entries and manifests put together, as the
    workflow's last job puts its artifacts."""
    from builder.site.parts import PARTS
    from builder.site.search_entries import ENTRIES

    root = copy_repository(tmp / name)
    for job in jobs:
        for folder in ("site", ENTRIES, PARTS):
            if (job / folder).is_dir():
                shutil.copytree(job / folder, root / folder, dirs_exist_ok=True)
    return root


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    """(the whole site one build makes, two part jobs' repositories), with the site's address set."""
    from builder import cli

    tmp = tmp_path_factory.mktemp("parts")
    patch = pytest.MonkeyPatch()
    patch.setenv("SITE_URL", "https://example.org/index/")
    try:
        whole = copy_repository(tmp / "whole")
        assert cli.main(["site", "--root", str(whole), "--site-dir", str(whole / "site")]) == 0
        yield tmp, whole / "site", [_part_job(tmp, k, 2) for k in (1, 2)]
    finally:
        patch.undo()


def _edit_a_page(root: Path, change) -> str:
    """Part 1's manifest in ROOT with CHANGE applied to what it lists of its first page: that page's source."""
    from builder.site.parts import PARTS

    manifest = root / PARTS / "part-1-of-2.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    src = sorted(data["pages"])[0]
    change(data["pages"][src])
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return src


def _counting(monkeypatch) -> list[str]:
    from builder.site import shells

    made, render = [], shells.render
    monkeypatch.setattr(shells, "render", lambda engine, by_kind, src: made.append(src) or render(engine, by_kind, src))
    return made


def test_each_part_makes_its_pages_alone_and_lists_them(parts):
    from builder.site.parts import manifest_path, part_of

    tmp, whole, jobs = parts
    bulk = {rel for rel in _files(whole) if rel.startswith(("reports/", "agencies/")) and rel.endswith(".html")}
    lists = [json.loads(manifest_path(job, (k, 2)).read_text(encoding="utf-8"))["pages"] for k, job in enumerate(jobs, 1)]
    assert lists[0] and lists[1] and not lists[0].keys() & lists[1].keys()
    assert {made[1] for pages in lists for made in pages.values()} == bulk  # every bulk page, in one part each
    for k, (job, pages) in enumerate(zip(jobs, lists), 1):
        assert all(part_of(src, 2) == k for src in pages)
        # the job's site holds its pages, byte for byte the whole build's, and nothing else
        assert _files(job / "site") == {made[1]: _files(whole)[made[1]] for made in pages.values()}


def test_a_join_takes_the_parts_pages_and_is_the_site_one_build_makes(parts, monkeypatch):
    from builder import cli
    from builder.site.parts import PARTS

    tmp, whole, jobs = parts
    monkeypatch.setenv("SITE_URL", "https://example.org/index/")
    root = _join(tmp, jobs)
    made = _counting(monkeypatch)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    assert made == []  # no report or body page made again
    assert _files(root / "site") == _files(whole)
    assert not (root / PARTS).exists()  # the manifests are consumed


def test_a_part_s_page_that_does_not_match_is_made_again(parts, monkeypatch):
    from builder import cli

    tmp, whole, jobs = parts
    monkeypatch.setenv("SITE_URL", "https://example.org/index/")
    root = _join(tmp, jobs, "tampered")
    page = root / "site" / "agencies" / "巴州区" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</article>", b"<p>not the part's</p></article>"))
    made = _counting(monkeypatch)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    assert made == ["agencies/巴州区.md"]
    assert _files(root / "site") == _files(whole)


def test_a_part_s_page_linking_to_no_page_of_the_site_stops_the_join(parts, monkeypatch, capsys):
    from builder import cli

    tmp, whole, jobs = parts
    monkeypatch.setenv("SITE_URL", "https://example.org/index/")
    root = _join(tmp, jobs, "broken")
    _edit_a_page(root, lambda made: made[4].append("reports/2031/nowhere/index.html"))
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) != 0
    assert "links to reports/2031/nowhere/index.html" in capsys.readouterr().err


def test_a_part_is_k_of_n(tmp_path, capsys):
    from builder import cli

    for bad in ("3/2", "0/2", "x", "1/2/3"):
        assert cli.main(["site", "--root", str(tmp_path), "--site-dir", str(tmp_path / "site"), "--part", bad]) == 2
        err = capsys.readouterr().err
        assert "a part is K/N" in err or "K must be from 1 to N" in err


def test_a_manifest_naming_another_path_for_a_page_is_not_taken_on_its_word(parts, monkeypatch):
    from builder import cli

    tmp, whole, jobs = parts
    monkeypatch.setenv("SITE_URL", "https://example.org/index/")
    root = _join(tmp, jobs, "elsewhere")
    outside = root / "outside.html"

    def elsewhere(made: list) -> None:
        outside.write_bytes((root / "site" / made[1]).read_bytes())  # the same bytes, at a path out of the site
        made[1] = "../outside.html"

    src = _edit_a_page(root, elsewhere)
    made = _counting(monkeypatch)
    assert cli.main(["site", "--root", str(root), "--site-dir", str(root / "site")]) == 0
    assert made == [src]  # made again at its own path
    assert _files(root / "site") == _files(whole) and outside.exists()
