"""The data releases on the site: the data page (数据下载) names the latest release with its citation and
lists every release, and each release has a page of its own (releases/VERSION/: its files with their
sizes, sha256 and addresses, its 变更说明), with its manifest.json and CHANGES.json beside it.

A release's files are the assets of the GitHub release of the tag data-VERSION (data/releases.py):
an address no later build of the site touches; the site lists them from the committed manifest, whose
every field is untrusted text (escaped by the templates, file names checked before they make an address).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from ..data.changes import STATUS_NAMES, method_lines
from ..data.releases import (CHANGES_JSON, MANIFEST, MAX_CHANGES, MAX_MANIFEST, VERSION_FORM, Release, asset_address,
                             release_page, releases)
from .page_cache import SiteWriter
from .summary import site_settings

FOLDER = "releases"
PAGE_CELLS = 1000  # changed cells a release's page lists; CHANGES.json lists every one
HOW_NAMES = {"corrected": "人工更正", "inferred": "推算", "re_extracted": "重新提取"}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def release_entry(r: Release, repository: str) -> dict[str, Any]:
    """What the pages show of a release, from its manifest: version, date, the commit, the previous
    release, the summary of its changes, its citation, its files (name, size, sha256, address) and its
    pages' addresses (relative to the site root)."""
    m = r.manifest
    summary = m.get("summary") if isinstance(m.get("summary"), dict) else {}
    cite = m.get("citation") if isinstance(m.get("citation"), dict) else {}
    files = [f for f in m.get("files", []) if isinstance(f, dict)] if isinstance(m.get("files"), list) else []
    method = m.get("method") if isinstance(m.get("method"), dict) else {}
    return {
        "version": r.version, "date": _text(m.get("date")),
        "commit": commit if re.fullmatch(r"[0-9a-f]{40}", commit := _text(m.get("commit"))) else "",
        "previous": previous if VERSION_FORM.match(previous := _text(m.get("previous"))) else "",
        "extractor": _text(m.get("extractor")),
        "method": _text(method.get("version")), "data_version": _text(m.get("data_version")),
        "summary": {k: _count(summary.get(k)) for k in ("reports", "added", "removed", "changed")},
        "method_changed": summary.get("method_changed") is True,
        "citation": {"zh": _text(cite.get("zh")), "en": _text(cite.get("en"))},
        "files": [{"name": _text(f.get("name")), "bytes": _count(f.get("bytes")), "sha256": _text(f.get("sha256")),
                   "url": asset_address(repository, r.version, _text(f.get("name")))} for f in files],
        "github": release_page(repository, r.version), "url": f"{FOLDER}/{r.version}/",
        "repository": repository,
    }


def release_entries(root: Path) -> list[dict[str, Any]]:
    """Every release under root/releases/, newest first (release_entry)."""
    repository, _ = site_settings(root)
    return [release_entry(r, repository) for r in reversed(releases(root))]


def _changes(r: Release) -> dict[str, Any]:
    """A release's 变更说明 as its page shows it: the reports added and removed, the first PAGE_CELLS
    changed cells (with each cell's name), the number of them, and the method's changes as lines."""
    c = r.changes()
    cells = [x for x in c.get("changed", []) if isinstance(x, dict)] if isinstance(c.get("changed"), list) else []
    method = c.get("method") if isinstance(c.get("method"), dict) else None
    try:
        lines = method_lines(method) if method else []
    except (KeyError, TypeError, ValueError, IndexError):
        lines = []
    return {
        "previous": previous if VERSION_FORM.match(previous := _text(c.get("previous"))) else "",
        "previous_date": _text(c.get("previous_date")),
        "added": [x for x in c.get("added", []) if isinstance(x, dict)] if isinstance(c.get("added"), list) else [],
        "removed": [x for x in c.get("removed", []) if isinstance(x, dict)] if isinstance(c.get("removed"), list) else [],
        "cells": [{**x, "how_name": HOW_NAMES.get(_text(x.get("how")), "")} for x in cells[:PAGE_CELLS]],
        "changed": len(cells), "method": lines,
    }


def release_pages(env: jinja2.Environment, writer: SiteWriter, root: Path) -> list[dict[str, Any]]:
    """Write each release's page (releases/VERSION/index.md) with its manifest.json and CHANGES.json
    beside it; the releases, newest first (release_entry), for the data page."""
    entries = release_entries(root)
    by_version = {r.version: r for r in releases(root)}
    template = env.get_template("release.md.j2")
    for e in entries:
        r = by_version[e["version"]]
        writer.text(f"{FOLDER}/{r.version}/index.md", template.render(
            r=e, changes=_changes(r), statuses=STATUS_NAMES, page_cells=PAGE_CELLS))
        for name, limit in ((MANIFEST, MAX_MANIFEST), (CHANGES_JSON, MAX_CHANGES)):
            path = r.folder / name
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= limit:
                writer.text(f"{FOLDER}/{r.version}/{name}", path.read_bytes())
    return entries
