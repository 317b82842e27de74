"""Data releases as the repository keeps them: releases/VERSION/ holding manifest.json, CHANGES.json and
CHANGES.md (committed) and data/ (the downloads, published as the assets of the GitHub release of the
tag data-VERSION). builder/release.py makes them; the site lists them (site/releases_pages.py).

In: the folder releases/ of a repository (untrusted, as everything committed is: a folder or file that
is a link is left out, a manifest read within MAX_MANIFEST bytes, file names checked before they make
an address). Out: Release (version, folder, manifest), the versions' order, citation text, addresses.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .downloads import TITLE

RELEASES = "releases"
TAG_PREFIX = "data-"  # a release's git tag, and so its GitHub release: data-2026.12.0
VERSION_FORM = re.compile(r"^(?P<year>20\d\d)\.(?P<month>[1-9]|1[0-2])\.(?P<n>0|[1-9]\d{0,3})$")
DATE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST, CHANGES_JSON, CHANGES_MD, DATA = "manifest.json", "CHANGES.json", "CHANGES.md", "data"
ENGLISH_TITLE = "Disclosure Index: data of Chinese government information-disclosure annual reports"
MAX_MANIFEST = 4 << 20    # bytes of a manifest.json read
MAX_CHANGES = 256 << 20   # bytes of a CHANGES.json read (every cell changed at 10,000 reports: some 100 MB)
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")  # a release's file, as the downloads name them


class ReleaseError(Exception):
    """A release that cannot be made: a bad version or date, one that exists, a previous release whose
    files are missing or changed, uncommitted reports (the command used wrongly: exit 2)."""


class NotReproduced(ReleaseError):
    """A committed release whose files made again differ from its manifest (exit 1)."""


def parse_version(version: str) -> tuple[int, int, int]:
    """YEAR.MONTH.N (2026.12.0: the year and month of the release, N counting from 0 within the month)
    as a tuple that orders releases. Raises ReleaseError for any other form."""
    m = VERSION_FORM.match(version)
    if not m:
        raise ReleaseError(f"{version!r} is not a release version: write YEAR.MONTH.N, e.g. 2026.12.0 "
                           "(the month without a leading zero, N counting from 0)")
    return int(m["year"]), int(m["month"]), int(m["n"])


@dataclass(frozen=True)
class Release:
    """A release under releases/: its version, folder and manifest (as read from manifest.json)."""
    version: str
    folder: Path
    manifest: dict[str, Any]

    @property
    def data(self) -> Path:
        return self.folder / DATA

    def changes(self) -> dict[str, Any]:
        """Its 变更说明 as CHANGES.json holds it ({} if missing, a link, past MAX_CHANGES or unreadable)."""
        found = _read_json(self.folder / CHANGES_JSON, MAX_CHANGES)
        return found if isinstance(found, dict) else {}


def releases(root: Path) -> list[Release]:
    """The releases under root/releases/ (a folder named by a version, holding manifest.json), oldest
    first. A folder of another name, a link, or one without a readable manifest naming its version is
    left out."""
    found = []
    folder = root / RELEASES
    for d in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not d.is_dir() or d.is_symlink() or not VERSION_FORM.match(d.name):
            continue
        manifest = _read_json(d / MANIFEST, MAX_MANIFEST)
        if isinstance(manifest, dict) and manifest.get("version") == d.name:
            found.append(Release(d.name, d, manifest))
    return sorted(found, key=lambda r: parse_version(r.version))


def _read_json(path: Path, limit: int) -> Any:
    """A JSON file that is no link and within `limit` bytes, else None."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > limit:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def citation(version: str, date: str, url: str) -> dict[str, str]:
    """The release's citation text, without a DOI: in Chinese (zh) and English (en)."""
    at = f" {url}" if url else ""
    return {"zh": f"公开年报指数贡献者：《{TITLE}：政府信息公开工作年度报告数据》，数据发布版本 {version}（{date}），"
                  f"CC BY 4.0。{at.strip()}",
            "en": f"Disclosure Index contributors ({date[:4]}). {ENGLISH_TITLE}, data release {version} ({date}). "
                  f"CC BY 4.0.{at}"}


def asset_address(repository: str, version: str, name: str) -> str:
    """Where the GitHub release of the tag data-VERSION serves a file of the release ("" without a
    repository or for a name that is not a release file's)."""
    if not repository or not FILE_NAME.match(name):
        return ""
    return f"{repository}/releases/download/{TAG_PREFIX}{version}/{name}"


def release_page(repository: str, version: str) -> str:
    """The GitHub release's page of a version ("" without a repository)."""
    return f"{repository}/releases/tag/{TAG_PREFIX}{version}" if repository else ""
