"""The bulk pages made in parts, for a CI matrix: each job makes one part of the report and body pages, and a
last job joins them into the site without making them again.

A part job (`python -m builder site --part K/N`) builds content/ and runs the engine as any build does, then
makes only the bulk pages of part K (shells.render, in the engine's shell: the same bytes as a whole build)
into its site folder, with their search entries, and writes a manifest, PARTS/part-K-of-N.json: each page's
source, its key across machines (its shell and the sha256 of its Markdown, not a file's time, which differs
from one machine to another), its path in the site, the sha256 of its bytes, its search entry and the files of
the site it links to. A page is in part K by a hash of its path (part_of): parts are even whatever the years
and provinces, and a page stays in its part as others are added.

The join is the ordinary build (`python -m builder site`) in a folder where the parts' site folders, search
entries and manifests were put together (the workflow's artifacts): shells.finish takes a bulk page a manifest
lists, instead of making it, when its Markdown gives the manifest's key and the page in site/ holds the bytes
the manifest names; the page's links are checked with the whole site's (links.py); a page that does not
match is made again. The manifests are removed once the join has taken what it could.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from ..store.files import _key, file_sha256, write_atomically
from ..store.versions import render_version

PARTS = Path(".cache") / "parts"  # under the repository's root: the manifests a join reads


class PartError(ValueError):
    """A part given as anything but K/N with 1 ≤ K ≤ N."""


def parse_part(text: str) -> tuple[int, int]:
    """"K/N" (the K-th of N parts, from 1) → (K, N). Raises PartError."""
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise PartError(f"{text!r}: a part is K/N, such as 2/8") from None
    if not 1 <= k <= n:
        raise PartError(f"{text!r}: K must be from 1 to N")
    return k, n


def part_of(src: str, count: int) -> int:
    """The part (1..count) of a bulk page (its path in content/): a hash of the path, so that parts are even."""
    return int.from_bytes(hashlib.sha256(src.encode("utf-8")).digest()[:8], "big") % count + 1


def content_key(shell_digest: str, markdown: Path) -> str:
    """A bulk page's key that holds across machines: its kind's shells (shells.shells_digest) and the
    sha256 of its Markdown."""
    return _key(shell_digest, file_sha256(markdown))


def manifest_path(root: Path, part: tuple[int, int]) -> Path:
    return root / PARTS / f"part-{part[0]}-of-{part[1]}.json"


def write_manifest(root: Path, part: tuple[int, int], pages: dict[str, list]) -> Path:
    """PARTS/part-K-of-N.json for these pages (a source → [its content_key, its path in site/, the sha256 of
    its bytes, its search entry or None, the files of the site it links to])."""
    path = manifest_path(root, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps({"version": render_version(), "part": list(part), "pages": pages},
                                      ensure_ascii=False, sort_keys=True))
    return path


def manifests(root: Path) -> dict[str, list]:
    """Every page the manifests under PARTS list (as write_manifest gives them), from those written by this
    code (their render version); {} when there is none. A manifest that is not this code's JSON is left out:
    its pages are made again."""
    out: dict[str, Any] = {}
    folder = root / PARTS
    if not folder.is_dir() or folder.is_symlink():
        return out
    for path in sorted(folder.glob("part-*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("version") == render_version() and isinstance(data.get("pages"), dict):
            out.update({src: made for src, made in data["pages"].items() if isinstance(made, list) and len(made) == 5})
    return out


def taken(made: list, key: str, site: Path, dest: str) -> bool:
    """Whether a page a manifest lists (`made`) may be taken as it is: its Markdown gives the same
    content_key (`key`), it is at the page's own path in the site (`dest`, as the engine gives it) with its
    search entry there or none, and site/ holds the bytes it names (not through a link). A manifest is
    a file like any other: a path it names is never taken on its word."""
    if made[0] != key or made[1] != dest or made[3] not in (None, dest):
        return False
    page = site / dest
    return page.is_file() and not page.is_symlink() and file_sha256(page) == made[2]


def remove_manifests(root: Path) -> None:
    """The manifests, once a join has taken what it could (never through a link: store.owned checks .cache)."""
    folder = root / PARTS
    if folder.is_symlink():
        os.unlink(folder)
    elif folder.is_dir():
        shutil.rmtree(folder)
