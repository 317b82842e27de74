"""The site's pages made by worker processes (builder/site/build.py: many reports to score or render) are the
pages made in the build's own process, byte for byte, while the build's process makes the other pages;
a worker's error stops the build as one in the build's own process does."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.site import build as site
from builder.pipeline import process_all
from conftest import GENERATED_PAGES, copy_repository


def _files(content: Path) -> dict[str, bytes]:
    return {str(p.relative_to(content)): p.read_bytes() for name in GENERATED_PAGES
            for p in ([content / name] if (content / name).is_file() else sorted((content / name).rglob("*")))
            if p.is_file()}


@pytest.fixture(scope="module")
def repository(tmp_path_factory):
    root = copy_repository(tmp_path_factory.mktemp("repo"))
    return root, process_all(root / "reports", root)


def _build(root: Path, outcomes, content: str, parallel: bool, monkeypatch) -> int:
    # the repository's reports are fewer than PARALLEL_PAGES: from one, on two cores even on a machine of one
    monkeypatch.setattr(site, "PARALLEL_PAGES", 1 if parallel else 10 ** 9)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    return site.build_site(outcomes, root, root / content, cache_file=root / ".cache" / content / "pages.json")


def test_pages_made_by_workers_are_the_pages_made_in_process(repository, monkeypatch):
    root, outcomes = repository
    workers = _build(root, outcomes, "parallel", True, monkeypatch)
    alone = _build(root, outcomes, "alone", False, monkeypatch)
    made = _files(root / "parallel")
    assert made == _files(root / "alone")
    assert workers == alone == len(made)  # every file counted once as written
    assert any(name.startswith("reports/") for name in made) and any(name.startswith("agencies/") for name in made)
    # built again: nothing to write, nothing pruned
    assert _build(root, outcomes, "parallel", True, monkeypatch) == 0 and _files(root / "parallel") == made


def test_a_workers_error_stops_the_build(repository, monkeypatch):
    root, outcomes = repository
    one = sorted(o.brief.agency for o in outcomes if not o.failed)[-1]

    def broken(env, agency, reports, *rest):
        if agency == one:
            raise RuntimeError(f"no page for {agency}")
        return "page"

    monkeypatch.setattr(site, "_render_agency", broken)  # forked workers inherit it
    with pytest.raises(RuntimeError, match=f"no page for {one}"):
        _build(root, outcomes, "broken", True, monkeypatch)
    assert not (root / ".cache" / "broken" / "pages.json").exists()  # nothing remembered as made
    # the pages of the build's own process are made meanwhile; the broken build's are made again next time
    assert (root / "broken" / "index.md").exists()
    monkeypatch.undo()
    again = _build(root, outcomes, "broken", True, monkeypatch)
    assert _files(root / "broken") == _files(root / "parallel") and again > 0


def test_an_error_of_the_builds_own_process_stops_the_workers_and_the_build(repository, monkeypatch):
    import multiprocessing

    root, outcomes = repository

    def broken(*args):
        raise RuntimeError("no compare pages")

    monkeypatch.setattr(site, "compare_pages", broken)
    with pytest.raises(RuntimeError, match="no compare pages"):
        _build(root, outcomes, "stopped", True, monkeypatch)
    assert not multiprocessing.active_children()  # the workers are gone
    assert not (root / ".cache" / "stopped" / "pages.json").exists()
